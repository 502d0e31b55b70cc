import { sql } from 'kysely';
import { invalid, notFound, precondition } from '../core/errors.js';
import { Email, Name, TicketRequest, type Conversation, type ConversationDetail, type ConversationState, type ReceiveResult, type Settings } from '../core/schemas.js';
import { customerTexts, portalLinks, type CustomerTexts } from '../core/texts.js';
import { textProblem } from '../core/text.js';
import { parseInput } from '../core/validate.js';
import { PHONE_DIGITS, phoneDigits } from '../store/phone.js';
import type { Tx } from '../store/store.js';
import { audit, notify, readSettings, type CustomerRow, type EngineContext } from './context.js';
import { openRequest } from './tickets.js';
import { draftQuery, ticketQuery, toDraft, toTicket } from './views.js';

/**
 * The WhatsApp conversation engine (R24-R32): one incoming message is one transaction, which finds
 * or starts the phone's conversation, runs the flow of seed 002 (a known customer; the e-mail
 * asked for, or the 1/2 choice; a quick registration; the ticket request through R7), and writes
 * the message, the replies (outbox rows of channel `whatsapp`), the audit and any ticket or draft.
 *
 * Nothing runs in the background: a conversation is closed after `whatsapp.closeAfterMinutes`
 * without a customer message (R29), decided when the next message comes, and shown so by the
 * lists before that (the stored row is closed then).
 */

export type { Conversation as ConversationView, ReceiveResult };

/** One incoming WhatsApp message, from the webhook or `deskctl whatsapp receive`. */
export interface IncomingMessage {
  /** The sender's number as given; compared as digits only (`+55 11 91234-5678` is `5511912345678`). */
  from: string;
  /** WhatsApp's message id (`wamid.…`): one seen before has no second effect (R31). Absent: the message is not deduplicated. */
  id?: string | null;
  /** WhatsApp's message type (`text`, `image`, `audio`, …). */
  type: string;
  /** The text of a `text` message (or a caption); null when the message carries none. */
  text: string | null;
  /** The sender's WhatsApp profile name (the name of a customer registered from the conversation, R26). */
  name?: string | null;
  /** When the customer sent it (default: now). */
  at?: Date;
}

/** A delivery status of an outbound message (R32). */
export interface StatusUpdate {
  /** The id WhatsApp gave the outbound message. */
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  error?: string | null;
}

type ConversationRow = {
  id: number;
  phone: string;
  customer_id: number | null;
  profile_name: string | null;
  state: string;
  via_choice: number;
  attempts: number;
  agent_id: number | null;
  ticket_id: number | null;
  draft_id: number | null;
  started_at: string;
  last_message_at: string;
  closed_at: string | null;
};

const COLUMNS = ['id', 'phone', 'customer_id', 'profile_name', 'state', 'via_choice', 'attempts', 'agent_id', 'ticket_id', 'draft_id', 'started_at', 'last_message_at', 'closed_at'] as const;

/** The longest text a WhatsApp message carries (the Cloud API's limit for a text body). */
const MAX_TEXT = 4096;

export async function receiveMessage(ctx: EngineContext, m: IncomingMessage): Promise<ReceiveResult> {
  const phone = phoneDigits(m.from);
  if (phone.length < 8 || phone.length > 15) throw invalid(`from: "${m.from}" is not a phone number (8 to 15 digits with the country code)`);
  if (m.text !== null && (textProblem(m.text) || m.text.length > 4 * MAX_TEXT)) throw invalid(`text: ${textProblem(m.text) ?? 'longer than a WhatsApp message can be'}`);
  const at = m.at ?? ctx.now();
  if (Number.isNaN(at.getTime())) throw invalid('at: not a time');
  return ctx.store.write(async (tx) => {
    if (m.id) {
      const seen = await tx.selectFrom('whatsapp_messages').select('conversation_id').where('tenant_id', '=', ctx.tenantId).where('wa_id', '=', m.id).executeTakeFirst();
      // R31: a delivery WhatsApp repeats has no second effect.
      if (seen) return result(tx, ctx, seen.conversation_id, true, []);
    }
    const flow = new Flow(tx, ctx, await readSettings(tx, ctx.tenantId), phone, m, at);
    await flow.run();
    return result(tx, ctx, flow.conversation.id, false, flow.replies);
  }, ctx.tenantId);
}

