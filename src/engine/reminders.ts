import { sql } from 'kysely';
import type { NotificationKind, Settings } from '../core/model.js';
import type { Store, Tx } from '../store/store.js';
import { activeManagers, audit, notify, readSettings, toManagers, type EngineContext, type OutboxMessage } from './context.js';

/*
 * R35: reminders and escalation, queued as notifications by the dispatcher's loop (or anyone who
 * calls sendReminders), once per interval however many servers run it:
 * - `approval.remindAfterHours` H > 0: a draft pending (every draft is: a decided one is gone, R13)
 *   for at least k·H hours reminds the managers who may decide it (R11/R13: the active managers of
 *   its organization and of its parent), by e-mail and push, kind `draft_reminder`: round k is
 *   floor(age / H) ≥ 1, so it comes at H, 2H, 3H… while the draft waits (a pass that ran late sends
 *   the round it is in, not the ones it missed);
 * - `approval.escalateAfterHours` E > 0: a draft pending E hours is told once to the tenant's admin
 *   agents, by e-mail, kind `draft_escalated` (while the tenant has no admin agent, it waits for one);
 * - `tickets.remindAfterHours` T > 0: a ticket `waiting` for its requester T hours since its last
 *   change (updated_at) reminds the requester by e-mail, kind `ticket_reminder`, every T hours
 *   while it waits (an answer or any other change starts the count again).
 *
 * "Once" is a unique key, not a hope: every reminder is a row of `reminders` whose primary key is
 * (tenant, kind, what it is about, since when that waits, round), inserted with ON CONFLICT DO
 * NOTHING … RETURNING, and only the rows this call inserted get their notifications, in the same
 * transaction (store.write with the tenant's lock: on PostgreSQL the tenant's advisory lock, so two
 * servers take turns and the second finds the rows of the first). Each row says when the next
 * reminder of its kind and subject is due (next_at); a pass skips what is not due yet through the
 * index reminders_next, so passes over many pending drafts read an index, not the outbox.
 */

/** The reminders of one transaction at most: a first pass over 100,000 due drafts is many short transactions, not one long one. */
export const REMINDER_CHUNK = 2_000;
/** The next_at of a reminder that never comes again (an escalation). */
const NEVER = '9999-12-31T23:59:59.999Z';
const HOUR_MS = 3_600_000;
/** The outbox rows of one INSERT (each has 8 values: well inside both stores' limits). */
const NOTIFY_CHUNK = 1_000;
/** Reminder rows of one INSERT (7 values each). */
const ROWS_CHUNK = 500;

const ACTOR = { kind: 'admin', name: 'reminders' } as const;

type ReminderKind = Extract<NotificationKind, 'draft_reminder' | 'draft_escalated' | 'ticket_reminder'>;

const KEYS = ['approval.remindAfterHours', 'approval.escalateAfterHours', 'tickets.remindAfterHours'] as const;

/** A reminder due now: what it is about, since when, its round and when the next one is due. */
interface Due {
  refId: number;
  since: string;
  round: number;
  nextAt: string;
}

interface PassCounts {
  draftReminders: number;
  escalations: number;
  ticketReminders: number;
  notifications: number;
  /** Whether a step filled its chunk (there may be more due: another transaction follows). */
  full: boolean;
}

/**
 * Queues the reminders due at `now` for the given tenants (null: every tenant with a reminder
 * setting above 0); returns how many notifications it queued. Safe to run at once from any number
 * of processes on one database: each reminder is queued by exactly one of them.
 */
export async function sendReminders(store: Store, now: Date, tenantIds: number[] | null): Promise<{ queued: number }> {
  let queued = 0;
  for (const tenantId of tenantIds ?? (await tenantsWithReminders(store))) {
    if (!anyOn(await readSettings(store.db, tenantId))) continue;
    for (;;) {
      const c = await store.write((tx) => pass(tx, store, tenantId, now), tenantId);
      queued += c.notifications;
      // A full chunk that recorded nothing new (rows another process recorded first, or times that
      // do not compare equal) would come back the same: the next pass takes it up.
      if (!c.full || c.draftReminders + c.escalations + c.ticketReminders === 0) break;
    }
  }
  return { queued };
}

const anyOn = (s: Settings) => KEYS.some((k) => s[k] > 0);

