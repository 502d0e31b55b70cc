import { decideApproval } from '../core/approval.js';
import { approvalFacts, requestParties } from './approval.js';
import { DeskctlError, conflict, forbidden, invalid, notFound, precondition } from '../core/errors.js';
import { assertRateable, assertReopenable } from '../core/reopen.js';
import {
  Email,
  TicketRequest,
  type CreateOutcome,
  type ParticipantsReport,
  type Settings,
  type Ticket,
  type TicketDetail,
  type TicketFilter,
} from '../core/schemas.js';
import { assertTopicMet } from '../core/topics.js';
import { localDayBounds } from '../core/time.js';
import { didYouMean } from '../core/suggest.js';
import { parseInput } from '../core/validate.js';
import type { Insertable } from 'kysely';
import { z } from 'zod';
import { failedStatement, type Tx } from '../store/store.js';
import type { DB } from '../store/types.js';
import {
  actorLabel,
  audit,
  categoryId,
  departmentId,
  findCustomer,
  dueAt,
  formatProtocol,
  notify,
  organizationId,
  readSettings,
  reserveProtocols,
  toManagers,
  type EngineContext,
} from './context.js';
import { once, type IdempotencyGuard } from './idempotency.js';
import { findTopic } from './topics.js';
import { draftQuery, ticketQuery, toDraft, toTicket, toTicketDetail } from './views.js';

/**
 * Opens a ticket request through the approval decision (R7-R10): a ticket at once, or a draft
 * that waits for a manager; WhatsApp follow-ups join the pending draft (R16). One transaction.
 */
export async function createTicket(ctx: EngineContext, input: unknown, guard?: IdempotencyGuard): Promise<CreateOutcome> {
  const req = parseInput(TicketRequest, input);
  // With a guard (the API's Idempotency-Key), the key is stored in this same transaction: a retry opens nothing twice.
  return ctx.store.write((tx) => once(tx, ctx, guard, () => openRequest(tx, ctx, req)), ctx.tenantId);
}

/** How `deskctl seed` opens a request: at a historical time, carrying the fixture's ref. */
export interface OpenOptions {
  /** The creation time (default: now); the due time follows from it (R18). */
  createdAt?: Date;
  ref?: string;
  /** A request of the WhatsApp conversation engine, which joins a conversation's pending draft itself (R16). */
  fromConversation?: boolean;
}

/** The creation flow inside the caller's transaction (createTicket, and seed's one transaction). */
export async function openRequest(tx: Tx, ctx: EngineContext, req: TicketRequest, opts: OpenOptions = {}): Promise<CreateOutcome> {
  const parties = await requestParties(tx, ctx, req);
  const { settings, requester } = parties;
  if (req.visibility === 'private' && requester.is_manager !== 1) {
    throw invalid(`visibility: only a manager's own tickets can be private (R21); ${requester.email} is not a manager`);
  }
  assertSettingsAllow(settings, req);
  const dept = parties.departmentId;
  const cat = parties.categoryId;
  // R42: a topic's requirements hold for every ticket created with it (and the draft that may become one).
  const topic = req.topic ? await findTopic(tx, ctx.tenantId, req.topic) : null;
  if (topic) assertTopicMet(topic, req);

  if (req.channel === 'whatsapp' && req.conversation && !opts.fromConversation) {
    const appended = await appendToPendingDraft(tx, ctx, requester, req.conversation, req.message);
    if (appended) return appended;
  }

  // R7 through the one gathering of facts and the one decision that `approval explain` uses too (R36).
  const { facts, managers } = await approvalFacts(tx, ctx, parties, req.channel);
  const decision = decideApproval(facts);
  const at = (opts.createdAt ?? ctx.now()).toISOString();
  const common = {
    tenant_id: ctx.tenantId,
    requester_id: requester.id,
    organization_id: requester.organization_id,
    department_id: dept,
    category_id: cat,
    subject: req.subject,
    message: req.message,
    channel: req.channel,
    conversation: req.conversation ?? null,
    fields: JSON.stringify(req.fields),
    attachments: JSON.stringify(req.attachments),
    topic_id: topic?.id ?? null,
    service_channel: req.serviceChannel ?? null,
    status_detail: req.statusDetail ?? null,
    process_ref: req.processRef ?? null,
    type: req.type ?? null,
    priority: req.priority,
  };
  if (decision.needsApproval) {
    // R10: the draft keeps everything the request had.
    const heldBy = decision.heldBy!;
    const { id } = await tx
      .insertInto('drafts')
      .values({ ...common, ref: opts.ref ?? null, created_at: at, updated_at: at, held_by_mode: heldBy.mode, held_by_rule: heldBy.rule })
      .returning('id')
      .executeTakeFirstOrThrow();
    await announceDraft(tx, ctx, managers, id, req.subject);
    await audit(tx, ctx, 'draft.create', 'draft', id, { requester: requester.email, channel: req.channel, reason: decision.reason, heldBy });
    return { outcome: 'draft', draft: toDraft(await draftQuery(tx, ctx.tenantId).where('dr.id', '=', id).executeTakeFirstOrThrow()) };
  }
  const ticket = await insertTicket(tx, ctx, settings, { ...common, visibility: req.visibility, ref: opts.ref ?? null }, requester.email, opts.createdAt);
  return { outcome: 'ticket', ticket };
}

