import { sql } from 'kysely';
import { DeskctlError, forbidden, invalid, notFound } from '../core/errors.js';
import { decideInChunks, MAX_CHUNK, newBatchId, type ChunkRequest, type ChunkResult, type DecideLoopHooks } from '../core/decisions.js';
import type { DecisionReport, DecisionResult, Draft, DraftFilter, DryRunReport } from '../core/schemas.js';
import type { Tx } from '../store/store.js';
import {
  actorLabel,
  categoryId as categoryIdOf,
  departmentId,
  findCustomer,
  organizationId,
  organizationWithChildren,
  readSettings,
  reserveProtocols,
  dueAt,
  type Actor,
  type EngineContext,
} from './context.js';
import { once, type IdempotencyGuard } from './idempotency.js';
import { draftQuery, toDraft } from './views.js';

/** `--as EMAIL`: an active manager acts on their organization and its children (R13); any other customer sees only their own (R12). */
export async function resolveCustomerActor(tx: Tx, tenantId: number, email: string): Promise<Actor> {
  const c = await findCustomer(tx, tenantId, email).catch(() => {
    throw forbidden(`${email} is not a customer of this tenant`);
  });
  if (c.is_manager === 1 && c.active === 1 && c.organization_id !== null) {
    return { kind: 'manager', name: c.email, customerId: c.id, organizationIds: await organizationWithChildren(tx, tenantId, c.organization_id) };
  }
  return { kind: 'customer', name: c.email, customerId: c.id };
}

interface ResolvedFilter {
  orgIds?: number[];
  departmentId?: number;
  categoryIds?: number[];
  noCategory?: boolean;
  channel?: string;
  requesterId?: number | null;
  createdBefore?: string;
  limit?: number;
}

async function resolveFilter(tx: Tx, ctx: EngineContext, f: DraftFilter): Promise<ResolvedFilter> {
  const r: ResolvedFilter = { noCategory: f.noCategory, channel: f.channel, limit: f.limit };
  if (f.org !== undefined) {
    const org = await organizationId(tx, ctx.tenantId, f.org);
    r.orgIds = f.includeChildren ? await organizationWithChildren(tx, ctx.tenantId, org) : [org];
  }
  if (f.department !== undefined) r.departmentId = await departmentId(tx, ctx.tenantId, f.department);
  if (f.category !== undefined) {
    if (r.departmentId !== undefined) r.categoryIds = [await categoryIdOf(tx, ctx.tenantId, r.departmentId, f.department!, f.category)];
    else {
      const rows = await tx.selectFrom('categories').select('id').where('tenant_id', '=', ctx.tenantId).where('name', '=', f.category).execute();
      if (rows.length === 0) throw notFound(`category "${f.category}" not found`);
      r.categoryIds = rows.map((x) => x.id);
    }
  }
  if (f.requester !== undefined) {
    const c = await tx
      .selectFrom('customers')
      .select('id')
      .where('tenant_id', '=', ctx.tenantId)
      .where('email', '=', f.requester)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    r.requesterId = c?.id ?? null;
  }
  if (f.olderThanMs !== undefined) r.createdBefore = new Date(ctx.now().getTime() - f.olderThanMs).toISOString();
  return r;
}

/** Restricts a draft query to the filter and to what the actor may see (R12, R13). */
function applyFilter<Q extends ReturnType<typeof draftQuery>>(q: Q, ctx: EngineContext, r: ResolvedFilter): Q {
  let out = q;
  const a = ctx.actor;
  // R13 in SQL: the same reach as isInScope.
  if (a.kind === 'manager') out = out.where('dr.organization_id', 'in', a.organizationIds) as Q;
  if (a.kind === 'customer') out = out.where('dr.requester_id', '=', a.customerId) as Q;
  if (r.orgIds) out = out.where('dr.organization_id', 'in', r.orgIds) as Q;
  if (r.departmentId !== undefined) out = out.where('dr.department_id', '=', r.departmentId) as Q;
  if (r.categoryIds) out = out.where('dr.category_id', 'in', r.categoryIds) as Q;
  if (r.noCategory) out = out.where('dr.category_id', 'is', null) as Q;
  if (r.channel) out = out.where('dr.channel', '=', r.channel) as Q;
  if (r.requesterId !== undefined) out = out.where('dr.requester_id', '=', r.requesterId ?? -1) as Q;
  if (r.createdBefore) out = out.where('dr.created_at', '<', r.createdBefore) as Q;
  return out;
}

export async function listDrafts(ctx: EngineContext, filter: DraftFilter): Promise<Draft[]> {
  const db = ctx.store.db;
  const r = await resolveFilter(db, ctx, filter);
  let q = applyFilter(draftQuery(db, ctx.tenantId), ctx, r).orderBy('dr.id');
  if (filter.after) q = q.where('dr.id', '>', filter.after);
  if (r.limit) q = q.limit(r.limit);
  // R12: the requester sees their pending drafts, not their details.
  return (await q.execute()).map((row) => toDraft(row, ctx.actor.kind !== 'customer'));
}

