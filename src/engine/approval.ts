import { decideApproval, type ApprovalCheck, type ApprovalDecision, type ApprovalFacts } from '../core/approval.js';
import { notFound, precondition } from '../core/errors.js';
import { CUSTOMER_AREA_CHANNELS, ExplainRequest, type Channel, type Settings } from '../core/schemas.js';
import { parseInput } from '../core/validate.js';
import type { Tx } from '../store/store.js';
import { activeManagers, categoryId, departmentId, findCustomer, readSettings, type CustomerRow, type EngineContext } from './context.js';

/** What a request names, looked up (the same for `tickets create` and `approval explain`). */
export interface RequestParties {
  settings: Settings;
  requester: CustomerRow;
  departmentId: number;
  categoryId: number | null;
}

/** The requester, department and category of a request, and the checks that come before R7 (an inactive requester, R41's customer area). */
export async function requestParties(
  tx: Tx,
  ctx: EngineContext,
  req: { requester: string; department: string; category?: string | null; channel: Channel },
): Promise<RequestParties> {
  const settings = await readSettings(tx, ctx.tenantId);
  const requester = await findCustomer(tx, ctx.tenantId, req.requester);
  if (req.channel !== 'agent' && requester.active !== 1) {
    throw precondition(`customer ${requester.email} is inactive; only an agent can open a ticket for them (--channel agent)`);
  }
  if (!settings['tickets.customerCreation'] && (CUSTOMER_AREA_CHANNELS as readonly string[]).includes(req.channel)) {
    throw precondition(
      `tickets.customerCreation is false: customers cannot open tickets from the ${req.channel === 'panel' ? 'customer panel' : 'app'} (R41); an agent can open one for them (--channel agent)`,
    );
  }
  const dept = await departmentId(tx, ctx.tenantId, req.department);
  const cat = req.category ? await categoryId(tx, ctx.tenantId, dept, req.department, req.category) : null;
  return { settings, requester, departmentId: dept, categoryId: cat };
}

/**
 * The one gathering of the facts R7 decides on (R36: explain and create cannot disagree): the
 * mode, the department's rules (oldest first), the requester's organization and its parent, and
 * their active managers (who a draft would notify, R11).
 */
export async function approvalFacts(
  tx: Tx,
  ctx: EngineContext,
  p: RequestParties,
  channel: Channel,
): Promise<{ facts: ApprovalFacts; managers: { id: number; email: string; organization_id: number }[] }> {
  const rules = await tx.selectFrom('approval_rules').select(['id', 'scope', 'category_id']).where('department_id', '=', p.departmentId).orderBy('id').execute();
  const orgId = p.requester.organization_id;
  const managers = orgId === null ? [] : await activeManagers(tx, ctx.tenantId, orgId);
  const names = await tx
    .selectFrom('departments as d')
    .leftJoin('categories as c', (j) => j.onRef('c.department_id', '=', 'd.id').on('c.id', '=', p.categoryId ?? -1))
    .leftJoin('organizations as o', (j) => j.on('o.id', '=', orgId ?? -1))
    .leftJoin('organizations as po', 'po.id', 'o.parent_id')
    .select(['d.name as department', 'c.name as category', 'o.name as organization', 'po.name as parent'])
    .where('d.id', '=', p.departmentId)
    .executeTakeFirstOrThrow();
  return {
    facts: {
      mode: p.settings['approval.mode'],
      rules: rules.map((r) => ({ id: r.id, scope: r.scope as 'category' | 'none' | 'all', categoryId: r.category_id })),
      channel,
      categoryId: p.categoryId,
      requester: { organizationId: orgId, isManager: p.requester.is_manager === 1 },
      activeManagers: managers.length,
      names: { requester: p.requester.email, ...names, managers: managers.map((m) => m.email) },
    },
    managers,
  };
}

export interface Explanation {
  outcome: 'draft' | 'ticket';
  checks: ApprovalCheck[];
  /** Who would be told: the active managers (R11) for a draft, the requester ("ticket opened") for a ticket. */
  notify: string[];
  heldBy: ApprovalDecision['heldBy'];
}

/**
 * R36: what `tickets create` would do with this request, without creating anything. A manager may
 * ask about the requesters of the organizations they manage (R13's reach); others are not found.
 */
export async function explainApproval(ctx: EngineContext, input: unknown): Promise<Explanation> {
  const req = parseInput(ExplainRequest, input);
  const tx = ctx.store.db;
  const a = ctx.actor;
  if (a.kind === 'customer') throw notFound(`customer ${req.requester} not found`);
  if (a.kind === 'manager') {
    // R13's reach: a manager learns nothing of a customer outside it, not even that they exist.
    const c = await findCustomer(tx, ctx.tenantId, req.requester).catch(() => null);
    if (!c || c.organization_id === null || !a.organizationIds.includes(c.organization_id)) throw notFound(`customer ${req.requester} not found`);
  }
  const parties = await requestParties(tx, ctx, req);
  const { facts, managers } = await approvalFacts(tx, ctx, parties, req.channel);
  const decision = decideApproval(facts);
  return {
    outcome: decision.needsApproval ? 'draft' : 'ticket',
    checks: decision.checks,
    notify: decision.needsApproval ? managers.map((m) => m.email) : [parties.requester.email],
    heldBy: decision.heldBy,
  };
}