/**
 * R41: with `tickets.customerCreation` false the customer area (panel, app) opens no tickets; with
 * `tickets.attachments` false no request carries attachments, whatever its channel.
 */
/** R41's attachments (its customer-area switch is checked with the request's parties, so `approval explain` sees it too). */
function assertSettingsAllow(settings: Settings, req: TicketRequest): void {
  if (!settings['tickets.attachments'] && req.attachments.length > 0) {
    throw precondition(`attachments: tickets.attachments is false: requests cannot carry attachments (R41); open it without them`);
  }
}

/** R11: a new draft is announced to every active manager of its organization and of its parent, by e-mail and push. */
export async function announceDraft(tx: Tx, ctx: EngineContext, managers: { email: string }[], draftId: number, subject: string): Promise<void> {
  await notify(tx, ctx, toManagers(managers, 'draft_pending', draftId, `Approval requested: ${subject}`));
}

/** R16: a later WhatsApp message of a conversation whose first message waits as a draft. */
async function appendToPendingDraft(
  tx: Tx,
  ctx: EngineContext,
  requester: { id: number; email: string; phone: string | null },
  conversation: string,
  message: string,
): Promise<CreateOutcome | null> {
  const draft = await tx
    .selectFrom('drafts')
    .select(['id', 'message'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('conversation', '=', conversation)
    .where('requester_id', '=', requester.id)
    .executeTakeFirst();
  if (!draft) return null;
  const at = ctx.now().toISOString();
  await tx.updateTable('drafts').set({ message: `${draft.message}\n\n${message}`, updated_at: at }).where('id', '=', draft.id).execute();
  await notify(tx, ctx, [
    {
      kind: 'draft_waiting',
      channel: requester.phone ? 'whatsapp' : 'email',
      to: requester.phone ?? requester.email,
      subject: 'Your request is waiting for approval; your message was added to it',
      refType: 'draft',
      refId: draft.id,
    },
  ]);
  await audit(tx, ctx, 'draft.append', 'draft', draft.id, { conversation });
  return { outcome: 'draft', appended: true, draft: toDraft(await draftQuery(tx, ctx.tenantId).where('dr.id', '=', draft.id).executeTakeFirstOrThrow()) };
}

export interface NewTicketRow {
  tenant_id: number;
  requester_id: number;
  organization_id: number | null;
  department_id: number;
  category_id: number | null;
  subject: string;
  message: string;
  channel: string;
  conversation: string | null;
  fields: string;
  attachments: string;
  visibility: string;
  type?: string | null;
  priority?: string;
  ref?: string | null;
  /** R42. */
  topic_id?: number | null;
  service_channel?: string | null;
  status_detail?: string | null;
  process_ref?: string | null;
}

/**
 * The one writer of a new ticket row (R17: its protocol, R18: its due time), whatever makes it: a
 * request, a fixture's recorded ticket. The set-based approval of a chunk of drafts writes the same
 * columns in one INSERT … SELECT (moveDrafts in drafts.ts); generate batches them.
 */
export async function writeTicket(
  tx: Tx,
  ctx: EngineContext,
  row: NewTicketRow & Partial<Pick<Insertable<DB['tickets']>, 'status' | 'agent_id' | 'process_ref' | 'rating' | 'rating_comment' | 'solved_at' | 'closed_at' | 'updated_at'>>,
  created: Date,
  forecastHours: number,
): Promise<{ id: number; protocol: string }> {
  const seq = await reserveProtocols(tx, ctx.tenantId, 1);
  const protocol = formatProtocol(created.getUTCFullYear(), seq);
  const at = created.toISOString();
  const { id } = await tx
    .insertInto('tickets')
    .values({ status: 'open', updated_at: at, ...row, protocol, created_at: at, due_at: dueAt(created, forecastHours) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, protocol };
}

/** The normal creation flow (R17/R18): protocol number, due time, "ticket opened" to the customer. */
export async function insertTicket(
  tx: Tx,
  ctx: EngineContext,
  settings: Settings,
  row: NewTicketRow,
  requesterEmail: string,
  createdAt?: Date,
): Promise<Ticket> {
  const { id, protocol } = await writeTicket(tx, ctx, row, createdAt ?? ctx.now(), settings['response.forecastHours']);
  if (row.visibility !== 'internal') {
    await notify(tx, ctx, [{ kind: 'ticket_opened', channel: 'email', to: requesterEmail, subject: `Ticket ${protocol} opened: ${row.subject}`, refType: 'ticket', refId: id }]);
  }
  await audit(tx, ctx, 'ticket.create', 'ticket', id, { protocol, requester: requesterEmail, channel: row.channel });
  return toTicket(await ticketQuery(tx, ctx.tenantId).where('t.id', '=', id).executeTakeFirstOrThrow());
}

/**
 * What a customer acting with `--as` (or a customer's token) may see of tickets, written once for
 * lists, reads and every change that finds a ticket: their own tickets and those they participate
 * in (R39), never internal ones (R17); a manager also the public tickets of their organization
 * (R21). Admins see everything.
 */
function scopeTickets<Q extends ReturnType<typeof ticketQuery>>(q: Q, ctx: EngineContext): Q {
  const a = ctx.actor;
  if (a.kind === 'admin') return q;
  // The ids they may see, each part an index lookup (tickets_requester, ticket_participants_customer,
  // the organization's tickets), so a customer's or a manager's list reads only those tickets.
  return q
    .where((eb) => {
      let ids = eb
        .selectFrom('tickets as tr')
        .select('tr.id')
        .where('tr.requester_id', '=', a.customerId)
        .union(eb.selectFrom('ticket_participants as tpp').select('tpp.ticket_id as id').where('tpp.customer_id', '=', a.customerId));
      if (a.kind === 'manager') {
        ids = ids.union(eb.selectFrom('tickets as to').select('to.id').where('to.organization_id', '=', a.organizationIds[0]!).where('to.visibility', '=', 'public'));
      }
      return eb('t.id', 'in', ids);
    })
    .where('t.visibility', '!=', 'internal') as Q;
}

export async function listTickets(ctx: EngineContext, filter: TicketFilter): Promise<Ticket[]> {
  const db = ctx.store.db;
  let q = scopeTickets(ticketQuery(db, ctx.tenantId), ctx).orderBy('t.id');
  if (filter.status) q = q.where('t.status', '=', filter.status);
  if (filter.org !== undefined) q = q.where('t.organization_id', '=', await organizationId(db, ctx.tenantId, filter.org));
  if (filter.department !== undefined) q = q.where('t.department_id', '=', await departmentId(db, ctx.tenantId, filter.department));
  if (filter.category !== undefined) {
    // A category of the department given, or of any department; one that does not exist is not found.
    if (filter.department !== undefined) {
      await categoryId(db, ctx.tenantId, await departmentId(db, ctx.tenantId, filter.department), filter.department, filter.category);
    } else {
      const known = (await db.selectFrom('categories').select('name').where('tenant_id', '=', ctx.tenantId).execute()).map((r) => r.name);
      if (!known.includes(filter.category)) throw notFound(`category "${filter.category}" not found${didYouMean(filter.category, known)}`);
    }
    q = q.where('c.name', '=', filter.category);
  }
  if (filter.channel !== undefined) q = q.where('t.channel', '=', filter.channel);
  if (filter.agent !== undefined) q = q.where('a.email', '=', filter.agent);
  if (filter.requester !== undefined) q = q.where('rq.email', '=', filter.requester);
  if (filter.overdue || filter.dueToday) q = q.where('t.status', 'not in', ['solved', 'closed']);
  const current = ctx.now();
  if (filter.overdue) q = q.where('t.due_at', '<', current.toISOString());
  if (filter.dueToday) {
    const { timezone } = await readSettings(db, ctx.tenantId);
    const day = localDayBounds(current, timezone);
    // Due later today; a ticket already past its due time is overdue instead (seed 003 shows one or the other).
    const from = current > day.start ? current : day.start;
    q = q.where('t.due_at', '>=', from.toISOString()).where('t.due_at', '<', day.end.toISOString());
  }
  if (filter.after) q = q.where('t.id', '>', filter.after);
  if (filter.limit) q = q.limit(filter.limit);
  return (await q.execute()).map(toTicket);
}

async function findTicket(tx: Tx, ctx: EngineContext, ref: string | number) {
  let q = scopeTickets(ticketQuery(tx, ctx.tenantId), ctx);
  q = typeof ref === 'number' || /^\d+$/.test(ref) ? q.where('t.id', '=', Number(ref)) : q.where('t.protocol', '=', ref);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound(`ticket ${ref} not found`);
  return row;
}

export async function getTicket(ctx: EngineContext, ref: string): Promise<TicketDetail> {
  const row = await findTicket(ctx.store.db, ctx, ref);
  const messages = await ctx.store.db
    .selectFrom('ticket_messages')
    .select(['author', 'body', 'created_at'])
    .where('ticket_id', '=', row.id)
    .orderBy('id')
    .execute();
  return toTicketDetail(row, messages, await participantsOf(ctx.store.db, row.id));
}

/** R39: the e-mails of a ticket's participants (removed customers left out), in the order they were added. */
async function participantsOf(tx: Tx, ticketId: number): Promise<string[]> {
  const rows = await tx
    .selectFrom('ticket_participants as p')
    .innerJoin('customers as c', 'c.id', 'p.customer_id')
    .select('c.email')
    .where('p.ticket_id', '=', ticketId)
    .where('c.deleted_at', 'is', null)
    .orderBy('p.created_at')
    .orderBy('c.email')
    .execute();
  return rows.map((r) => r.email);
}

/**
 * R22, R39: who is told of a customer-facing change of a ticket: its requester and each of its
 * participants, one notification each, queued in the caller's transaction.
 */
async function notifyAudience(
  tx: Tx,
  ctx: EngineContext,
  t: { id: number; requester: string },
  kind: 'ticket_answered' | 'ticket_solved' | 'ticket_reopened',
  subject: string,
  ticketMessageId?: number,
): Promise<void> {
  const to = [t.requester, ...(await participantsOf(tx, t.id)).filter((e) => e !== t.requester)];
  await notify(tx, ctx, to.map((email) => ({ kind, channel: 'email' as const, to: email, subject, refType: 'ticket' as const, refId: t.id, ticketMessageId })));
}

export interface BatchResult {
  id: number;
  ok: boolean;
  changed?: boolean;
  ticket?: { id: number; protocol: string; status: string };
  error?: { code: string; message: string };
}
export interface BatchReport {
  requested: number;
  succeeded: number;
  failed: number;
  results: BatchResult[];
}

type TicketRowT = Awaited<ReturnType<typeof findTicket>>;

/**
 * Applies one change to each ticket in one transaction: a ticket that cannot take it is reported
 * with its reason and left as it was; the others change.
 */
async function eachTicket(
  ctx: EngineContext,
  ids: number[],
  change: (tx: Tx, t: TicketRowT, settings: Settings) => Promise<boolean>,
): Promise<BatchReport> {
  if (ctx.actor.kind !== 'admin') throw forbidden('only the tenant admin changes tickets');
  return ctx.store.write(async (tx) => {
    const settings = await readSettings(tx, ctx.tenantId);
    const results: BatchResult[] = [];
    for (const id of [...new Set(ids)]) {
      try {
        const t = await findTicket(tx, ctx, id);
        const changed = await change(tx, t, settings);
        const after = await tx.selectFrom('tickets').select(['status']).where('id', '=', t.id).executeTakeFirstOrThrow();
        results.push({ id, ok: true, changed, ticket: { id: t.id, protocol: t.protocol, status: after.status } });
      } catch (e) {
        if (!(e instanceof DeskctlError) || failedStatement(e)) throw e;
        results.push({ id, ok: false, error: e.toJSON() });
      }
    }
    const succeeded = results.filter((r) => r.ok).length;
    return { requested: results.length, succeeded, failed: results.length - succeeded, results };
  }, ctx.tenantId);
}

/** An agent's message on a ticket; its id goes with the notification of the change (R34: its template's `message`). */
async function addMessage(tx: Tx, ctx: EngineContext, ticketId: number, body: string): Promise<number> {
  const { id } = await tx.insertInto('ticket_messages').values({ ticket_id: ticketId, author: actorLabel(ctx.actor), body, created_at: ctx.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
  return id;
}

const customerFacing = (t: TicketRowT) => t.visibility !== 'internal';

export async function solveTickets(ctx: EngineContext, ids: number[], message?: string): Promise<BatchReport> {
  return eachTicket(ctx, ids, async (tx, t) => {
    if (t.status === 'solved') return false;
    if (t.status === 'closed') throw precondition(`ticket ${t.protocol} is closed`);
    const at = ctx.now().toISOString();
    await tx.updateTable('tickets').set({ status: 'solved', solved_at: at, updated_at: at }).where('id', '=', t.id).execute();
    const note = message ? await addMessage(tx, ctx, t.id, message) : undefined;
    if (customerFacing(t)) {
      await notifyAudience(tx, ctx, t, 'ticket_solved', `Ticket ${t.protocol} solved: ${t.subject}`, note);
    }
    await audit(tx, ctx, 'ticket.solve', 'ticket', t.id, { protocol: t.protocol, from: t.status });
    return true;
  });
}

export async function closeTickets(ctx: EngineContext, ids: number[]): Promise<BatchReport> {
  return eachTicket(ctx, ids, async (tx, t) => {
    if (t.status === 'closed') return false;
    const at = ctx.now().toISOString();
    await tx.updateTable('tickets').set({ status: 'closed', closed_at: at, updated_at: at }).where('id', '=', t.id).execute();
    await audit(tx, ctx, 'ticket.close', 'ticket', t.id, { protocol: t.protocol, from: t.status });
    return true;
  });
}

/** R19: reopen solved tickets with a message; never one with a linked process. */
export async function reopenTickets(ctx: EngineContext, ids: number[], message: string): Promise<BatchReport> {
  if (!message?.trim()) throw invalid('message: a message is required to reopen a ticket (R19)');
  return eachTicket(ctx, ids, async (tx, t, settings) => {
    assertReopenable(settings['reopen.allowed'], { protocol: t.protocol, status: t.status as Ticket['status'], processRef: t.process_ref });
    const at = ctx.now().toISOString();
    await tx.updateTable('tickets').set({ status: 'in_progress', solved_at: null, updated_at: at }).where('id', '=', t.id).execute();
    const note = await addMessage(tx, ctx, t.id, message);
    if (customerFacing(t)) {
      await notifyAudience(tx, ctx, t, 'ticket_reopened', `Ticket ${t.protocol} reopened: ${t.subject}`, note);
    }
    await audit(tx, ctx, 'ticket.reopen', 'ticket', t.id, { protocol: t.protocol });
    return true;
  });
}

/** An agent's answer: the message is added, the ticket waits for the customer, who is told. */
export async function replyTicket(ctx: EngineContext, id: number, message: string): Promise<BatchReport> {
  if (!message?.trim()) throw invalid('message: a reply needs a message');
  return eachTicket(ctx, [id], async (tx, t) => {
    if (t.status === 'closed') throw precondition(`ticket ${t.protocol} is closed`);
    const at = ctx.now().toISOString();
    const status = t.status === 'solved' ? 'solved' : 'waiting';
    await tx.updateTable('tickets').set({ status, updated_at: at }).where('id', '=', t.id).execute();
    const answer = await addMessage(tx, ctx, t.id, message);
    if (customerFacing(t)) {
      await notifyAudience(tx, ctx, t, 'ticket_answered', `Ticket ${t.protocol} answered: ${t.subject}`, answer);
    }
    await audit(tx, ctx, 'ticket.reply', 'ticket', t.id, { protocol: t.protocol });
    return true;
  });
}

export async function linkProcess(ctx: EngineContext, id: number, ref: string): Promise<BatchReport> {
  const processRef = ref.trim();
  if (!processRef) throw invalid('ref: a process reference must not be empty');
  return eachTicket(ctx, [id], async (tx, t) => {
    if (t.process_ref === processRef) return false;
    await tx.updateTable('tickets').set({ process_ref: processRef, updated_at: ctx.now().toISOString() }).where('id', '=', t.id).execute();
    await audit(tx, ctx, 'ticket.link_process', 'ticket', t.id, { protocol: t.protocol, from: t.process_ref, to: processRef });
    return true;
  });
}

/**
 * Assigns tickets to an agent who works in each ticket's department (a ticket of another
 * department is refused and left as it was), or unassigns them (agent null). Asking for the agent
 * a ticket already has is reported unchanged.
 */
export async function assignTickets(ctx: EngineContext, ids: number[], agentEmail: string | null): Promise<BatchReport> {
  let agent: { id: number; email: string; departments: Set<number> } | null = null;
  if (agentEmail !== null) {
    const email = agentEmail.trim().toLowerCase();
    const row = await ctx.store.db.selectFrom('agents').select(['id', 'email']).where('tenant_id', '=', ctx.tenantId).where('email', '=', email).executeTakeFirst();
    if (!row) {
      const known = (await ctx.store.db.selectFrom('agents').select('email').where('tenant_id', '=', ctx.tenantId).execute()).map((r) => r.email);
      throw notFound(`agent ${email} not found${didYouMean(email, known, false)}`);
    }
    const depts = await ctx.store.db.selectFrom('agent_departments').select('department_id').where('agent_id', '=', row.id).execute();
    agent = { id: row.id, email: row.email, departments: new Set(depts.map((d) => d.department_id)) };
  }
  return eachTicket(ctx, ids, async (tx, t) => {
    if ((t.agent ?? null) === (agent?.email ?? null)) return false;
    if (t.status === 'closed') throw precondition(`ticket ${t.protocol} is closed`);
    if (agent) {
      const { department_id } = await tx.selectFrom('tickets').select('department_id').where('id', '=', t.id).executeTakeFirstOrThrow();
      if (!agent.departments.has(department_id)) throw precondition(`${agent.email} does not work in department ${t.department}, the department of ticket ${t.protocol}`);
    }
    await writeTicketAgent(tx, ctx, t, agent);
    return true;
  });
}

/** The one writer of a ticket's agent (`tickets assign`, and a WhatsApp conversation's agent, R28), with its audit row. */
export async function writeTicketAgent(
  tx: Tx,
  ctx: EngineContext,
  t: { id: number; protocol: string; agent: string | null },
  agent: { id: number; email: string } | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await tx.updateTable('tickets').set({ agent_id: agent?.id ?? null, updated_at: ctx.now().toISOString() }).where('id', '=', t.id).execute();
  await audit(tx, ctx, 'ticket.assign', 'ticket', t.id, { protocol: t.protocol, from: t.agent ?? null, to: agent?.email ?? null, ...details });
}

/** R20: one rating (1-5) with an optional comment, on a solved or closed ticket. */
export async function rateTicket(ctx: EngineContext, id: number, rating: number, comment?: string): Promise<BatchReport> {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw invalid('rating: a rating is a whole number from 1 to 5 (R20)');
  return eachTicket(ctx, [id], async (tx, t) => {
    assertRateable({ protocol: t.protocol, status: t.status as Ticket['status'] });
    if (t.rating !== null) throw conflict(`ticket ${t.protocol} is already rated ${t.rating} (R20: one rating)`);
    await tx.updateTable('tickets').set({ rating, rating_comment: comment ?? null, updated_at: ctx.now().toISOString() }).where('id', '=', t.id).execute();
    // R40: every rating tells the management team (the tenant's admin agents) at once.
    const admins = await tx.selectFrom('agents').select('email').where('tenant_id', '=', ctx.tenantId).where('is_admin', '=', 1).orderBy('id').execute();
    await notify(
      tx,
      ctx,
      admins.map((a) => ({
        kind: 'ticket_rated' as const,
        channel: 'email' as const,
        to: a.email,
        subject: `Ticket ${t.protocol} rated ${rating}/5: ${t.subject}${comment ? ` (${comment})` : ''}`,
        refType: 'ticket' as const,
        refId: t.id,
      })),
    );
    await audit(tx, ctx, 'ticket.rate', 'ticket', t.id, { protocol: t.protocol, rating });
    return true;
  });
}

/* ---- R39: participants ---- */

/** A ticket's participants, as the actor may see the ticket. */
export async function listParticipants(ctx: EngineContext, ref: string): Promise<ParticipantsReport> {
  const t = await findTicket(ctx.store.db, ctx, ref);
  return { id: t.id, protocol: t.protocol, participants: await participantsOf(ctx.store.db, t.id), changed: [], unchanged: [] };
}

/**
 * R39: the requester (or an admin) adds customers as participants; the requester only customers of
 * the ticket's organization (the requester's when it was opened), an admin any customer of the
 * tenant. Participants see the ticket and get its notifications. All or nothing, one transaction;
 * someone who already participates is reported unchanged.
 */
export async function addParticipants(ctx: EngineContext, ref: string, emailsIn: string[]): Promise<ParticipantsReport> {
  const emails = parseEmails(emailsIn);
  return ctx.store.write(async (tx) => {
    const t = await participantTicket(tx, ctx, ref);
    const current = new Set(await participantsOf(tx, t.id));
    const changed: string[] = [];
    const unchanged: string[] = [];
    for (const email of emails) {
      const c = await findCustomer(tx, ctx.tenantId, email);
      if (c.id === t.requester_id) throw precondition(`${email} is the requester of ticket ${t.protocol}; a participant is someone else (R39)`);
      if (current.has(email)) {
        unchanged.push(email);
        continue;
      }
      if (ctx.actor.kind !== 'admin') {
        if (t.organization_id === null) throw precondition(`ticket ${t.protocol} has no organization: its requester cannot add participants (R39); an admin can`);
        if (c.organization_id !== t.organization_id) {
          throw precondition(`${email} is not a customer of ${t.organization}, the requester's organization: only its customers can participate (R39)`);
        }
      }
      await tx.insertInto('ticket_participants').values({ ticket_id: t.id, customer_id: c.id, tenant_id: ctx.tenantId, created_at: ctx.now().toISOString() }).execute();
      current.add(email);
      changed.push(email);
    }
    if (changed.length) await audit(tx, ctx, 'ticket.add_participants', 'ticket', t.id, { protocol: t.protocol, added: changed });
    return { id: t.id, protocol: t.protocol, participants: await participantsOf(tx, t.id), changed, unchanged };
  }, ctx.tenantId);
}

/** R39: the requester (or an admin) removes participants; someone who does not participate is reported unchanged. */
export async function removeParticipants(ctx: EngineContext, ref: string, emailsIn: string[]): Promise<ParticipantsReport> {
  const emails = parseEmails(emailsIn);
  return ctx.store.write(async (tx) => {
    const t = await participantTicket(tx, ctx, ref);
    const changed: string[] = [];
    const unchanged: string[] = [];
    for (const email of emails) {
      const c = await tx.selectFrom('customers').select('id').where('tenant_id', '=', ctx.tenantId).where('email', '=', email).execute();
      const ids = c.map((r) => r.id);
      const gone = ids.length
        ? await tx.deleteFrom('ticket_participants').where('ticket_id', '=', t.id).where('customer_id', 'in', ids).executeTakeFirst()
        : { numDeletedRows: 0n };
      (Number(gone.numDeletedRows) > 0 ? changed : unchanged).push(email);
    }
    if (changed.length) await audit(tx, ctx, 'ticket.remove_participants', 'ticket', t.id, { protocol: t.protocol, removed: changed });
    return { id: t.id, protocol: t.protocol, participants: await participantsOf(tx, t.id), changed, unchanged };
  }, ctx.tenantId);
}

const parseEmails = (emails: string[]): string[] => {
  if (!Array.isArray(emails) || emails.length === 0) throw invalid('emails: give at least one e-mail');
  if (emails.length > 100) throw invalid('emails: at most 100 at a time');
  return [...new Set(parseInput(z.array(Email), emails, 'emails'))];
};

/** The ticket whose participants the actor changes: an admin's, or the requester's own (R39); never an internal one. */
async function participantTicket(tx: Tx, ctx: EngineContext, ref: string) {
  const t = await findTicket(tx, ctx, ref);
  const row = await tx.selectFrom('tickets').select(['requester_id', 'organization_id']).where('id', '=', t.id).executeTakeFirstOrThrow();
  if (ctx.actor.kind !== 'admin' && ctx.actor.customerId !== row.requester_id) {
    throw forbidden(`only the requester of ticket ${t.protocol} (${t.requester}) or an admin changes its participants (R39)`);
  }
  if (t.visibility === 'internal') throw precondition(`ticket ${t.protocol} is internal (staff only, R17): it has no participants`);
  return { ...t, requester_id: row.requester_id, organization_id: row.organization_id };
}