export async function getDraft(ctx: EngineContext, id: number): Promise<Draft> {
  const row = await draftQuery(ctx.store.db, ctx.tenantId).where('dr.id', '=', id).executeTakeFirst();
  if (!row) throw draftGone(id);
  assertMayDecide(ctx.actor, row.id, row.organization_id, 'see', row.requester_id);
  return toDraft(row);
}

/**
 * R13's reach, written once: the admin decides every draft; a manager those of the organizations
 * they manage (theirs and its children: `organizationIds`); a customer none.
 */
const isInScope = (a: Actor, orgId: number | null) => a.kind === 'admin' || (a.kind === 'manager' && orgId !== null && a.organizationIds.includes(orgId));

const draftGone = (id: number) => notFound(`draft ${id} not found (it may have been decided already)`);

/**
 * R12, R13. A draft the actor may not see is answered as one that does not exist: a 403 would
 * tell a customer or another organization's manager which draft ids exist. Only a requester
 * asking for the details of their own draft is told why not.
 */
function assertMayDecide(a: Actor, id: number, orgId: number | null, verb: string, requesterId: number | null = null): void {
  if (a.kind === 'customer') {
    if (requesterId === a.customerId) throw forbidden(`${a.name} cannot ${verb} the details of draft ${id}: only the managers of its organization can (R12)`);
    throw draftGone(id);
  }
  if (!isInScope(a, orgId)) throw draftGone(id);
}

export interface DecideRequest {
  decision: 'approve' | 'reject';
  /** Explicit ids; otherwise every draft that matches `filter`. */
  ids?: number[];
  filter?: DraftFilter;
  reason?: string;
  dryRun?: boolean;
  /** The batch id to record the decision under (R38); one is made when not given. */
  batch?: string;
}

export type DecideHooks = DecideLoopHooks;

/**
 * How many drafts one transaction decides: big enough to be set-based, small enough to keep others
 * waiting briefly (about a tenth of a second). Each commit writes the index pages it touched
 * again, so fewer, larger chunks write less: 100,000 approvals wrote 450 MB in chunks of 2,000 and
 * 340 MB in chunks of 5,000 (the one-transaction floor: 260 MB).
 */
export const DECIDE_CHUNK = 5_000;


/**
 * R13: approves or rejects drafts exactly once, set-based, in chunked write transactions. Each
 * chunk is atomic; a draft already decided (by anyone, concurrently or before) is reported as
 * not found and creates nothing.
 */
export async function decideDrafts(ctx: EngineContext, req: DecideRequest, hooks: DecideHooks = {}): Promise<DecisionReport | DryRunReport> {
  assertMayDecideAny(ctx);
  if (!req.ids && !req.filter) throw invalid('ids: give draft ids, - for ids on stdin, or --all with filters');
  if (req.dryRun) return dryRunDecision(ctx, req);
  return decideInChunks((chunk) => decideChunk(ctx, chunk), req, ctx.chunkSize ?? DECIDE_CHUNK, hooks);
}

function assertMayDecideAny(ctx: EngineContext): void {
  if (ctx.actor.kind === 'customer') throw forbidden(`${ctx.actor.name} is not an active manager and cannot decide drafts (R13)`);
}

/** What a decision would touch, without touching it. */
export async function dryRunDecision(ctx: EngineContext, req: DecideRequest): Promise<DryRunReport> {
  assertMayDecideAny(ctx);
  const db = ctx.store.db;
  let ids: number[];
  if (req.ids) {
    const rows = await draftQuery(db, ctx.tenantId).where('dr.id', 'in', req.ids.length ? req.ids : [-1]).execute();
    ids = rows.filter((r) => isInScope(ctx.actor, r.organization_id)).map((r) => r.id);
  } else {
    const resolved = await resolveFilter(db, ctx, req.filter ?? {});
    let q = applyFilter(draftQuery(db, ctx.tenantId), ctx, resolved).orderBy('dr.id');
    if (resolved.limit) q = q.limit(resolved.limit);
    ids = (await q.execute()).map((r) => r.id);
  }
  return { dryRun: true, matched: ids.length, ids };
}

/**
 * One chunk of a decision in ONE write transaction: explicit ids, or the next `limit` drafts that
 * match the filter after the `after` cursor. With a guard, a replay of the same request returns
 * the first answer and decides nothing again.
 */
