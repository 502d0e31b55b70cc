import { sql, type Selectable } from 'kysely';
import type { DB } from '../store/types.js';
import type { AuditEntry, AuditFilter, Notification, NotificationFilter } from '../core/schemas.js';
import { phoneDigits } from '../store/phone.js';
import type { EngineContext } from './context.js';

export async function listNotifications(
  ctx: EngineContext,
  filter: NotificationFilter,
): Promise<Notification[]> {
  let q = ctx.store.db.selectFrom('notifications').select([...NOTIFICATION_COLUMNS, 'tenant_id', 'ref_type', 'ref_id']).where('tenant_id', '=', ctx.tenantId).orderBy('id');
  if (filter.pending && filter.failed) q = q.where('status', 'in', ['pending', 'failed']);
  else if (filter.pending) q = q.where('status', '=', 'pending');
  else if (filter.failed) q = q.where('status', '=', 'failed');
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  // A WhatsApp message goes to a phone's digits, however the phone is written.
  if (filter.to) q = q.where('to_address', '=', filter.to.includes('@') ? filter.to : phoneDigits(filter.to));
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.after) q = q.where('id', '>', filter.after);
  if (filter.limit) q = q.limit(filter.limit);
  return withWords(ctx, await q.execute());
}

/**
 * R34: notifications not attempted yet are shown with the words their template gives them now
 * (what the first attempt will send and keep); those attempted, with the words they were sent with.
 */
export async function withWords(
  ctx: EngineContext,
  rows: (Pick<Selectable<DB['notifications']>, (typeof NOTIFICATION_COLUMNS)[number]> & { tenant_id: number; ref_type: string | null; ref_id: number | null })[],
): Promise<Notification[]> {
  const unsent = rows.filter((r) => r.message_id === null);
  if (unsent.length) {
    const { renderNotifications } = await import('./templates.js');
    for (let i = 0; i < unsent.length; i += 1_000) {
      const slice = unsent.slice(i, i + 1_000);
      const words = await renderNotifications(ctx.store.db, slice);
      for (const r of slice) {
        const w = words.get(r.id);
        if (w) Object.assign(r, { subject: w.subject, body: w.text });
      }
    }
  }
  return rows.map(toNotification);
}

/** The columns a Notification is read from. */
export const NOTIFICATION_COLUMNS = [
  'id', 'kind', 'channel', 'to_address', 'subject', 'body', 'created_at', 'delivered_at', 'status', 'attempts', 'next_attempt_at', 'last_error', 'message_id',
] as const;

export function toNotification(r: Pick<Selectable<DB['notifications']>, (typeof NOTIFICATION_COLUMNS)[number]>): Notification {
  return {
    id: r.id,
    kind: r.kind as Notification['kind'],
    channel: r.channel as Notification['channel'],
    to: r.to_address,
    subject: r.subject,
    body: r.body,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
    status: r.status as Notification['status'],
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    messageId: r.message_id,
  };
}

export async function listAudit(ctx: EngineContext, filter: AuditFilter): Promise<AuditEntry[]> {
  let q = ctx.store.db
    .selectFrom('audit')
    .select(['id', 'at', 'actor', 'action', 'entity', 'entity_id', 'details'])
    .where('tenant_id', '=', ctx.tenantId)
    .orderBy('id');
  if (filter.since) q = q.where('at', '>=', filter.since);
  if (filter.action?.endsWith('*')) {
    const prefix = filter.action.slice(0, -1);
    q = q.where(sql<string>`substr(action, 1, ${prefix.length})`, '=', prefix);
  } else if (filter.action) q = q.where('action', '=', filter.action);
  else if (filter.action) q = q.where('action', '=', filter.action);
  if (filter.entity) q = q.where('entity', '=', filter.entity);
  if (filter.entityId) q = q.where('entity_id', '=', filter.entityId);
  if (filter.after) q = q.where('id', '>', filter.after);
  if (filter.limit) q = q.limit(filter.limit);
  return (await q.execute()).map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    details: r.details === null ? null : JSON.parse(r.details),
  }));
}
