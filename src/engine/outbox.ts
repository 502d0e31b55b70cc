import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { invalid, notFound, precondition } from '../core/errors.js';
import type { NotificationAttempt, NotificationDetail, RetryReport } from '../core/schemas.js';
import type { SendOutcome } from '../delivery/channel.js';
import type { Store, Tx } from '../store/store.js';
import { audit, type EngineContext } from './context.js';
import { NOTIFICATION_COLUMNS, withWords } from './journal.js';

/*
 * The outbox's delivery state (R33). A dispatcher claims due notifications with a lease (no other
 * dispatcher takes them until it ends), sends them, and records each attempt: delivered once the
 * receiving server accepted it, otherwise due again after a growing delay, or failed. Claims and
 * marks are row writes (store.rowWrite): on PostgreSQL FOR UPDATE SKIP LOCKED hands each row to one
 * claimer; SQLite has one writer.
 */

/**
 * How long a claim holds a notification: past it, a dispatcher that died lets another send it. A
 * dispatcher claims only what its workers send at once, and one attempt ends within its channel's
 * timeouts (SMTP: 30 s to connect, for the greeting, and for each silence), well inside this.
 */
export const LEASE_MS = 5 * 60_000;
/** Attempts before a notification that keeps failing for a temporary reason is failed. */
export const MAX_ATTEMPTS = 8;
const FIRST_DELAY_MS = 60_000;
const LONGEST_DELAY_MS = 6 * 3_600_000;

/** The delay before the next attempt after `attempts` failed ones: 1, 2, 4 … minutes, at most 6 hours. */
export const retryDelayMs = (attempts: number) => Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1));

/** A claimed notification: what the dispatcher renders and sends. */
export interface ClaimedRow {
  id: number;
  tenant_id: number;
  kind: string;
  channel: string;
  to_address: string;
  subject: string;
  body: string | null;
  html: string | null;
  message_id: string | null;
  ref_type: string | null;
  ref_id: number | null;
  created_at: string;
}

export interface ClaimFilter {
  /** Only these tenants (null: every tenant, `serve --deliver`). */
  tenantIds: number[] | null;
  /** The channels this dispatcher can send, each for the tenants that set it up (null: all of them). */
  channels: { channel: string; tenantIds: number[] | null }[];
  kinds?: string[];
}

/** `IN` over a list that may be empty (SQL's `IN ()` is not valid): an id no row has. */
export const idsOrNone = (ids: readonly number[]): number[] => (ids.length ? [...ids] : [-1]);

/**
 * Claims up to `limit` due notifications for `owner` until now + LEASE_MS, oldest first. The rows
 * are chosen once, in a materialized CTE (on PostgreSQL with FOR UPDATE SKIP LOCKED: a row another
 * claimer holds is passed over, never waited for nor taken twice), then leased.
 */