export async function decideChunk(ctx: EngineContext, req: ChunkRequest, guard?: IdempotencyGuard): Promise<ChunkResult> {
  assertMayDecideAny(ctx);
  if (!req.batch) req = { ...req, batch: newBatchId() };
  return ctx.store.write((tx) =>
    once(tx, ctx, guard, async () => {
      if (req.ids) return { results: await decideChunkByIds(tx, ctx, req, req.ids), last: null, batch: req.batch };
      const resolved = await resolveFilter(tx, ctx, req.filter ?? {});
      const rows = await applyFilter(draftQuery(tx, ctx.tenantId), ctx, resolved)
        .clearSelect()
        .select(['dr.id'])
        .where('dr.id', '>', req.after ?? 0)
        .orderBy('dr.id')
        .limit(Math.max(1, Math.min(req.limit ?? DECIDE_CHUNK, MAX_CHUNK)))
        .execute();
      const ids = rows.map((r) => r.id);
      const results = await moveDrafts(tx, ctx, req, ids);
      const out: ChunkResult = { results, last: ids.at(-1) ?? null, batch: req.batch };
      if (req.count) {
        const left = await applyFilter(draftQuery(tx, ctx.tenantId), ctx, resolved)
          .clearSelect()
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        out.remaining = left.n;
      }
      return out;
    }),
   ctx.tenantId);
}

async function decideChunkByIds(tx: Tx, ctx: EngineContext, req: ChunkRequest, ids: number[]): Promise<DecisionResult[]> {
  const found = new Map(
    (
      await tx
        .selectFrom('drafts')
        .select(['id', 'organization_id'])
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', 'in', ctx.store.dialect.ids(ids))
        .execute()
    ).map((r) => [r.id, r.organization_id]),
  );
  const failures = new Map<number, DecisionResult>();
  const decidable: number[] = [];
  for (const id of ids) {
    if (!found.has(id)) {
      failures.set(id, { id, ok: false, error: draftGone(id).toJSON() });
      continue;
    }
    try {
      assertMayDecide(ctx.actor, id, found.get(id)!, req.decision);
      decidable.push(id);
    } catch (e) {
      failures.set(id, { id, ok: false, error: (e as DeskctlError).toJSON() });
    }
  }
  const moved = new Map((await moveDrafts(tx, ctx, req, decidable)).map((r) => [r.id, r]));
  return ids.map((id) => failures.get(id) ?? moved.get(id)!);
}