/** The flow of one message through a conversation (R25-R30), inside its transaction. */
class Flow {
  readonly replies: { text: string }[] = [];
  readonly texts: CustomerTexts;
  readonly atIso: string;
  conversation!: ConversationRow;
  customer: CustomerRow | null = null;

  constructor(
    readonly tx: Tx,
    readonly ctx: EngineContext,
    readonly settings: Settings,
    readonly phone: string,
    readonly message: IncomingMessage,
    readonly at: Date,
  ) {
    this.texts = customerTexts(settings.locale);
    this.atIso = at.toISOString();
  }

  async run(): Promise<void> {
    const live = await this.tx.selectFrom('conversations').select(COLUMNS).where('tenant_id', '=', this.ctx.tenantId).where('phone', '=', this.phone).where('closed_at', 'is', null).executeTakeFirst();
    const ended = live ? await this.ended(live) : null;
    if (live && !ended) {
      this.conversation = live;
      this.customer = live.customer_id === null ? null : await customerById(this.tx, live.customer_id);
      return this.continue();
    }
    if (live && ended) await this.close(live, ended);
    return this.start();
  }

  /** R29, and a request that is over: the conversation ends before this message. */
  private async ended(c: ConversationRow): Promise<'timeout' | 'ticket_closed' | 'draft_rejected' | null> {
    if (Date.parse(c.last_message_at) + this.settings['whatsapp.closeAfterMinutes'] * 60_000 < this.at.getTime()) return 'timeout';
    if (c.state !== 'open') return null;
    const ticketId = c.ticket_id ?? (c.draft_id === null ? null : await this.ticketOfDraft(c.draft_id));
    if (ticketId !== null) {
      const t = await this.tx.selectFrom('tickets').select('status').where('id', '=', ticketId).executeTakeFirst();
      return t?.status === 'closed' ? 'ticket_closed' : null;
    }
    if (c.draft_id !== null && !(await this.draftPending(c.draft_id))) return 'draft_rejected';
    return null;
  }

  private async close(c: ConversationRow, reason: 'timeout' | 'ticket_closed' | 'draft_rejected'): Promise<void> {
    const closedAt =
      reason === 'timeout' ? new Date(Date.parse(c.last_message_at) + this.settings['whatsapp.closeAfterMinutes'] * 60_000).toISOString() : this.atIso;
    await this.tx.updateTable('conversations').set({ closed_at: closedAt, closed_by: reason }).where('id', '=', c.id).execute();
    await audit(this.tx, this.ctx, 'conversation.close', 'conversation', c.id, { reason });
  }