/** The tenants with a reminder setting above 0 (one query: a default of 0 is no row at all). */
async function tenantsWithReminders(store: Store): Promise<number[]> {
  const rows = await store.db
    .selectFrom('settings as s')
    .innerJoin('tenants as t', 't.id', 's.tenant_id')
    .select('s.tenant_id')
    .distinct()
    .where('s.key', 'in', [...KEYS])
    .where('s.value', '<>', '0')
    .orderBy('s.tenant_id')
    .execute();
  return rows.map((r) => r.tenant_id);
}

/** One transaction of a tenant's pass: each kind's due reminders, up to the chunk, their rows and their notifications. */
async function pass(tx: Tx, store: Store, tenantId: number, now: Date): Promise<PassCounts> {
  const ctx: EngineContext = { store, tenantId, actor: ACTOR, now: () => now };
  const s = await readSettings(tx, tenantId);
  const counts: PassCounts = { draftReminders: 0, escalations: 0, ticketReminders: 0, notifications: 0, full: false };
  const messages: OutboxMessage[] = [];
  let budget = REMINDER_CHUNK;

  const H = s['approval.remindAfterHours'];
  if (H > 0 && budget > 0) {
    const drafts = await dueDrafts(tx, tenantId, 'draft_reminder', now, H, budget);
    counts.full ||= drafts.length === budget;
    budget -= drafts.length;
    const sent = await record(tx, tenantId, 'draft_reminder', now, drafts.map((d) => ({ refId: d.id, since: d.created_at, ...rounds(d.created_at, now, H) })));
    const managers = new Map<number, { email: string }[]>();
    for (const d of drafts) {
      const round = sent.get(d.id);
      if (round === undefined) continue;
      counts.draftReminders++;
      if (d.organization_id === null) continue;
      if (!managers.has(d.organization_id)) managers.set(d.organization_id, await activeManagers(tx, tenantId, d.organization_id));
      messages.push(...toManagers(managers.get(d.organization_id)!, 'draft_reminder', d.id, `Still waiting for approval after ${round * H} hours: ${d.subject}`));
    }
  }

  const E = s['approval.escalateAfterHours'];
  if (E > 0 && budget > 0) {
    const admins = await tx.selectFrom('agents').select('email').where('tenant_id', '=', tenantId).where('is_admin', '=', 1).orderBy('id').execute();
    if (admins.length > 0) {
      const drafts = await dueDrafts(tx, tenantId, 'draft_escalated', now, E, budget);
      counts.full ||= drafts.length === budget;
      budget -= drafts.length;
      const sent = await record(tx, tenantId, 'draft_escalated', now, drafts.map((d) => ({ refId: d.id, since: d.created_at, round: 1, nextAt: NEVER })));
      for (const d of drafts) {
        if (!sent.has(d.id)) continue;
        counts.escalations++;
        for (const a of admins) {
          messages.push({ kind: 'draft_escalated', channel: 'email', to: a.email, subject: `Escalated: waiting for approval for more than ${E} hours: ${d.subject}`, refType: 'draft', refId: d.id });
        }
      }
    }
  }

  const T = s['tickets.remindAfterHours'];
  if (T > 0 && budget > 0) {
    const tickets = await dueTickets(tx, tenantId, now, T, budget);
    counts.full ||= tickets.length === budget;
    budget -= tickets.length;
    const sent = await record(tx, tenantId, 'ticket_reminder', now, tickets.map((t) => ({ refId: t.id, since: t.updated_at, ...rounds(t.updated_at, now, T) })));
    for (const t of tickets) {
      if (!sent.has(t.id)) continue;
      counts.ticketReminders++;
      messages.push({ kind: 'ticket_reminder', channel: 'email', to: t.email, subject: `Ticket ${t.protocol} is waiting for your answer: ${t.subject}`, refType: 'ticket', refId: t.id });
    }
  }

  for (let i = 0; i < messages.length; i += NOTIFY_CHUNK) await notify(tx, ctx, messages.slice(i, i + NOTIFY_CHUNK));
  counts.notifications = messages.length;
  if (counts.draftReminders + counts.escalations + counts.ticketReminders > 0) {
    const { full: _full, ...details } = counts;
    await audit(tx, ctx, 'reminders.send', 'reminders', null, details);
  }
  return counts;
}