/** The set-based heart of R13: a chunk of pending drafts becomes tickets (or is rejected), with outbox and audit, in a handful of statements. */
async function moveDrafts(tx: Tx, ctx: EngineContext, req: ChunkRequest, ids: number[]): Promise<DecisionResult[]> {
  if (ids.length === 0) return [];
  const d = ctx.store.dialect;
  const inChunk = d.ids(ids);
  const now = ctx.now();
  const at = d.instant(now.toISOString());
  const actor = sql`CAST(${actorLabel(ctx.actor)} AS text)`;
  const tenant = sql`CAST(${ctx.tenantId} AS bigint)`;
  const batch = sql`CAST(${req.batch ?? newBatchId()} AS text)`;

  if (req.decision === 'reject') {
    const reason = sql`CAST(${req.reason ?? null} AS text)`;
    // R38: rejections past undo.windowHours are forgotten here (their data is not kept for ever) ...
    const { 'undo.windowHours': windowHours } = await readSettings(tx, ctx.tenantId);
    await tx
      .deleteFrom('rejected_drafts')
      .where('tenant_id', '=', ctx.tenantId)
      .where('rejected_at', '<', d.instant(new Date(now.getTime() - windowHours * 3_600_000).toISOString()))
      .execute();
    // ... and what a restore needs is kept, with the batch of this decision.
    await sql`INSERT INTO rejected_drafts (draft_id, tenant_id, batch, rejected_at, rejected_by, reason, requester_id, organization_id, department_id,
        category_id, subject, message, channel, conversation, fields, attachments, type, priority, created_at, ref, held_by_mode, held_by_rule,
        topic_id, service_channel, status_detail, process_ref)
      SELECT id, tenant_id, ${batch}, ${at}, ${actor}, ${reason}, requester_id, organization_id, department_id,
        category_id, subject, message, channel, conversation, fields, attachments, type, priority, created_at, ref, held_by_mode, held_by_rule,
        topic_id, service_channel, status_detail, process_ref
      FROM drafts WHERE id IN ${inChunk}`.execute(tx);
    await sql`INSERT INTO notifications (tenant_id, kind, channel, to_address, subject, ref_type, ref_id, created_at)
      SELECT d.tenant_id, 'draft_rejected', 'email', c.email, 'Request rejected: ' || d.subject || coalesce(' (' || ${reason} || ')', ''), 'draft', d.id, ${at}
      FROM drafts d JOIN customers c ON c.id = d.requester_id WHERE d.id IN ${inChunk} ORDER BY d.id`.execute(tx);
    await sql`INSERT INTO draft_decisions (draft_id, tenant_id, organization_id, department_id, requester_id, decision, decided_by, reason, ticket_id, created_at, decided_at, ref)
      SELECT id, tenant_id, organization_id, department_id, requester_id, 'rejected', ${actor}, ${reason}, NULL, created_at, ${at}, ref
      FROM drafts WHERE id IN ${inChunk}`.execute(tx);
    await sql`INSERT INTO audit (tenant_id, at, actor, action, entity, entity_id, details)
      SELECT tenant_id, ${at}, ${actor}, 'draft.reject', 'draft', CAST(id AS text), ${d.jsonObject([['reason', reason], ['batch', batch]])}
      FROM drafts WHERE id IN ${inChunk} ORDER BY id`.execute(tx);
    await sql`DELETE FROM drafts WHERE id IN ${inChunk}`.execute(tx);
    return ids.map((id) => ({ id, ok: true }));
  }

  const settings = await readSettings(tx, ctx.tenantId);
  const first = await reserveProtocols(tx, ctx.tenantId, ids.length);
  const due = d.instant(dueAt(now, settings['response.forecastHours']));
  await sql`INSERT INTO tickets (tenant_id, protocol, requester_id, organization_id, department_id, category_id, subject, message,
      status, channel, visibility, conversation, fields, attachments, type, priority, draft_id, created_at, due_at, updated_at, ref,
      topic_id, service_channel, status_detail, process_ref)
    SELECT tenant_id, ${d.protocol(now.getUTCFullYear(), sql`CAST(${first} AS bigint) - 1 + row_number() OVER (ORDER BY id)`)}, requester_id, organization_id,
      department_id, category_id, subject, message, 'open', channel, 'public', conversation, fields, attachments, type, priority, id, ${at}, ${due}, ${at}, ref,
      topic_id, service_channel, status_detail, process_ref
    FROM drafts WHERE id IN ${inChunk} ORDER BY id`.execute(tx);
  // R28: a ticket opened from a WhatsApp conversation gets the conversation's agent, when of its department.
  await sql`UPDATE tickets SET agent_id = (SELECT cv.agent_id FROM conversations cv WHERE cv.draft_id = tickets.draft_id)
    WHERE draft_id IN ${inChunk} AND conversation IS NOT NULL AND EXISTS (SELECT 1 FROM conversations cv
      JOIN agent_departments ad ON ad.agent_id = cv.agent_id AND ad.department_id = tickets.department_id WHERE cv.draft_id = tickets.draft_id)`.execute(tx);
  const made = sql`(SELECT t.id, t.protocol, t.draft_id, t.subject, c.email FROM tickets t JOIN customers c ON c.id = t.requester_id
    WHERE t.draft_id IS NOT NULL AND t.draft_id IN ${inChunk})`;
  await sql`INSERT INTO notifications (tenant_id, kind, channel, to_address, subject, ref_type, ref_id, created_at)
    SELECT ${tenant}, k.kind, 'email', m.email,
      CASE k.n WHEN 1 THEN 'Request approved, ticket ' || m.protocol || ': ' ELSE 'Ticket ' || m.protocol || ' opened: ' END || m.subject,
      'ticket', m.id, ${at}
    FROM ${made} m CROSS JOIN (SELECT 1 AS n, 'draft_approved' AS kind UNION ALL SELECT 2, 'ticket_opened') k
    ORDER BY m.id, k.n`.execute(tx);
  await sql`INSERT INTO draft_decisions (draft_id, tenant_id, organization_id, department_id, requester_id, decision, decided_by, reason, ticket_id, created_at, decided_at, ref)
    SELECT d.id, d.tenant_id, d.organization_id, d.department_id, d.requester_id, 'approved', ${actor}, NULL, t.id, d.created_at, ${at}, d.ref
    FROM drafts d JOIN tickets t ON t.draft_id = d.id WHERE d.id IN ${inChunk}`.execute(tx);
  await sql`INSERT INTO audit (tenant_id, at, actor, action, entity, entity_id, details)
    SELECT ${tenant}, ${at}, ${actor}, 'draft.approve', 'draft', CAST(m.draft_id AS text), ${d.jsonObject([['ticket', sql`m.id`], ['protocol', sql`m.protocol`], ['batch', batch]])}
    FROM ${made} m ORDER BY m.draft_id`.execute(tx);
  await sql`DELETE FROM drafts WHERE id IN ${inChunk}`.execute(tx);
  const tickets = await sql<{ draft_id: number; id: number; protocol: string }>`SELECT draft_id, id, protocol FROM tickets
    WHERE draft_id IS NOT NULL AND draft_id IN ${inChunk}`.execute(tx);
  const byDraft = new Map(tickets.rows.map((t) => [t.draft_id, t]));
  return ids.map((id) => {
    const t = byDraft.get(id)!;
    return { id, ok: true, ticket: { id: t.id, protocol: t.protocol } };
  });
}
