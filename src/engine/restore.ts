import { DeskctlError, forbidden, invalid, notFound, precondition } from '../core/errors.js';
import type { Draft } from '../core/schemas.js';
import type { Tx } from '../store/store.js';
import { activeManagers, audit, notify, readSettings, toManagers, type EngineContext } from './context.js';
import { draftQuery, toDraft } from './views.js';

export interface RestoreRequest {
  /** Drafts by id; or `batch`: every draft one bulk rejection rejected. */
  ids?: number[];
  batch?: string;
  /** Change nothing; say which drafts would be restored. */
  dryRun?: boolean;
}

export interface RestoreResult {
  id: number;
  ok: boolean;
  draft?: Draft;
  error?: { code: string; message: string };
}

export type RestoreReport =
  | { dryRun: false; batch: string | null; requested: number; succeeded: number; failed: number; results: RestoreResult[] }
  | { dryRun: true; batch: string | null; matched: number; ids: number[] };

const HOUR = 3_600_000;

/**
 * R38: rejected drafts back as pending drafts, with all their data, their id and what held them,
 * within undo.windowHours of the rejection (inclusive); the requester and the managers are told.
 * One transaction: a draft is restored once (its kept row is deleted by the restore that wins), and
 * a restored draft is an ordinary pending draft again, decided exactly once (R13).
 */
export async function restoreDrafts(ctx: EngineContext, req: RestoreRequest): Promise<RestoreReport> {
  if (ctx.actor.kind !== 'admin') throw forbidden('only the tenant admin restores rejected drafts (R38)');
  if (!req.ids === !req.batch) throw invalid('ids: give draft ids or --batch ID, one of them');
  const run = async (tx: Tx): Promise<RestoreReport> => {
    const batch = req.batch ?? null;
    let ids: number[];
    if (req.ids) ids = [...new Set(req.ids)];
    else {
      const rows = await tx.selectFrom('rejected_drafts').select('draft_id').where('tenant_id', '=', ctx.tenantId).where('batch', '=', req.batch!).orderBy('draft_id').execute();
      if (rows.length === 0) throw notFound(`no rejected drafts to restore in batch ${req.batch} (not a rejection's batch, or restored already)`);
      ids = rows.map((r) => r.draft_id);
    }
    if (req.dryRun) return { dryRun: true, batch, matched: ids.length, ids };
    const { 'undo.windowHours': windowHours } = await readSettings(tx, ctx.tenantId);
    const results: RestoreResult[] = [];
    for (const id of ids) {
      try {
        results.push({ id, ok: true, draft: await restoreOne(tx, ctx, id, windowHours) });
      } catch (e) {
        if (!(e instanceof DeskctlError)) throw e;
        results.push({ id, ok: false, error: e.toJSON() });
      }
    }
    const succeeded = results.filter((r) => r.ok).length;
    return { dryRun: false, batch, requested: results.length, succeeded, failed: results.length - succeeded, results };
  };
  return req.dryRun ? run(ctx.store.db) : ctx.store.write(run, ctx.tenantId);
}

async function restoreOne(tx: Tx, ctx: EngineContext, id: number, windowHours: number): Promise<Draft> {
  const kept = await tx.selectFrom('rejected_drafts').selectAll().where('tenant_id', '=', ctx.tenantId).where('draft_id', '=', id).executeTakeFirst();
  if (!kept) {
    const pending = await tx.selectFrom('drafts').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
    if (pending) throw precondition(`draft ${id} is pending, not rejected: nothing to restore`);
    throw notFound(`draft ${id} has no rejection to undo (it was never rejected here, was approved, or was restored already)`);
  }
  const now = ctx.now();
  const until = new Date(Date.parse(kept.rejected_at) + windowHours * HOUR);
  if (now > until) {
    throw precondition(`draft ${id} was rejected at ${new Date(kept.rejected_at).toISOString()}, more than undo.windowHours (${windowHours} h) ago: it can no longer be restored (R38)`);
  }
  // What the draft names must still be there (a department or category removed since, a customer removed: R15).
  const requester = await tx.selectFrom('customers').select(['email', 'deleted_at']).where('id', '=', kept.requester_id).executeTakeFirst();
  if (!requester || requester.deleted_at !== null) throw precondition(`draft ${id} cannot be restored: its requester was removed (R15)`);
  const dept = await tx.selectFrom('departments').select('id').where('id', '=', kept.department_id).executeTakeFirst();
  if (!dept) throw precondition(`draft ${id} cannot be restored: its department was removed`);
  if (kept.category_id !== null && !(await tx.selectFrom('categories').select('id').where('id', '=', kept.category_id).executeTakeFirst())) {
    throw precondition(`draft ${id} cannot be restored: its category was removed`);
  }
  if (kept.topic_id !== null && !(await tx.selectFrom('topics').select('id').where('id', '=', kept.topic_id).executeTakeFirst())) {
    throw precondition(`draft ${id} cannot be restored: its topic was removed`);
  }
  if (kept.organization_id !== null && !(await tx.selectFrom('organizations').select('id').where('id', '=', kept.organization_id).executeTakeFirst())) {
    throw precondition(`draft ${id} cannot be restored: its organization was removed`);
  }
  // The restore that deletes the kept row is the one that restores: a second finds nothing (R13's once, for undo).
  const taken = await tx.deleteFrom('rejected_drafts').where('tenant_id', '=', ctx.tenantId).where('draft_id', '=', id).returning('draft_id').execute();
  if (taken.length === 0) throw notFound(`draft ${id} has no rejection to undo (restored already)`);
  const at = now.toISOString();
  await tx
    .insertInto('drafts')
    .values({
      id,
      tenant_id: ctx.tenantId,
      requester_id: kept.requester_id,
      organization_id: kept.organization_id,
      department_id: kept.department_id,
      category_id: kept.category_id,
      subject: kept.subject,
      message: kept.message,
      channel: kept.channel,
      conversation: kept.conversation,
      fields: kept.fields,
      attachments: kept.attachments,
      type: kept.type,
      priority: kept.priority,
      created_at: kept.created_at,
      updated_at: at,
      ref: kept.ref,
      held_by_mode: kept.held_by_mode,
      held_by_rule: kept.held_by_rule,
      topic_id: kept.topic_id,
      service_channel: kept.service_channel,
      status_detail: kept.status_detail,
      process_ref: kept.process_ref,
    })
    .execute();
  // The rejection is undone: its decision record goes, so the draft can be decided again, once.
  await tx.deleteFrom('draft_decisions').where('draft_id', '=', id).execute();
  const managers = kept.organization_id === null ? [] : await activeManagers(tx, ctx.tenantId, kept.organization_id);
  await notify(tx, ctx, [
    { kind: 'draft_restored', channel: 'email', to: requester.email, subject: `Your request was restored and waits for approval again: ${kept.subject}`, refType: 'draft', refId: id },
    ...toManagers(managers, 'draft_restored', id, `Approval requested again (a rejection was undone): ${kept.subject}`),
  ]);
  await audit(tx, ctx, 'draft.restore', 'draft', id, { batch: kept.batch, rejectedAt: new Date(kept.rejected_at).toISOString(), rejectedBy: kept.rejected_by });
  return toDraft(await draftQuery(tx, ctx.tenantId).where('dr.id', '=', id).executeTakeFirstOrThrow());
}