/** Round k = floor(age / every) of what waits since `since`, and when round k + 1 is due. */
function rounds(since: string, now: Date, everyHours: number): { round: number; nextAt: string } {
  const start = Date.parse(since);
  const every = everyHours * HOUR_MS;
  const round = Math.max(1, Math.floor((now.getTime() - start) / every));
  return { round, nextAt: new Date(start + (round + 1) * every).toISOString() };
}

const cutoff = (now: Date, hours: number) => new Date(now.getTime() - hours * HOUR_MS).toISOString();

/** Whether a reminder of `kind` about the ref (since the same time) still runs: its next round is not due yet. */
const stillReminding = (tenantId: number, kind: ReminderKind, ref: 'd.id' | 't.id', since: 'd.created_at' | 't.updated_at', now: Date) =>
  sql<boolean>`EXISTS (SELECT 1 FROM reminders r WHERE r.tenant_id = ${tenantId} AND r.kind = ${kind} AND r.ref_id = ${sql.ref(ref)}
    AND r.next_at > ${now.toISOString()} AND r.since = ${sql.ref(since)})`;

/** Drafts pending at least `hours` with no reminder of `kind` still running (next_at in the future), oldest first. */
function dueDrafts(tx: Tx, tenantId: number, kind: ReminderKind, now: Date, hours: number, limit: number) {
  return tx
    .selectFrom('drafts as d')
    .select(['d.id', 'd.created_at', 'd.organization_id', 'd.subject'])
    .where('d.tenant_id', '=', tenantId)
    .where('d.created_at', '<=', cutoff(now, hours))
    .where((eb) => eb.not(stillReminding(tenantId, kind, 'd.id', 'd.created_at', now)))
    .orderBy('d.created_at')
    .orderBy('d.id')
    .limit(limit)
    .execute();
}

/** Tickets waiting for their requester (not removed) at least `hours` since their last change, with no reminder still running. */
function dueTickets(tx: Tx, tenantId: number, now: Date, hours: number, limit: number) {
  return tx
    .selectFrom('tickets as t')
    .innerJoin('customers as c', 'c.id', 't.requester_id')
    .select(['t.id', 't.updated_at', 't.protocol', 't.subject', 'c.email'])
    .where('t.tenant_id', '=', tenantId)
    .where('t.status', '=', 'waiting')
    .where('t.updated_at', '<=', cutoff(now, hours))
    .where('c.deleted_at', 'is', null)
    .where((eb) => eb.not(stillReminding(tenantId, 'ticket_reminder', 't.id', 't.updated_at', now)))
    .orderBy('t.updated_at')
    .orderBy('t.id')
    .limit(limit)
    .execute();
}

/**
 * Inserts the reminder rows (ON CONFLICT DO NOTHING … RETURNING) and returns, by ref, the round of
 * each row this call inserted: those, and only those, are sent. A row that was there already (the
 * interval was changed since it was written) gets the next_at of now's interval, so the ref is not
 * due again until then.
 */
async function record(tx: Tx, tenantId: number, kind: ReminderKind, now: Date, due: Due[]): Promise<Map<number, number>> {
  const inserted = new Map<number, number>();
  const at = now.toISOString();
  for (let i = 0; i < due.length; i += ROWS_CHUNK) {
    const slice = due.slice(i, i + ROWS_CHUNK);
    const rows = await tx
      .insertInto('reminders')
      .values(slice.map((d) => ({ tenant_id: tenantId, kind, ref_id: d.refId, since: d.since, round: d.round, next_at: d.nextAt, created_at: at })))
      .onConflict((oc) => oc.columns(['tenant_id', 'kind', 'ref_id', 'since', 'round']).doNothing())
      .returning(['ref_id', 'round'])
      .execute();
    for (const r of rows) inserted.set(r.ref_id, r.round);
    for (const d of slice) {
      if (inserted.has(d.refId)) continue;
      await tx
        .updateTable('reminders')
        .set({ next_at: d.nextAt })
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', kind)
        .where('ref_id', '=', d.refId)
        .where('since', '=', d.since)
        .where('round', '=', d.round)
        .execute();
    }
  }
  return inserted;
}
