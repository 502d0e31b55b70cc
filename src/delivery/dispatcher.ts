import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { DeliveryReport, NotificationChannel } from '../core/schemas.js';
import { claimDue, idsOrNone, keepWords, messageIdOf, recordAttempt, releaseClaims, type ClaimFilter, type ClaimedRow, type SentAs } from '../engine/outbox.js';
import type { Store } from '../store/store.js';
import type { Rendered } from '../engine/templates.js';
import type { Channel, Outgoing, SendOutcome } from './channel.js';

/*
 * The dispatcher (R33): sends what is due, over the channels this process has, for the tenants
 * that set each one up. Workers take claimed notifications one at a time; when none is left, one
 * of them claims the next few (a lease: no other dispatcher takes them meanwhile). Each attempt is
 * recorded as soon as its server answered, so a crash re-sends at most the messages in flight, with
 * the same Message-ID. The reminders of R35 are queued first, once per run.
 */

/** A channel this process can send through, and which tenants have set it up. */
export interface ChannelSetup {
  channel: Channel;
  /** The tenants (of `among`; null: every tenant) whose notifications on it can go; null: all of them. */
  readyTenants(among: number[] | null): Promise<number[] | null>;
  /** What a tenant that is not ready must set (the waiting report). */
  waitingReason: string;
}

/** What a dispatcher is given, over the store it was opened on: its channels, the renderer, the reminders. */
export interface DeliverySetup {
  channels: Partial<Record<NotificationChannel, ChannelSetup>>;
  /** Why a channel this process lacks cannot send (e-mail without an SMTP server). */
  missing: Partial<Record<NotificationChannel, string>>;
  render(rows: ClaimedRow[]): Promise<Map<number, Rendered>>;
  /** R35: queues the reminders that are due; how many. */
  reminders(now: Date, tenantIds: number[] | null): Promise<number>;
  close(): Promise<void>;
}

export interface DeliverOptions {
  now: () => Date;
  /** The tenants to deliver for (null: every tenant). */
  tenantIds: number[] | null;
  kinds?: string[];
  channels?: NotificationChannel[];
  /** At most this many attempts. */
  limit?: number;
  /** Whether to queue the due reminders first (R35). */
  reminders?: boolean;
  /** Stops taking new messages; those in flight finish and are recorded. */
  signal?: AbortSignal;
  /** Whether to count what waits for a channel that is not set up (the report's `waiting`; a watch loop skips it). */
  countWaiting?: boolean;
}

/** Messages sent at once: the SMTP pool's size (delivery/email.ts DEFAULT_POOL_SIZE). */
const CONCURRENCY = 5;
/** `serve --deliver`: the pause when nothing was due, and how often it looks for due reminders. */
const IDLE_MS = 2_000;
const REMIND_EVERY_MS = 60_000;

export const emptyReport = (): DeliveryReport => ({ attempted: 0, delivered: 0, retried: 0, failed: 0, unreachable: 0, waiting: [], reminders: 0 });

/** Adds a run to a total (the waiting list is the latest run's). */
export function addReport(total: DeliveryReport, run: DeliveryReport): void {
  for (const k of ['attempted', 'delivered', 'retried', 'failed', 'unreachable', 'reminders'] as const) total[k] += run[k];
  total.waiting = run.waiting;
}

/** A claim's owner: this host, process and run. */
const dispatcherId = () => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/** One run: delivers what is due now (up to `limit`), and says how it went. */
export async function deliverDue(store: Store, setup: DeliverySetup, o: DeliverOptions): Promise<DeliveryReport> {
  const owner = dispatcherId();
  const report = emptyReport();
  if (o.reminders !== false && !o.signal?.aborted) report.reminders = await setup.reminders(o.now(), o.tenantIds);
  const wanted = (c: NotificationChannel) => !o.channels?.length || o.channels.includes(c);
  const filter: ClaimFilter = { tenantIds: o.tenantIds, channels: [], kinds: o.kinds };
  const ready = new Map<NotificationChannel, number[] | null>();
  for (const [name, c] of Object.entries(setup.channels) as [NotificationChannel, ChannelSetup][]) {
    if (!wanted(name)) continue;
    const tenants = await c.readyTenants(o.tenantIds);
    ready.set(name, tenants);
    filter.channels.push({ channel: name, tenantIds: tenants });
  }
  const senders = await sendersOf(store, o.tenantIds);
  const limit = o.limit ?? Number.POSITIVE_INFINITY;
  const queue: { row: ClaimedRow; sent: SentAs }[] = [];
  let exhausted = false;
  let taken = 0;
  let claiming: Promise<void> | null = null;

  const refill = async () => {
    // Only what the workers send at once: a claim never waits in a queue while its lease runs.
    const rows = await claimDue(store, owner, o.now(), Math.min(CONCURRENCY, limit - taken), filter);
    if (rows.length === 0) {
      exhausted = true;
      return;
    }
    taken += rows.length;
    try {
      const rendered = await setup.render(rows);
      const items = rows.map((row) => {
        const r = rendered.get(row.id) ?? { subject: row.subject, text: row.body ?? row.subject, html: null };
        return { row, sent: { ...r, messageId: row.message_id ?? messageIdOf(row, senders.get(row.tenant_id)?.from ?? null) } };
      });
      await keepWords(store, items);
      queue.push(...items);
    } catch (e) {
      // Claims given back: due at once for any dispatcher.
      await releaseClaims(store, owner, rows.map((r) => r.id));
      throw e;
    }
  };
  const next = async () => {
    for (;;) {
      if (o.signal?.aborted) return null;
      const item = queue.shift();
      if (item) return item;
      if (exhausted || taken >= limit) return null;
      claiming ??= refill().finally(() => (claiming = null));
      await claiming;
    }
  };
  const worker = async () => {
    for (let item = await next(); item; item = await next()) {
      const { row, sent } = item;
      const channel = setup.channels[row.channel as NotificationChannel]!.channel;
      const sender = senders.get(row.tenant_id);
      const outcome = await sendSafely(channel, {
        id: row.id,
        tenantId: row.tenant_id,
        tenant: sender?.slug ?? String(row.tenant_id),
        kind: row.kind,
        to: row.to_address,
        subject: sent.subject,
        text: sent.text,
        html: row.channel === 'email' ? sent.html : null,
        messageId: sent.messageId,
        from: sender?.from ?? null,
        ref: row.ref_type && row.ref_id !== null ? { type: row.ref_type, id: row.ref_id } : null,
        createdAt: row.created_at,
      });
      const result = await recordAttempt(store, owner, row, outcome, o.now());
      report.attempted++;
      if (result === 'delivered') report.delivered++;
      else if (result === 'retry') report.retried++;
      else if (result === 'failed') report.failed++;
      if (outcome.status === 'unreachable') report.unreachable++;
    }
  };
  // Every worker ends (the others' messages in flight are recorded) before an error is thrown.
  const ends = await Promise.allSettled(Array.from({ length: CONCURRENCY }, worker));
  // Claimed but not attempted (stopped): given back, due at once for any dispatcher.
  await releaseClaims(store, owner, queue.map((q) => q.row.id));
  const failure = ends.find((e): e is PromiseRejectedResult => e.status === 'rejected');
  if (failure) throw failure.reason;
  if (o.countWaiting !== false) report.waiting = await waiting(store, setup, o, ready);
  return report;
}

