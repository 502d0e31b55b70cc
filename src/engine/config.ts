import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical.js';
import { CONFIG_SETTING_KEYS, exportDoc, planChanges, summarize, type ConfigChange, type ConfigDoc, type ConfigState, type PlanSummary } from '../core/config.js';
import { forbidden, precondition } from '../core/errors.js';
import type { RuleScope } from '../core/schemas.js';
import type { Tx } from '../store/store.js';
import { audit, readSettings, type EngineContext } from './context.js';

export interface ConfigPlan {
  /** The live configuration the plan was made against (R37: a saved plan applies only to it). */
  fingerprint: string;
  changes: ConfigChange[];
  summary: PlanSummary;
}

export interface ConfigApplied extends ConfigPlan {
  /** The fingerprint of the configuration after the apply. */
  after: string;
}

function assertAdmin(ctx: EngineContext): void {
  if (ctx.actor.kind !== 'admin') throw forbidden('only the tenant admin reads or changes the configuration (R37)');
}

/** The live configuration of the tenant, with what removals need to know (usage, members). */
async function readState(tx: Tx, tenantId: number): Promise<ConfigState> {
  const settings = (await readSettings(tx, tenantId)) as unknown as Record<string, unknown>;
  const depts = await tx.selectFrom('departments').select(['id', 'name']).where('tenant_id', '=', tenantId).orderBy('id').execute();
  const deptName = new Map(depts.map((d) => [d.id, d.name]));
  const catRows = await tx.selectFrom('categories').select(['id', 'department_id', 'name']).where('tenant_id', '=', tenantId).orderBy('id').execute();
  const catName = new Map(catRows.map((c) => [c.id, c.name]));
  const orgRows = await tx.selectFrom('organizations').select(['id', 'name', 'parent_id']).where('tenant_id', '=', tenantId).orderBy('id').execute();
  const orgName = new Map(orgRows.map((o) => [o.id, o.name]));
  const agentRows = await tx.selectFrom('agents').select(['id', 'email', 'name', 'is_admin']).where('tenant_id', '=', tenantId).orderBy('id').execute();
  const memberships = await tx
    .selectFrom('agent_departments as ad')
    .innerJoin('agents as a', 'a.id', 'ad.agent_id')
    .select(['ad.agent_id', 'ad.department_id'])
    .where('a.tenant_id', '=', tenantId)
    .orderBy('ad.department_id')
    .execute();
  const ruleRows = await tx.selectFrom('approval_rules').select(['id', 'department_id', 'scope', 'category_id']).where('tenant_id', '=', tenantId).orderBy('id').execute();

  const usage: ConfigState['usage'] = { departments: {}, categories: {}, organizations: {} };
  for (const table of ['tickets', 'drafts'] as const) {
    const rows = await tx
      .selectFrom(table)
      .select(['department_id', 'category_id', 'organization_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenantId)
      .groupBy(['department_id', 'category_id', 'organization_id'])
      .execute();
    for (const r of rows) {
      const n = Number(r.n);
      const d = deptName.get(r.department_id)!;
      usage.departments[d] = (usage.departments[d] ?? 0) + n;
      if (r.category_id !== null) {
        const key = `${d}\u0000${catName.get(r.category_id)}`;
        usage.categories[key] = (usage.categories[key] ?? 0) + n;
      }
      if (r.organization_id !== null) {
        const o = orgName.get(r.organization_id)!;
        usage.organizations[o] = (usage.organizations[o] ?? 0) + n;
      }
    }
  }
  const members: Record<string, number> = {};
  const memberRows = await tx
    .selectFrom('customers')
    .select(['organization_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is', null)
    .where('organization_id', 'is not', null)
    .groupBy('organization_id')
    .execute();
  for (const m of memberRows) members[orgName.get(m.organization_id!)!] = Number(m.n);

  return {
    settings: Object.fromEntries(CONFIG_SETTING_KEYS.map((k) => [k, settings[k]])),
    departments: depts.map((d) => ({ name: d.name, categories: catRows.filter((c) => c.department_id === d.id).map((c) => c.name) })),
    organizations: orgRows.map((o) => ({ name: o.name, parent: o.parent_id === null ? null : (orgName.get(o.parent_id) ?? null) })),
    agents: agentRows.map((a) => ({
      email: a.email,
      name: a.name,
      departments: memberships.filter((m) => m.agent_id === a.id).map((m) => deptName.get(m.department_id)!),
      admin: a.is_admin === 1,
    })),
    rules: ruleRows.map((r) => ({ id: r.id, department: deptName.get(r.department_id)!, scope: r.scope as RuleScope, category: r.category_id === null ? null : catName.get(r.category_id)! })),
    usage,
    members,
  };
}

/** What the configuration is, in one word: a hash of its export (order of keys aside). */
const fingerprintOf = (s: ConfigState) => `sha256:${createHash('sha256').update(canonicalJson(exportDoc(s))).digest('hex')}`;

/** `config export`: the live configuration in the fixture format. */
export async function exportConfig(ctx: EngineContext): Promise<ConfigDoc> {
  assertAdmin(ctx);
  return exportDoc(await readState(ctx.store.db, ctx.tenantId));
}

/** `config plan`: what applying the file would change, against the live state; nothing is written. */
export async function planConfig(ctx: EngineContext, input: unknown): Promise<ConfigPlan> {
  assertAdmin(ctx);
  const state = await readState(ctx.store.db, ctx.tenantId);
  const changes = planChanges(input, state);
  return { fingerprint: fingerprintOf(state), changes, summary: summarize(changes) };
}

/**
 * `config apply`: the plan, made again inside ONE write transaction and applied there. With a
 * fingerprint (a saved plan, or the plan the user confirmed), a configuration that changed since
 * is refused and nothing is written (R37).
 */
export async function applyConfig(ctx: EngineContext, input: unknown, fingerprint?: string): Promise<ConfigApplied> {
  assertAdmin(ctx);
  return ctx.store.write(async (tx) => {
    const state = await readState(tx, ctx.tenantId);
    const current = fingerprintOf(state);
    if (fingerprint !== undefined && fingerprint !== current) {
      throw precondition(`the configuration changed since the plan was made (plan ${fingerprint.slice(0, 19)}…, now ${current.slice(0, 19)}…): nothing was applied; run config plan again`);
    }
    const changes = planChanges(input, state);
    if (changes.length) await applyChanges(tx, ctx, changes);
    const summary = summarize(changes);
    if (changes.length) await audit(tx, ctx, 'config.apply', 'tenant', null, { before: current, ...summary });
    const after = changes.length ? fingerprintOf(await readState(tx, ctx.tenantId)) : current;
    return { fingerprint: current, changes, summary, after };
  }, ctx.tenantId);
}

/** The changes, in the order planChanges lists them (removals that free names before additions that use them). */
async function applyChanges(tx: Tx, ctx: EngineContext, changes: ConfigChange[]): Promise<void> {
  const tid = ctx.tenantId;
  const at = ctx.now().toISOString();
  const source = { source: 'config' };
  const dept = async (name: string) => (await tx.selectFrom('departments').select('id').where('tenant_id', '=', tid).where('name', '=', name).executeTakeFirstOrThrow()).id;
  const cat = async (department: string, name: string) =>
    (await tx.selectFrom('categories').select('id').where('tenant_id', '=', tid).where('department_id', '=', await dept(department)).where('name', '=', name).executeTakeFirstOrThrow()).id;
  const org = async (name: string) => (await tx.selectFrom('organizations').select('id').where('tenant_id', '=', tid).where('name', '=', name).executeTakeFirstOrThrow()).id;
  const agent = async (email: string) => (await tx.selectFrom('agents').select('id').where('tenant_id', '=', tid).where('email', '=', email).executeTakeFirstOrThrow()).id;
  const setMemberships = async (agentId: number, departments: string[]) => {
    await tx.deleteFrom('agent_departments').where('agent_id', '=', agentId).execute();
    const ids = [];
    for (const d of departments) ids.push(await dept(d));
    if (ids.length) await tx.insertInto('agent_departments').values(ids.map((department_id) => ({ agent_id: agentId, department_id }))).execute();
  };

  // Organizations are made first and given their parents after (a parent may be new or come later);
  // the ones removed lose their parents first, so removing a parent and its child together works.
  const removedOrgs = changes.filter((c) => c.kind === 'organization' && c.action === 'remove');
  for (const c of changes) {
    const from = c.from as Record<string, unknown>;
    const to = c.to as Record<string, unknown>;
    switch (`${c.kind}.${c.action}`) {
      case 'setting.change':
        await tx
          .insertInto('settings')
          .values({ tenant_id: tid, key: c.key, value: JSON.stringify(c.to) })
          .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: JSON.stringify(c.to) }))
          .execute();
        await audit(tx, ctx, 'settings.set', 'setting', c.key, { from: c.from, to: c.to, ...source });
        break;
      case 'rule.remove':
        await tx.deleteFrom('approval_rules').where('tenant_id', '=', tid).where('id', '=', from.id as number).execute();
        await audit(tx, ctx, 'rule.remove', 'rule', from.id as number, { department: from.department, scope: from.scope, category: from.category, ...source });
        break;
      case 'agent.remove': {
        const id = await agent(c.key);
        await tx.updateTable('tickets').set({ agent_id: null }).where('tenant_id', '=', tid).where('agent_id', '=', id).execute();
        await tx.deleteFrom('agent_departments').where('agent_id', '=', id).execute();
        await tx.deleteFrom('agents').where('id', '=', id).execute();
        await audit(tx, ctx, 'agent.remove', 'agent', id, { email: c.key, ...source });
        break;
      }
      case 'category.remove': {
        const id = await cat(from.department as string, from.name as string);
        await tx.deleteFrom('approval_rules').where('category_id', '=', id).execute();
        await tx.deleteFrom('categories').where('id', '=', id).execute();
        await audit(tx, ctx, 'category.remove', 'category', id, { name: from.name, department: from.department, ...source });
        break;
      }
      case 'department.remove': {
        const id = await dept(c.key);
        await tx.deleteFrom('approval_rules').where('department_id', '=', id).execute();
        await tx.deleteFrom('categories').where('department_id', '=', id).execute();
        await tx.deleteFrom('agent_departments').where('department_id', '=', id).execute();
        await tx.deleteFrom('departments').where('id', '=', id).execute();
        await audit(tx, ctx, 'department.remove', 'department', id, { name: c.key, ...source });
        break;
      }
      case 'department.add': {
        const { id } = await tx.insertInto('departments').values({ tenant_id: tid, name: c.key, created_at: at }).returning('id').executeTakeFirstOrThrow();
        await audit(tx, ctx, 'department.add', 'department', id, { name: c.key, ...source });
        break;
      }
      case 'category.add': {
        const { id } = await tx
          .insertInto('categories')
          .values({ tenant_id: tid, department_id: await dept(to.department as string), name: to.name as string, created_at: at })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, 'category.add', 'category', id, { name: to.name, department: to.department, ...source });
        break;
      }
      case 'organization.add': {
        const { id } = await tx.insertInto('organizations').values({ tenant_id: tid, name: c.key, parent_id: null, created_at: at }).returning('id').executeTakeFirstOrThrow();
        await audit(tx, ctx, 'organization.add', 'organization', id, { name: c.key, parent: to.parent, ...source });
        break;
      }
      case 'organization.change':
        break; // parents are set below, once every organization exists
      case 'organization.remove':
        break; // below, after the parents
      case 'agent.add': {
        const { id } = await tx
          .insertInto('agents')
          .values({ tenant_id: tid, email: c.key, name: to.name as string, is_admin: to.admin ? 1 : 0, created_at: at })
          .returning('id')
          .executeTakeFirstOrThrow();
        await setMemberships(id, to.departments as string[]);
        await audit(tx, ctx, 'agent.add', 'agent', id, { email: c.key, name: to.name, departments: to.departments, admin: to.admin, ...source });
        break;
      }
      case 'agent.change': {
        const id = await agent(c.key);
        const set: { name?: string; is_admin?: number } = {};
        if ('name' in to) set.name = to.name as string;
        if ('admin' in to) set.is_admin = to.admin ? 1 : 0;
        if (Object.keys(set).length) await tx.updateTable('agents').set(set).where('id', '=', id).execute();
        if ('departments' in to) await setMemberships(id, to.departments as string[]);
        await audit(tx, ctx, 'agent.set', 'agent', id, { email: c.key, from, to, ...source });
        break;
      }
      case 'rule.add': {
        const scope = to.scope as RuleScope;
        const departmentId = await dept(to.department as string);
        const { id } = await tx
          .insertInto('approval_rules')
          .values({ tenant_id: tid, department_id: departmentId, scope, category_id: scope === 'category' ? await cat(to.department as string, to.category as string) : null, created_at: at })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, 'rule.add', 'rule', id, { department: to.department, scope, category: to.category, ...source });
        break;
      }
    }
  }
  // Parents: of new organizations and changed ones.
  for (const c of changes) {
    if (c.kind !== 'organization' || c.action === 'remove') continue;
    const parent = (c.to as { parent: string | null }).parent;
    if (c.action === 'add' && parent === null) continue;
    const id = await org(c.key);
    await tx.updateTable('organizations').set({ parent_id: parent === null ? null : await org(parent) }).where('id', '=', id).execute();
    if (c.action === 'change') await audit(tx, ctx, 'organization.set_parent', 'organization', id, { name: c.key, parent, ...source });
  }
  const removedIds = [];
  for (const c of removedOrgs) removedIds.push(await org(c.key));
  if (removedIds.length) {
    await tx.updateTable('organizations').set({ parent_id: null }).where('id', 'in', removedIds).execute();
    // Removed customers keep their history but no longer point at the organization (as orgs remove does).
    await tx.updateTable('customers').set({ organization_id: null, is_manager: 0 }).where('organization_id', 'in', removedIds).execute();
    for (const [i, c] of removedOrgs.entries()) {
      await tx.deleteFrom('organizations').where('id', '=', removedIds[i]!).execute();
      await audit(tx, ctx, 'organization.remove', 'organization', removedIds[i]!, { name: c.key, ...source });
    }
  }
}
