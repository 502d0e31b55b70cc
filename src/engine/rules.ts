import { sql } from 'kysely';
import { conflict, invalid, notFound } from '../core/errors.js';
import type { Rule, RuleScope } from '../core/schemas.js';
import type { Tx } from '../store/store.js';
import { audit, categoryId, departmentId, type EngineContext } from './context.js';

export interface RuleSpec {
  department: string;
  scope: RuleScope;
  category?: string | null;
}

function ruleQuery(tx: Tx, tenantId: number) {
  return tx
    .selectFrom('approval_rules as r')
    .innerJoin('departments as d', 'd.id', 'r.department_id')
    .leftJoin('categories as c', 'c.id', 'r.category_id')
    .select(['r.id', 'd.name as department', 'r.scope', 'c.name as category', 'r.created_at'])
    .where('r.tenant_id', '=', tenantId)
    .orderBy('r.id');
}

const toRule = (r: { id: number; department: string; scope: string; category: string | null; created_at: string }): Rule => ({
  id: r.id,
  department: r.department,
  scope: r.scope as RuleScope,
  category: r.category,
  createdAt: r.created_at,
});

export async function listRules(ctx: EngineContext): Promise<Rule[]> {
  return (await ruleQuery(ctx.store.db, ctx.tenantId).execute()).map(toRule);
}

async function resolveSpec(tx: Tx, ctx: EngineContext, spec: RuleSpec) {
  if ((spec.scope === 'category') !== Boolean(spec.category)) {
    throw invalid('scope: a rule names exactly one of --category C, --no-category or --all-categories');
  }
  const dept = await departmentId(tx, ctx.tenantId, spec.department);
  const cat = spec.scope === 'category' ? await categoryId(tx, ctx.tenantId, dept, spec.department, spec.category!) : null;
  return { dept, cat };
}

/** R6: adds a rule; the same rule twice is a conflict. Rules are never edited. */
export async function addRule(ctx: EngineContext, spec: RuleSpec): Promise<Rule> {
  return ctx.store.write(async (tx) => {
    const { dept, cat } = await resolveSpec(tx, ctx, spec);
    const existing = await tx
      .selectFrom('approval_rules')
      .select('id')
      .where('department_id', '=', dept)
      .where('scope', '=', spec.scope)
      .where(sql<number>`coalesce(category_id, 0)`, '=', cat ?? 0)
      .executeTakeFirst();
    if (existing) throw conflict(`the rule already exists (id ${existing.id}) (R6)`);
    const { id } = await tx
      .insertInto('approval_rules')
      .values({ tenant_id: ctx.tenantId, department_id: dept, scope: spec.scope, category_id: cat, created_at: ctx.now().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rule = toRule(await ruleQuery(tx, ctx.tenantId).where('r.id', '=', id).executeTakeFirstOrThrow());
    await audit(tx, ctx, 'rule.add', 'rule', id, { department: rule.department, scope: rule.scope, category: rule.category });
    return rule;
  }, ctx.tenantId);
}

async function removeRows(tx: Tx, ctx: EngineContext, rules: Rule[]): Promise<{ removed: Rule[] }> {
  for (const rule of rules) {
    await tx.deleteFrom('approval_rules').where('id', '=', rule.id).execute();
    await audit(tx, ctx, 'rule.remove', 'rule', rule.id, { department: rule.department, scope: rule.scope, category: rule.category });
  }
  return { removed: rules };
}

/** Removes rules by id: all of them, or none when one is missing. */
export async function removeRules(ctx: EngineContext, ids: number[]): Promise<{ removed: Rule[] }> {
  return ctx.store.write(async (tx) => {
    const rules = (await ruleQuery(tx, ctx.tenantId).where('r.id', 'in', ids).execute()).map(toRule);
    const missing = ids.filter((id) => !rules.some((r) => r.id === id));
    if (missing.length) throw notFound(`no rule with id ${missing.join(', ')} (deskctl rules list shows them)`);
    return removeRows(tx, ctx, rules);
  }, ctx.tenantId);
}

export async function removeRuleMatching(ctx: EngineContext, spec: RuleSpec): Promise<{ removed: Rule[] }> {
  return ctx.store.write(async (tx) => {
    const { dept, cat } = await resolveSpec(tx, ctx, spec);
    const rows = await ruleQuery(tx, ctx.tenantId)
      .where('r.department_id', '=', dept)
      .where('r.scope', '=', spec.scope)
      .where(sql<number>`coalesce(r.category_id, 0)`, '=', cat ?? 0)
      .execute();
    if (rows.length === 0) throw notFound('no such rule (deskctl rules list shows them)');
    return removeRows(tx, ctx, rows.map(toRule));
  }, ctx.tenantId);
}