/** A channel that throws is an attempt that failed for a temporary reason, never a lost notification. */
async function sendSafely(channel: Channel, m: Outgoing): Promise<SendOutcome> {
  try {
    return await channel.send(m);
  } catch (e) {
    return { status: 'temporary', error: e instanceof Error ? e.message : String(e) };
  }
}

/** Each tenant's slug and e-mail sender (`notifications.from`). */
async function sendersOf(store: Store, tenantIds: number[] | null): Promise<Map<number, { slug: string; from: string | null }>> {
  let q = store.db
    .selectFrom('tenants as t')
    .leftJoin('settings as s', (j) => j.onRef('s.tenant_id', '=', 't.id').on('s.key', '=', 'notifications.from'))
    .select(['t.id', 't.slug', 's.value']);
  if (tenantIds) q = q.where('t.id', 'in', idsOrNone(tenantIds));
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.id, { slug: r.slug, from: r.value === null ? null : (JSON.parse(r.value) as string | null) }]));
}

/** What stays pending because a channel is not set up (here, or by its tenant): by channel, with what to set. */
async function waiting(store: Store, setup: DeliverySetup, o: DeliverOptions, ready: Map<NotificationChannel, number[] | null>): Promise<DeliveryReport['waiting']> {
  const out: DeliveryReport['waiting'] = [];
  const channels = (o.channels?.length ? o.channels : (['email', 'push', 'whatsapp'] as const)) as NotificationChannel[];
  for (const channel of channels) {
    const tenants = ready.get(channel);
    if (tenants === null) continue;
    let q = store.db.selectFrom('notifications').select(sql<number>`count(*)`.as('n')).where('status', '=', 'pending').where('channel', '=', channel);
    if (o.tenantIds) q = q.where('tenant_id', 'in', idsOrNone(o.tenantIds));
    if (o.kinds?.length) q = q.where('kind', 'in', o.kinds);
    if (tenants?.length) q = q.where('tenant_id', 'not in', tenants);
    const n = Number((await q.executeTakeFirstOrThrow()).n);
    const here = tenants !== undefined;
    const reason = here ? setup.channels[channel]!.waitingReason : (setup.missing[channel] ?? `no ${channel} channel here`);
    if (n > 0) out.push({ channel, count: n, reason, by: here ? 'tenant' : 'dispatcher' });
  }
  return out;
}

/**
 * `serve --deliver`: runs after run until stopped, pausing when nothing was due or a run failed
 * (the database away a moment: reported, and the loop goes on); reminders at most once a minute.
 */
export async function deliverUntilStopped(
  store: Store,
  setup: DeliverySetup,
  o: DeliverOptions & { onRun: (run: DeliveryReport) => void; onError: (e: unknown) => void; signal: AbortSignal },
): Promise<void> {
  let reminded = Number.NEGATIVE_INFINITY;
  while (!o.signal.aborted) {
    const remind = o.reminders !== false && o.now().getTime() - reminded >= REMIND_EVERY_MS;
    if (remind) reminded = o.now().getTime();
    let attempted = 0;
    try {
      const run = await deliverDue(store, setup, { ...o, reminders: remind, countWaiting: false });
      attempted = run.attempted;
      o.onRun(run);
    } catch (e) {
      o.onError(e);
    }
    if (attempted === 0) await sleep(IDLE_MS, undefined, { signal: o.signal }).catch(() => undefined);
  }
}