  /** A message with no live conversation starts one (R25-R27). */
  private async start(): Promise<void> {
    this.customer = await customerByPhone(this.tx, this.ctx.tenantId, this.phone);
    const auto = this.settings['whatsapp.autoTicket'];
    const state: ConversationState = this.customer || !auto ? (auto ? 'open' : 'human') : this.settings['whatsapp.emailRequired'] ? 'awaiting_email' : 'awaiting_choice';
    const { id } = await this.tx
      .insertInto('conversations')
      .values({
        tenant_id: this.ctx.tenantId,
        phone: this.phone,
        customer_id: this.customer?.id ?? null,
        profile_name: this.message.name?.trim() || null,
        state,
        started_at: this.atIso,
        last_message_at: this.atIso,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    this.conversation = (await this.tx.selectFrom('conversations').select(COLUMNS).where('id', '=', id).executeTakeFirstOrThrow()) as ConversationRow;
    await audit(this.tx, this.ctx, 'conversation.start', 'conversation', id, { phone: this.phone, customer: this.customer?.email ?? null, state });
    await this.record('request');
    if (state === 'open') return this.openTicket();
    if (state === 'awaiting_email') return this.reply(this.texts.askEmail());
    if (state === 'awaiting_choice') return this.reply(this.texts.choice());
  }

  private async continue(): Promise<void> {
    const c = this.conversation;
    switch (c.state as ConversationState) {
      case 'human':
        return this.record(null);
      case 'open':
        await this.record('request');
        return this.follow();
      case 'awaiting_choice': {
        await this.record('answer');
        const answer = this.message.text?.trim();
        if (answer === '1') {
          await this.update({ state: 'awaiting_email', via_choice: 1, attempts: 0 });
          return this.reply(this.texts.askEmail());
        }
        if (answer === '2') {
          await this.update({ state: 'human' });
          return this.reply(this.texts.withoutTicket());
        }
        return this.reply(this.texts.choice());
      }
      case 'awaiting_email': {
        await this.record('answer');
        const email = Email.safeParse(this.message.text ?? '');
        if (email.success && !/\s/.test(email.data)) return this.withEmail(email.data);
        const attempts = c.attempts + 1;
        // R27: with the choice, `emailAttempts` wrong answers offer the choice again; R26: without it, asked until answered.
        if (c.via_choice === 1 && attempts >= this.settings['whatsapp.emailAttempts']) {
          await this.update({ state: 'awaiting_choice', via_choice: 0, attempts: 0 });
          return this.reply(this.texts.choice());
        }
        await this.update({ attempts });
        return this.reply(this.texts.askEmailAgain());
      }
    }
  }

  /** A later message of a conversation with a request: its ticket gets it, or its pending draft (R16). */
  private async follow(): Promise<void> {
    const c = this.conversation;
    if (c.ticket_id === null && c.draft_id !== null && (await this.draftPending(c.draft_id))) {
      const draft = await this.tx.selectFrom('drafts').select('message').where('id', '=', c.draft_id).executeTakeFirstOrThrow();
      await this.tx.updateTable('drafts').set({ message: `${draft.message}\n\n${this.ticketText()}`, updated_at: this.atIso }).where('id', '=', c.draft_id).execute();
      await audit(this.tx, this.ctx, 'draft.append', 'draft', c.draft_id, { conversation: String(c.id) });
      return this.reply(this.texts.draftAppended());
    }
    const ticketId = c.ticket_id ?? (c.draft_id === null ? null : await this.ticketOfDraft(c.draft_id));
    if (ticketId === null) return;
    if (c.ticket_id === null) await this.update({ ticket_id: ticketId });
    await this.tx
      .insertInto('ticket_messages')
      .values({ ticket_id: ticketId, author: this.customer?.email ?? `whatsapp:${this.phone}`, body: this.ticketText(), created_at: this.atIso })
      .execute();
    await this.tx.updateTable('tickets').set({ updated_at: this.atIso }).where('id', '=', ticketId).execute();
  }

  /** R26: a valid e-mail links the phone to its customer, or registers a new one, then the request opens. */
  private async withEmail(email: string): Promise<void> {
    const tid = this.ctx.tenantId;
    let customer = await this.tx
      .selectFrom('customers')
      .select(['id', 'email', 'name', 'phone', 'organization_id', 'is_manager', 'active', 'block_automatic'])
      .where('tenant_id', '=', tid)
      .where('email', '=', email)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (customer && customer.active !== 1) {
      // An inactive customer is not opened a ticket automatically (R25 speaks of active ones): a person goes on.
      this.customer = customer;
      await this.update({ state: 'human', customer_id: customer.id });
      return this.reply(this.texts.cannotOpen());
    }
    if (customer) {
      if (customer.phone === null || phoneDigits(customer.phone) !== this.phone) {
        await this.tx.updateTable('customers').set({ phone: `+${this.phone}` }).where('id', '=', customer.id).execute();
        await audit(this.tx, this.ctx, 'customer.set', 'customer', customer.id, { email, phone: `+${this.phone}`, from: customer.phone, source: 'whatsapp' });
        customer = { ...customer, phone: `+${this.phone}` };
      }
    } else {
      const given = Name.safeParse(this.conversation.profile_name ?? '');
      const name = given.success ? given.data : email.slice(0, email.indexOf('@'));
      const { id } = await this.tx
        .insertInto('customers')
        .values({ tenant_id: tid, email, name, phone: `+${this.phone}`, organization_id: null, is_manager: 0, active: 1, created_at: this.atIso })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(this.tx, this.ctx, 'customer.add', 'customer', id, { email, organization: null, manager: false, source: 'whatsapp' });
      const mail = this.texts.accountCreated({ name, link: portalLinks(this.settings['portal.url']).password(email) });
      await notify(this.tx, this.ctx, [{ kind: 'account_created', channel: 'email', to: email, subject: mail.subject, body: mail.body, refType: 'customer', refId: id }]);
      customer = (await customerById(this.tx, id))!;
    }
    this.customer = customer;
    await this.update({ customer_id: customer.id, attempts: 0 });
    return this.openTicket();
  }

  /** R25: the ticket request with the defaults of R24, through R7 (so perhaps a draft); R28: the conversation's agent. */
  private async openTicket(): Promise<void> {
    const s = this.settings;
    const department = s['whatsapp.ticket.department'];
    if (department === null || !this.customer) {
      // autoTicket was turned off (and its department unset) while this conversation asked for an e-mail.
      await this.update({ state: 'human' });
      return;
    }
    const requests = await this.tx
      .selectFrom('whatsapp_messages')
      .select(['type', 'body'])
      .where('conversation_id', '=', this.conversation.id)
      .where('direction', '=', 'in')
      .where('role', '=', 'request')
      .orderBy('id')
      .execute();
    const message = requests.map((r) => this.textOf(r.type, r.body)).join('\n\n');
    const req = parseInput(TicketRequest, {
      requester: this.customer.email,
      department,
      category: s['whatsapp.ticket.category'],
      subject: s['whatsapp.ticket.title'] ?? this.texts.defaultTitle(),
      message,
      channel: 'whatsapp',
      conversation: String(this.conversation.id),
      type: s['whatsapp.ticket.type'],
      priority: s['whatsapp.ticket.priority'],
    });
    const outcome = await openRequest(this.tx, this.ctx, req, { createdAt: this.at });
    if (outcome.outcome === 'draft') {
      await this.update({ state: 'open', draft_id: outcome.draft.id });
      return this.reply(this.texts.draftWaiting());
    }
    await this.update({ state: 'open', ticket_id: outcome.ticket.id });
    if (this.conversation.agent_id !== null) await agentToTicket(this.tx, this.conversation.agent_id, outcome.ticket.id);
    return this.reply(this.texts.ticketOpened({ protocol: outcome.ticket.protocol, link: portalLinks(s['portal.url']).ticket(outcome.ticket.protocol) }));
  }

  /** The message itself, in the conversation's history (and its id, so a repeat has no effect, R31). */
  private async record(role: 'request' | 'answer' | null): Promise<void> {
    const m = this.message;
    await this.tx
      .insertInto('whatsapp_messages')
      .values({
        tenant_id: this.ctx.tenantId,
        conversation_id: this.conversation.id,
        direction: 'in',
        wa_id: m.id ?? null,
        type: m.type,
        body: m.text,
        role,
        created_at: this.atIso,
      })
      .execute();
    const last = this.conversation.last_message_at > this.atIso ? this.conversation.last_message_at : this.atIso;
    await this.update({ last_message_at: last, profile_name: m.name?.trim() || this.conversation.profile_name });
  }

  /** An automatic message to the customer: an outbox row of channel `whatsapp` (R22), none for a customer who blocks them (R30). */
  private async reply(text: string): Promise<void> {
    if (this.customer?.block_automatic === 1) return;
    const [notification] = await notify(this.tx, this.ctx, [
      { kind: 'whatsapp_message', channel: 'whatsapp', to: this.phone, subject: subjectOf(text), body: text, refType: 'conversation', refId: this.conversation.id },
    ]);
    await this.tx
      .insertInto('whatsapp_messages')
      .values({
        tenant_id: this.ctx.tenantId,
        conversation_id: this.conversation.id,
        direction: 'out',
        type: 'text',
        body: text,
        notification_id: notification!,
        status: 'queued',
        created_at: this.atIso,
      })
      .execute();
    this.replies.push({ text });
  }

  private async update(set: Partial<Omit<ConversationRow, 'id'>>): Promise<void> {
    await this.tx.updateTable('conversations').set(set).where('id', '=', this.conversation.id).execute();
    this.conversation = { ...this.conversation, ...set };
  }

  private ticketText(): string {
    return this.textOf(this.message.type, this.message.text);
  }

  private textOf(type: string, body: string | null): string {
    return body?.trim() ? body : this.texts.noText({ type });
  }

  private async draftPending(draftId: number): Promise<boolean> {
    return Boolean(await this.tx.selectFrom('drafts').select('id').where('id', '=', draftId).executeTakeFirst());
  }

  private async ticketOfDraft(draftId: number): Promise<number | null> {
    const t = await this.tx.selectFrom('tickets').select('id').where('tenant_id', '=', this.ctx.tenantId).where('draft_id', '=', draftId).executeTakeFirst();
    return t?.id ?? null;
  }
}

/** A notification's subject line: the text's first line, cut short. */
const subjectOf = (text: string) => {
  const line = text.split('\n', 1)[0]!;
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
};

async function customerById(tx: Tx, id: number): Promise<CustomerRow | null> {
  return (
    (await tx.selectFrom('customers').select(['id', 'email', 'name', 'phone', 'organization_id', 'is_manager', 'active', 'block_automatic']).where('id', '=', id).executeTakeFirst()) ??
    null
  );
}

/** R25: the active customer whose phone is this one, as digits; the oldest when several share it. */
async function customerByPhone(tx: Tx, tenantId: number, phone: string): Promise<CustomerRow | null> {
  return (
    (await tx
      .selectFrom('customers')
      .select(['id', 'email', 'name', 'phone', 'organization_id', 'is_manager', 'active', 'block_automatic'])
      .where('tenant_id', '=', tenantId)
      .where(sql.raw(PHONE_DIGITS), '=', phone)
      .where('phone', 'is not', null)
      .where('deleted_at', 'is', null)
      .where('active', '=', 1)
      .orderBy('id')
      .executeTakeFirst()) ?? null
  );
}

/** R28: an agent of the ticket's department becomes its agent; any other leaves the ticket as it is. Returns whether it changed. */
async function agentToTicket(tx: Tx, agentId: number, ticketId: number): Promise<boolean> {
  const t = await tx.selectFrom('tickets').select(['department_id', 'agent_id']).where('id', '=', ticketId).executeTakeFirstOrThrow();
  if (t.agent_id === agentId) return false;
  const member = await tx.selectFrom('agent_departments').select('agent_id').where('agent_id', '=', agentId).where('department_id', '=', t.department_id).executeTakeFirst();
  if (!member) return false;
  await tx.updateTable('tickets').set({ agent_id: agentId }).where('id', '=', ticketId).execute();
  return true;
}

/* ---- what a conversation looks like from outside ---- */

function conversationQuery(tx: Tx, tenantId: number) {
  return tx
    .selectFrom('conversations as cv')
    .leftJoin('customers as c', 'c.id', 'cv.customer_id')
    .leftJoin('agents as a', 'a.id', 'cv.agent_id')
    .leftJoin('drafts as dr', 'dr.id', 'cv.draft_id')
    .leftJoin('tickets as dt', (j) => j.onRef('dt.draft_id', '=', 'cv.draft_id').on('dt.tenant_id', '=', tenantId))
    .select([
      'cv.id',
      'cv.phone',
      'c.email as customer',
      'cv.state',
      'a.email as agent',
      'cv.ticket_id',
      'dt.id as draft_ticket_id',
      'dr.id as pending_draft_id',
      'cv.attempts',
      'cv.started_at',
      'cv.last_message_at',
      'cv.closed_at',
    ])
    .where('cv.tenant_id', '=', tenantId);
}
type ConversationViewRow = Awaited<ReturnType<ReturnType<typeof conversationQuery>['executeTakeFirstOrThrow']>>;

/** R29: a conversation past `closeAfterMinutes` without a customer message is closed, stored so yet or not. */
function toConversation(r: ConversationViewRow, now: Date, closeAfterMinutes: number): Conversation {
  const timeout = Date.parse(r.last_message_at) + closeAfterMinutes * 60_000;
  const closedAt = r.closed_at ?? (timeout < now.getTime() ? new Date(timeout).toISOString() : null);
  return {
    id: r.id,
    phone: r.phone,
    customer: r.customer,
    state: closedAt ? 'closed' : (r.state as ConversationState),
    agent: r.agent,
    ticket: r.ticket_id ?? r.draft_ticket_id,
    draft: r.pending_draft_id,
    attempts: r.attempts,
    startedAt: r.started_at,
    lastMessageAt: r.last_message_at,
    closedAt,
  };
}

async function result(tx: Tx, ctx: EngineContext, conversationId: number, duplicate: boolean, replies: { text: string }[]): Promise<ReceiveResult> {
  const settings = await readSettings(tx, ctx.tenantId);
  const conversation = toConversation(await conversationQuery(tx, ctx.tenantId).where('cv.id', '=', conversationId).executeTakeFirstOrThrow(), ctx.now(), settings['whatsapp.closeAfterMinutes']);
  const ticket = conversation.ticket === null ? null : toTicket(await ticketQuery(tx, ctx.tenantId).where('t.id', '=', conversation.ticket).executeTakeFirstOrThrow());
  const draft = conversation.draft === null ? null : toDraft(await draftQuery(tx, ctx.tenantId).where('dr.id', '=', conversation.draft).executeTakeFirstOrThrow());
  return { duplicate, conversation, replies, ticket, draft };
}

export interface ConversationFilter {
  state?: ConversationState;
  phone?: string;
  customer?: string;
  limit?: number;
  after?: number;
}

export async function listConversations(ctx: EngineContext, filter: ConversationFilter): Promise<Conversation[]> {
  const db = ctx.store.db;
  const settings = await readSettings(db, ctx.tenantId);
  const now = ctx.now();
  const cutoff = ctx.store.dialect.instant(new Date(now.getTime() - settings['whatsapp.closeAfterMinutes'] * 60_000).toISOString());
  let q = conversationQuery(db, ctx.tenantId).orderBy('cv.id');
  if (filter.phone !== undefined) q = q.where('cv.phone', '=', phoneDigits(filter.phone));
  if (filter.customer !== undefined) q = q.where('c.email', '=', parseInput(Email, filter.customer, 'customer'));
  if (filter.state === 'closed') q = q.where((eb) => eb.or([eb('cv.closed_at', 'is not', null), eb('cv.last_message_at', '<', cutoff)]));
  else if (filter.state !== undefined) q = q.where('cv.closed_at', 'is', null).where('cv.last_message_at', '>=', cutoff).where('cv.state', '=', filter.state);
  if (filter.after) q = q.where('cv.id', '>', filter.after);
  if (filter.limit) q = q.limit(filter.limit);
  return (await q.execute()).map((r) => toConversation(r, now, settings['whatsapp.closeAfterMinutes']));
}

export async function getConversation(ctx: EngineContext, id: number): Promise<ConversationDetail> {
  const db = ctx.store.db;
  const row = await conversationQuery(db, ctx.tenantId).where('cv.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`conversation ${id} not found`);
  const settings = await readSettings(db, ctx.tenantId);
  const messages = await db
    .selectFrom('whatsapp_messages')
    .select(['id', 'direction', 'type', 'body', 'wa_id', 'status', 'created_at'])
    .where('conversation_id', '=', id)
    .orderBy('id')
    .execute();
  return {
    ...toConversation(row, ctx.now(), settings['whatsapp.closeAfterMinutes']),
    messages: messages.map((m) => ({ id: m.id, direction: m.direction as 'in' | 'out', type: m.type, text: m.body, waId: m.wa_id, status: m.status, createdAt: m.created_at })),
  };
}

async function findConversation(tx: Tx, ctx: EngineContext, id: number): Promise<ConversationRow> {
  const c = await tx.selectFrom('conversations').select(COLUMNS).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!c) throw notFound(`conversation ${id} not found`);
  return c as ConversationRow;
}

const isOver = (c: ConversationRow, now: Date, settings: Settings) =>
  c.closed_at !== null || Date.parse(c.last_message_at) + settings['whatsapp.closeAfterMinutes'] * 60_000 < now.getTime();

/**
 * R28: a conversation's agent (null: none). When its ticket is open and `agentSync` is
 * `creation-and-conversation`, an agent of the ticket's department becomes the ticket's agent too.
 */
export async function assignConversation(ctx: EngineContext, id: number, agentEmail: string | null): Promise<Conversation & { changed: boolean; ticketAgentChanged: boolean }> {
  const email = agentEmail === null ? null : parseInput(Email, agentEmail, 'agent');
  return ctx.store.write(async (tx) => {
    const settings = await readSettings(tx, ctx.tenantId);
    const c = await findConversation(tx, ctx, id);
    // Closed conversations are history: nothing changes them.
    if (isOver(c, ctx.now(), settings)) throw precondition(`conversation ${id} is closed; the customer's next message starts a new one`);
    let agentId: number | null = null;
    if (email !== null) {
      const agent = await tx.selectFrom('agents').select('id').where('tenant_id', '=', ctx.tenantId).where('email', '=', email).executeTakeFirst();
      if (!agent) throw notFound(`agent ${email} not found`);
      agentId = agent.id;
    }
    const changed = c.agent_id !== agentId;
    let ticketAgentChanged = false;
    if (changed) {
      await tx.updateTable('conversations').set({ agent_id: agentId }).where('id', '=', id).execute();
      const ticketId = c.ticket_id ?? (c.draft_id === null ? null : ((await tx.selectFrom('tickets').select('id').where('draft_id', '=', c.draft_id).executeTakeFirst())?.id ?? null));
      if (agentId !== null && ticketId !== null && settings['whatsapp.agentSync'] === 'creation-and-conversation') {
        ticketAgentChanged = await agentToTicket(tx, agentId, ticketId);
      }
      await audit(tx, ctx, email === null ? 'conversation.unassign' : 'conversation.assign', 'conversation', id, { agent: email, ticket: ticketAgentChanged ? ticketId : null });
    }
    const view = toConversation(await conversationQuery(tx, ctx.tenantId).where('cv.id', '=', id).executeTakeFirstOrThrow(), ctx.now(), settings['whatsapp.closeAfterMinutes']);
    return { ...view, changed, ticketAgentChanged };
  }, ctx.tenantId);
}

/** R29: an agent closes a conversation; the next message starts a new one. Closing a closed one is reported, not failed. */
export async function closeConversation(ctx: EngineContext, id: number): Promise<Conversation & { changed: boolean }> {
  return ctx.store.write(async (tx) => {
    const settings = await readSettings(tx, ctx.tenantId);
    const c = await findConversation(tx, ctx, id);
    const changed = !isOver(c, ctx.now(), settings);
    if (changed) {
      await tx.updateTable('conversations').set({ closed_at: ctx.now().toISOString(), closed_by: 'agent' }).where('id', '=', id).execute();
      await audit(tx, ctx, 'conversation.close', 'conversation', id, { reason: 'agent' });
    }
    const view = toConversation(await conversationQuery(tx, ctx.tenantId).where('cv.id', '=', id).executeTakeFirstOrThrow(), ctx.now(), settings['whatsapp.closeAfterMinutes']);
    return { ...view, changed };
  }, ctx.tenantId);
}

const STATUS_RANK = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 } as const;

/**
 * R32: delivery statuses update the outbound message they name. They come in any order (R31): a
 * status never moves a message back (`read` stays read when a late `delivered` arrives); `failed`
 * is final. A status of a message this tenant never sent changes nothing.
 */
export async function updateMessageStatuses(ctx: EngineContext, updates: StatusUpdate[]): Promise<{ updated: number }> {
  if (updates.length === 0) return { updated: 0 };
  return ctx.store.write(async (tx) => {
    let updated = 0;
    for (const u of updates) {
      const m = await tx.selectFrom('whatsapp_messages').select(['id', 'status']).where('tenant_id', '=', ctx.tenantId).where('wa_id', '=', u.id).where('direction', '=', 'out').executeTakeFirst();
      if (!m) continue;
      const before = STATUS_RANK[(m.status ?? 'queued') as keyof typeof STATUS_RANK] ?? 0;
      if (STATUS_RANK[u.status] <= before) continue;
      await tx
        .updateTable('whatsapp_messages')
        .set({ status: u.status, status_at: u.at.toISOString(), error: u.status === 'failed' ? (u.error ?? 'failed') : null })
        .where('id', '=', m.id)
        .execute();
      updated++;
    }
    return { updated };
  }, ctx.tenantId);
}