export async function claimDue(store: Store, owner: string, now: Date, limit: number, f: ClaimFilter): Promise<ClaimedRow[]> {
  if (limit <= 0 || f.channels.length === 0) return [];
  const at = store.dialect.instant(now.toISOString());
  const until = new Date(now.getTime() + LEASE_MS).toISOString();
  return store.rowWrite(async (tx) => {
    let due = tx
      .selectFrom('notifications')
      .select('id')
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', at)]))
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
      .where((eb) =>
        eb.or(
          f.channels.map((c) =>
            c.tenantIds === null ? eb('channel', '=', c.channel) : eb.and([eb('channel', '=', c.channel), eb('tenant_id', 'in', idsOrNone(c.tenantIds))]),
          ),
        ),
      )
      .orderBy('id')
      .limit(limit);
    if (f.tenantIds) due = due.where('tenant_id', 'in', idsOrNone(f.tenantIds));
    if (f.kinds?.length) due = due.where('kind', 'in', f.kinds);
    if (store.engine === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await tx
      .with((cte) => cte('due').materialized(), () => due)
      .updateTable('notifications')
      .set({ lease_owner: owner, lease_until: until })
      .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
      .returning(['id', 'tenant_id', 'kind', 'channel', 'to_address', 'subject', 'body', 'html', 'message_id', 'ref_type', 'ref_id', 'created_at'])
      .execute();
    return rows.sort((a, b) => a.id - b.id) as ClaimedRow[];
  });
}

/** What was sent: the rendered words and the message id, kept with the notification from its first attempt on. */
export interface SentAs {
  subject: string;
  text: string;
  html: string | null;
  messageId: string;
}

/**
 * R33: a stable Message-ID of a notification, the same on every attempt and after a crash (it is
 * made of what never changes: the tenant, the id, the creation time), at the sender's domain.
 */
export function messageIdOf(row: Pick<ClaimedRow, 'id' | 'tenant_id' | 'created_at'>, from: string | null): string {
  const digest = createHash('sha256').update(`${row.tenant_id}:${row.id}:${row.created_at}`).digest('hex').slice(0, 12);
  const domain = /@([^>\s]+)>?\s*$/.exec(from ?? '')?.[1]?.toLowerCase() ?? 'deskctl.invalid';
  return `<n${row.id}.t${row.tenant_id}.${digest}@${domain}>`;
}

/**
 * Keeps the words and the Message-ID of notifications about to be attempted for the first time,
 * before they are sent (R33): a dispatcher that dies mid-send leaves them, and the one that sends
 * again sends the same words with the same id, whatever the templates say by then.
 */
export async function keepWords(store: Store, rows: { row: ClaimedRow; sent: SentAs }[]): Promise<void> {
  const first = rows.filter((r) => r.row.message_id === null);
  if (first.length === 0) return;
  await store.rowWrite(async (tx) => {
    for (const { row, sent } of first) {
      await tx
        .updateTable('notifications')
        .set({ subject: sent.subject, body: sent.text, html: sent.html, message_id: sent.messageId })
        .where('id', '=', row.id)
        .where('message_id', 'is', null)
        .execute();
    }
  });
}

/** How an attempt was recorded; `lost`: another dispatcher holds the notification now (its lease ran out), and records its own. */
export type AttemptResult = 'delivered' | 'retry' | 'failed' | 'lost';

/**
 * Records one attempt and its outcome (R33), in one transaction: delivered (and, for a WhatsApp
 * message, the id WhatsApp answered, which its status webhooks name), due again after a growing
 * delay, or failed (a permanent refusal, or the last attempt). The words sent were kept before the
 * first attempt (keepWords), so every attempt sends the same.
 */
export async function recordAttempt(store: Store, owner: string, row: ClaimedRow, outcome: SendOutcome, now: Date): Promise<AttemptResult> {
  const at = now.toISOString();
  const error = outcome.status === 'accepted' ? null : outcome.error.slice(0, 1000);
  return store.rowWrite(async (tx) => {
    // The row as it is now: a manual retry may have reset its attempts, another dispatcher taken it.
    let current = tx.selectFrom('notifications').select(['attempts', 'status', 'lease_owner']).where('id', '=', row.id);
    if (store.engine === 'postgres') current = current.forUpdate();
    const now_ = await current.executeTakeFirst();
    // Gone (its tenant removed), or delivered meanwhile by another dispatcher: that stays.
    if (!now_ || now_.status !== 'pending') return 'lost';
    // A failure of a claim that is no longer ours is not ours to record; an acceptance is the truth whoever holds it.
    if (outcome.status !== 'accepted' && now_.lease_owner !== owner) return 'lost';
    const attempts = now_.attempts + 1;
    const result: AttemptResult =
      outcome.status === 'accepted' ? 'delivered' : outcome.status === 'permanent' || attempts >= MAX_ATTEMPTS ? 'failed' : 'retry';
    await tx
      .updateTable('notifications')
      .set({
        status: result === 'retry' ? 'pending' : result,
        attempts,
        delivered_at: result === 'delivered' ? at : null,
        next_attempt_at: result === 'retry' ? new Date(now.getTime() + retryDelayMs(attempts)).toISOString() : null,
        last_error: error,
        lease_owner: null,
        lease_until: null,
      })
      .where('id', '=', row.id)
      .execute();
    await tx
      .insertInto('notification_attempts')
      .values({ notification_id: row.id, at, outcome: result, detail: outcome.status === 'accepted' ? (outcome.reply ?? null) : `${outcome.status}: ${error}` })
      .execute();
    // The conversation's record of the message follows: the id WhatsApp answered (its status
    // webhooks name it), or the failure.
    if (row.channel === 'whatsapp' && outcome.status === 'accepted') {
      await tx.updateTable('whatsapp_messages').set({ wa_id: outcome.providerId ?? null, status: 'sent', status_at: at }).where('notification_id', '=', row.id).execute();
    } else if (row.channel === 'whatsapp' && result === 'failed') {
      await tx.updateTable('whatsapp_messages').set({ status: 'failed', status_at: at, error }).where('notification_id', '=', row.id).execute();
    }
    return result;
  });
}

/** Gives back claims this dispatcher holds but did not attempt (it was stopped): due at once for any other. */
export async function releaseClaims(store: Store, owner: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await store.rowWrite((tx) =>
    tx.updateTable('notifications').set({ lease_owner: null, lease_until: null }).where('id', 'in', ids).where('lease_owner', '=', owner).where('status', '=', 'pending').execute(),
  );
}

/** `notifications show`: one notification with its attempts, oldest first. */
export async function showNotification(ctx: EngineContext, id: number): Promise<NotificationDetail> {
  const row = await ctx.store.db
    .selectFrom('notifications')
    .select([...NOTIFICATION_COLUMNS, 'tenant_id', 'ref_type', 'ref_id'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(`notification ${id} not found (deskctl notifications list shows them)`);
  const attempts = await ctx.store.db.selectFrom('notification_attempts').select(['at', 'outcome', 'detail']).where('notification_id', '=', id).orderBy('id').execute();
  const [shown] = await withWords(ctx, [row]);
  return { ...shown!, history: attempts.map((a) => ({ at: a.at, outcome: a.outcome as NotificationAttempt['outcome'], detail: a.detail })) };
}

/**
 * `notifications retry`: failed (or pending) notifications due again now, their attempts counted
 * anew; delivered ones are refused (sending them again would be a duplicate). By ids or every
 * failed one; one transaction, one audit row; `dryRun` writes nothing.
 */
export async function retryNotifications(ctx: EngineContext, request: { ids?: number[]; failed?: boolean; dryRun?: boolean }): Promise<RetryReport> {
  if (!request.ids?.length === !request.failed) throw invalid('give notification ids or failed, one of them');
  return ctx.store.write(async (tx: Tx) => {
    let q = tx.selectFrom('notifications').select(['id', 'status']).where('tenant_id', '=', ctx.tenantId);
    q = request.ids ? q.where('id', 'in', request.ids) : q.where('status', '=', 'failed');
    const rows = await q.orderBy('id').execute();
    if (request.ids) {
      const found = new Set(rows.map((r) => r.id));
      const missing = request.ids.filter((id) => !found.has(id));
      if (missing.length) throw notFound(`notification${missing.length === 1 ? '' : 's'} ${missing.join(', ')} not found; nothing was retried`);
      const delivered = rows.filter((r) => r.status === 'delivered').map((r) => r.id);
      if (delivered.length) throw precondition(`notification${delivered.length === 1 ? '' : 's'} ${delivered.join(', ')} already delivered (sending again would be a duplicate); nothing was retried`);
    }
    const ids = rows.map((r) => r.id);
    // A dry run answers what would be retried (the count a confirmation asks about), writing nothing.
    if (request.dryRun) return { retried: ids.length, ids };
    for (let i = 0; i < ids.length; i += 10_000) {
      await tx
        .updateTable('notifications')
        // A claim in flight keeps its lease: the dispatcher sending it records how it went.
        .set({ status: 'pending', attempts: 0, next_attempt_at: null })
        .where('id', 'in', sql<number>`${ctx.store.dialect.ids(ids.slice(i, i + 10_000))}`)
        .execute();
    }
    if (ids.length) await audit(tx, ctx, 'notification.retry', 'notification', ids.length === 1 ? ids[0]! : null, { count: ids.length, ...(ids.length > 1 ? { ids: ids.slice(0, 100) } : {}) });
    return { retried: ids.length, ids };
  }, ctx.tenantId);
}

