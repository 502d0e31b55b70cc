import { sql } from 'kysely';
import { invalid, notFound, precondition } from '../core/errors.js';
import { Email, Name, Phone, TicketRequest, type Conversation, type ConversationDetail, type ConversationState, type ReceiveResult, type Settings } from '../core/schemas.js';
import { firstLine, renderTemplate, type TemplateKind, type Values, type WhatsappTemplate } from '../core/templates.js';
import { customerTexts, portalLinks, type CustomerTexts } from '../core/texts.js';
import { textProblem } from '../core/text.js';
import { parseInput } from '../core/validate.js';
import { PHONE_DIGITS, phoneDigits } from '../store/phone.js';
import type { Tx } from '../store/store.js';
import { audit, CUSTOMER_COLUMNS, notify, readSettings, type CustomerRow, type EngineContext } from './context.js';
import { insertCustomer } from './customers.js';
import { tenantTemplates, type TenantTemplates } from './templates.js';
import { openRequest, writeTicketAgent } from './tickets.js';
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

/** The longest text a WhatsApp message carries (the Cloud API's limit for a text body). */
const MAX_TEXT = 4096;
/** How far ahead of the helpdesk's clock a time given to `whatsapp receive --at` may be (clocks differ a little). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** `whatsapp receive --at`: a time a person typed in the future is a mistake, refused (the webhook's are taken as now). */
export function assertNotFuture(at: Date, now: Date): void {
  if (at.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) throw invalid(`at: ${at.toISOString()} is in the future (the helpdesk's clock says ${now.toISOString()})`);
}

/** One incoming message through the flow, answered with the conversation as it is now (`whatsapp receive`, the API). */
export async function receiveMessage(ctx: EngineContext, m: IncomingMessage): Promise<ReceiveResult> {
  return take(ctx, m, (tx, conversationId, duplicate, replies, settings) => result(tx, ctx, conversationId, duplicate, replies, settings));
}

/** The same for the webhook, which answers nothing but 200: no view of the conversation is read back. */
export async function takeMessage(ctx: EngineContext, m: IncomingMessage): Promise<{ duplicate: boolean; conversation: number }> {
  return take(ctx, m, async (_tx, conversation, duplicate) => ({ duplicate, conversation }));
}

async function take<T>(
  ctx: EngineContext,
  m: IncomingMessage,
  answer: (tx: Tx, conversationId: number, duplicate: boolean, replies: { text: string }[], settings: Settings) => Promise<T>,
): Promise<T> {
  // The one rule of what a phone is (core/schemas.ts Phone), for the webhook's senders as for a typed --from.
  const phone = phoneDigits(parseInput(Phone, m.from, 'from'));
  if (m.text !== null) {
    const problem = textProblem(m.text) ?? (m.text.length > MAX_TEXT ? `at most ${MAX_TEXT} characters (a WhatsApp message's limit)` : null);
    if (problem) throw invalid(`text: ${problem}`);
  }
  const now = ctx.now();
  if (m.at && Number.isNaN(m.at.getTime())) throw invalid('at: not a time');
  // A message is never from the future: a sender's clock ahead of the helpdesk's counts as now
  // (`whatsapp receive --at` refuses such a time before it gets here, see assertNotFuture).
  const at = m.at && m.at.getTime() <= now.getTime() ? m.at : now;
  return ctx.store.write(async (tx) => {
    const settings = await readSettings(tx, ctx.tenantId);
    if (m.id) {
      const seen = await tx.selectFrom('whatsapp_messages').select('conversation_id').where('tenant_id', '=', ctx.tenantId).where('wa_id', '=', m.id).executeTakeFirst();
      // R31: a delivery WhatsApp repeats has no second effect.
      if (seen) return answer(tx, seen.conversation_id, true, [], settings);
    }
    const flow = new Flow(tx, ctx, settings, phone, m, at);
    await flow.run();
    return answer(tx, flow.conversation.id, false, flow.replies, settings);
  }, ctx.tenantId);
}

/** The flow of one message through a conversation (R25-R30), inside its transaction. */
class Flow {
  readonly replies: { text: string }[] = [];
  readonly texts: CustomerTexts;
  private templates: TenantTemplates | null = null;
  readonly atIso: string;
  conversation!: ConversationViewRow;
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
    const live = await conversationQuery(this.tx, this.ctx.tenantId).where('cv.phone', '=', this.phone).where('cv.closed_at', 'is', null).executeTakeFirst();
    // R29 judged at the time the customer sent the message: a late delivery of a message sent while
    // the conversation was live still joins it (the lists judge by the helpdesk's clock).
    const end = live ? endOf(live, this.at, this.settings['whatsapp.closeAfterMinutes']) : null;
    if (live && !end) {
      this.conversation = live;
      this.customer = customerOf(live);
      return this.continue();
    }
    if (live && end) {
      await this.tx.updateTable('conversations').set({ closed_at: end.at, closed_by: end.reason }).where('id', '=', live.id).execute();
      await audit(this.tx, this.ctx, 'conversation.close', 'conversation', live.id, { reason: end.reason });
    }
    return this.start();
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
    this.conversation = await conversationQuery(this.tx, this.ctx.tenantId).where('cv.id', '=', id).executeTakeFirstOrThrow();
    await audit(this.tx, this.ctx, 'conversation.start', 'conversation', id, { phone: this.phone, customer: this.customer?.email ?? null, state });
    await this.record('request');
    if (state === 'open') return this.openTicket();
    if (state === 'awaiting_email') return this.reply('whatsapp_ask_email');
    if (state === 'awaiting_choice') return this.reply('whatsapp_choice');
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
          return this.reply('whatsapp_ask_email');
        }
        if (answer === '2') {
          await this.update({ state: 'human' });
          return this.reply('whatsapp_without_ticket');
        }
        return this.reply('whatsapp_choice_again');
      }
      case 'awaiting_email': {
        await this.record('answer');
        const email = Email.safeParse(this.message.text ?? '');
        if (email.success && !/\s/.test(email.data)) return this.withEmail(email.data);
        const attempts = c.attempts + 1;
        // R27: with the choice, `emailAttempts` wrong answers offer the choice again; R26: without it, asked until answered.
        if (c.via_choice === 1 && attempts >= this.settings['whatsapp.emailAttempts']) {
          await this.update({ state: 'awaiting_choice', via_choice: 0, attempts: 0 });
          return this.reply('whatsapp_attempts_used');
        }
        await this.update({ attempts });
        return this.reply('whatsapp_ask_email_again');
      }
    }
  }

  /** A later message of a conversation with a request: its ticket gets it, or its pending draft (R16). */
  private async follow(): Promise<void> {
    const c = this.conversation;
    if (c.draft_id !== null && c.pending_draft_id !== null) {
      const draft = await this.tx.selectFrom('drafts').select('message').where('id', '=', c.draft_id).executeTakeFirstOrThrow();
      await this.tx.updateTable('drafts').set({ message: `${draft.message}\n\n${this.ticketText()}`, updated_at: this.atIso }).where('id', '=', c.draft_id).execute();
      await audit(this.tx, this.ctx, 'draft.append', 'draft', c.draft_id, { conversation: c.id });
      return this.reply('whatsapp_draft_appended');
    }
    const ticketId = c.ticket_id ?? c.draft_ticket_id;
    const t = c.ticket_id !== null ? { status: c.ticket_status, protocol: c.ticket_protocol } : { status: c.draft_ticket_status, protocol: c.draft_ticket_protocol };
    if (ticketId === null) return;
    if (c.ticket_id === null) await this.update({ ticket_id: ticketId });
    await this.tx
      .insertInto('ticket_messages')
      .values({ ticket_id: ticketId, author: this.customer?.email ?? `whatsapp:${this.phone}`, body: this.ticketText(), created_at: this.atIso })
      .execute();
    // The customer answered: a ticket waiting for them is worked on again.
    const status = t.status === 'waiting' ? 'in_progress' : t.status!;
    await this.tx.updateTable('tickets').set({ status, updated_at: this.atIso }).where('id', '=', ticketId).execute();
    await audit(this.tx, this.ctx, 'ticket.message', 'ticket', ticketId, { protocol: t.protocol, channel: 'whatsapp', conversation: c.id, ...(status !== t.status ? { status } : {}) });
  }

  /** R26: a valid e-mail links the phone to its customer, or registers a new one, then the request opens. */
  private async withEmail(email: string): Promise<void> {
    let customer = (await this.tx.selectFrom('customers').select(CUSTOMER_COLUMNS).where('tenant_id', '=', this.ctx.tenantId).where('email', '=', email).where('deleted_at', 'is', null).executeTakeFirst()) ?? null;
    if (customer && customer.active !== 1) {
      // An inactive customer is not opened a ticket automatically (R25 speaks of active ones): a person goes on.
      this.customer = customer;
      await this.update({ state: 'human', customer_id: customer.id });
      return this.reply('whatsapp_cannot_open');
    }
    if (customer && customer.phone === null) {
      // The phone becomes the customer's. A customer with another phone keeps it: whoever knows an
      // e-mail may open a request for its customer, never take their phone away.
      await this.tx.updateTable('customers').set({ phone: `+${this.phone}` }).where('id', '=', customer.id).execute();
      await audit(this.tx, this.ctx, 'customer.set', 'customer', customer.id, { email, phone: `+${this.phone}`, source: 'whatsapp' });
      customer = { ...customer, phone: `+${this.phone}` };
    } else if (!customer) {
      const given = Name.safeParse(this.conversation.profile_name ?? '');
      const name = given.success ? given.data : email.slice(0, email.indexOf('@'));
      const phone = `+${this.phone}`;
      const id = await insertCustomer(
        this.tx,
        this.ctx,
        { email, name, phone, organizationId: null, manager: false, active: true, blockAutomatic: false },
        { organization: null, manager: false, source: 'whatsapp' },
      );
      const mail = await this.render('account_created', { recipient: name, email, link: portalLinks(this.settings['portal.url']).password(email) });
      await notify(this.tx, this.ctx, [{ kind: 'account_created', channel: 'email', to: email, subject: mail.subject, body: mail.text, refType: 'customer', refId: id }]);
      customer = { id, email, name, phone, organization_id: null, is_manager: 0, active: 1, block_automatic: 0 };
    }
    this.customer = customer;
    await this.update({ customer_id: customer.id, attempts: 0 });
    return this.openTicket();
  }

  /** R25: the ticket request with the defaults of R24, through R7 (so perhaps a draft); R28: the conversation's agent. */
  private async openTicket(): Promise<void> {
    const s = this.settings;
    const department = s['whatsapp.ticket.department'];
    if (!s['whatsapp.autoTicket'] || department === null || !this.customer) {
      // autoTicket was turned off while this conversation asked for an e-mail: a person goes on.
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
    const outcome = await openRequest(this.tx, this.ctx, req, { createdAt: this.at, fromConversation: true });
    if (outcome.outcome === 'draft') {
      await this.update({ state: 'open', draft_id: outcome.draft.id });
      return this.reply('whatsapp_draft_waiting');
    }
    await this.update({ state: 'open', ticket_id: outcome.ticket.id });
    if (this.conversation.agent_id !== null) await agentToTicket(this.tx, this.ctx, this.conversation.agent_id, outcome.ticket.id);
    return this.reply('whatsapp_ticket_opened', { protocol: outcome.ticket.protocol, subject: outcome.ticket.subject, link: portalLinks(s['portal.url']).ticket(outcome.ticket.protocol) });
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

  /**
   * R34: a template of the tenant (its override, or the built-in one) in its language, filled in
   * now: what the customer is sent is fixed when it is queued. The templates are read once per message.
   */
  private async render(kind: TemplateKind, values: Values) {
    this.templates ??= await tenantTemplates(this.tx, this.ctx.tenantId, this.settings.locale, this.settings['portal.url']);
    const t = this.templates;
    const recipient = this.customer?.name ?? this.conversation.profile_name;
    return renderTemplate(kind, t.locale, t.template(kind), { tenant: t.tenant, portal: t.portal, recipient, ...values });
  }

  /** An automatic message to the customer (a whatsapp_* template): an outbox row of channel `whatsapp` (R22), none for a customer who blocks them (R30). */
  private async reply(kind: WhatsappTemplate, values: Values = {}): Promise<void> {
    if (this.customer?.block_automatic === 1) return;
    const { text } = await this.render(kind, values);
    const [notification] = await notify(this.tx, this.ctx, [
      { kind: 'whatsapp_message', channel: 'whatsapp', to: this.phone, subject: firstLine(text), body: text, refType: 'conversation', refId: this.conversation.id },
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

  private async update(set: Partial<Pick<ConversationViewRow, 'state' | 'via_choice' | 'attempts' | 'customer_id' | 'ticket_id' | 'draft_id' | 'last_message_at' | 'profile_name'>>): Promise<void> {
    await this.tx.updateTable('conversations').set(set).where('id', '=', this.conversation.id).execute();
    this.conversation = { ...this.conversation, ...set };
  }

  private ticketText(): string {
    return this.textOf(this.message.type, this.message.text);
  }

  private textOf(type: string, body: string | null): string {
    return body?.trim() ? body : this.texts.noText({ type });
  }
}

/** R25: the active customer whose phone is this one, as digits; the oldest when several share it. */
async function customerByPhone(tx: Tx, tenantId: number, phone: string): Promise<CustomerRow | null> {
  return (
    (await tx
      .selectFrom('customers')
      .select(CUSTOMER_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where(sql.raw(PHONE_DIGITS), '=', phone)
      .where('phone', 'is not', null)
      .where('deleted_at', 'is', null)
      .where('active', '=', 1)
      .orderBy('id')
      .executeTakeFirst()) ?? null
  );
}

/**
 * R28: an agent of the ticket's department becomes its agent (audited as `ticket.assign`); an agent
 * of another department, or a closed ticket, leaves it as it is. Returns whether it changed.
 */
async function agentToTicket(tx: Tx, ctx: EngineContext, agentId: number, ticketId: number): Promise<boolean> {
  const t = await tx
    .selectFrom('tickets as t')
    .leftJoin('agents as a', 'a.id', 't.agent_id')
    .select(['t.id', 't.protocol', 't.status', 't.department_id', 't.agent_id', 'a.email as agent'])
    .where('t.id', '=', ticketId)
    .executeTakeFirstOrThrow();
  if (t.agent_id === agentId || t.status === 'closed') return false;
  const agent = await tx
    .selectFrom('agents as a')
    .innerJoin('agent_departments as ad', 'ad.agent_id', 'a.id')
    .select(['a.id', 'a.email'])
    .where('a.id', '=', agentId)
    .where('ad.department_id', '=', t.department_id)
    .executeTakeFirst();
  if (!agent) return false;
  await writeTicketAgent(tx, ctx, t, agent, { source: 'whatsapp' });
  return true;
}

/* ---- what a conversation looks like from outside ---- */

/** Everything about a conversation: its row, the names shown, and what says whether its request is over. */
function conversationQuery(tx: Tx, tenantId: number) {
  return tx
    .selectFrom('conversations as cv')
    .leftJoin('customers as c', 'c.id', 'cv.customer_id')
    .leftJoin('agents as a', 'a.id', 'cv.agent_id')
    .leftJoin('drafts as dr', 'dr.id', 'cv.draft_id')
    .leftJoin('tickets as ct', 'ct.id', 'cv.ticket_id')
    .leftJoin('tickets as dt', (j) => j.onRef('dt.draft_id', '=', 'cv.draft_id').on('dt.tenant_id', '=', tenantId))
    .leftJoin('draft_decisions as dd', 'dd.draft_id', 'cv.draft_id')
    .select([
      'cv.id',
      'cv.phone',
      'cv.customer_id',
      'cv.profile_name',
      'cv.state',
      'cv.via_choice',
      'cv.attempts',
      'cv.agent_id',
      'cv.ticket_id',
      'cv.draft_id',
      'cv.started_at',
      'cv.last_message_at',
      'cv.closed_at',
      'c.email as customer',
      'c.name as customer_name',
      'c.phone as customer_phone',
      'c.organization_id as customer_organization_id',
      'c.is_manager as customer_is_manager',
      'c.active as customer_active',
      'c.block_automatic as customer_block_automatic',
      'c.deleted_at as customer_removed_at',
      'a.email as agent',
      'dr.id as pending_draft_id',
      'dt.id as draft_ticket_id',
      'ct.status as ticket_status',
      'ct.protocol as ticket_protocol',
      'dt.protocol as draft_ticket_protocol',
      'ct.closed_at as ticket_closed_at',
      'dt.status as draft_ticket_status',
      'dt.closed_at as draft_ticket_closed_at',
      'dd.decided_at as draft_decided_at',
    ])
    .where('cv.tenant_id', '=', tenantId);
}
type ConversationViewRow = Awaited<ReturnType<ReturnType<typeof conversationQuery>['executeTakeFirstOrThrow']>>;
/** The conversation's customer, from the same row (no second read). */
const customerOf = (r: ConversationViewRow): CustomerRow | null =>
  r.customer_id === null || r.customer === null
    ? null
    : {
        id: r.customer_id,
        email: r.customer,
        name: r.customer_name!,
        phone: r.customer_phone,
        organization_id: r.customer_organization_id,
        is_manager: r.customer_is_manager!,
        active: r.customer_active!,
        block_automatic: r.customer_block_automatic!,
      };

type EndReason = 'timeout' | 'agent' | 'ticket_closed' | 'draft_rejected' | 'customer_removed';

/**
 * R29, once for the flow, the lists and the commands: when and why a conversation ended, or null
 * while it is live. It ends after `closeAfterMinutes` without a customer message, when an agent
 * closes it, when its ticket is closed, when its draft went without becoming a ticket (rejected,
 * or removed with its customer, R15), or when its customer was removed.
 */
function endOf(r: ConversationViewRow, clock: Date, closeAfterMinutes: number): { at: string; reason: EndReason } | null {
  if (r.closed_at !== null) return { at: r.closed_at, reason: 'agent' };
  const ends: { at: string; reason: EndReason }[] = [];
  const timeout = Date.parse(r.last_message_at) + closeAfterMinutes * 60_000;
  if (timeout < clock.getTime()) ends.push({ at: new Date(timeout).toISOString(), reason: 'timeout' });
  const closed = r.ticket_status === 'closed' ? r.ticket_closed_at : r.draft_ticket_status === 'closed' ? r.draft_ticket_closed_at : null;
  if (closed) ends.push({ at: closed, reason: 'ticket_closed' });
  if (r.ticket_id === null && r.draft_id !== null && r.pending_draft_id === null && r.draft_ticket_id === null) {
    ends.push({ at: r.draft_decided_at ?? r.customer_removed_at ?? r.last_message_at, reason: 'draft_rejected' });
  }
  if (r.customer_removed_at) ends.push({ at: r.customer_removed_at, reason: 'customer_removed' });
  if (ends.length === 0) return null;
  return ends.reduce((a, b) => (Date.parse(b.at) < Date.parse(a.at) ? b : a));
}

function toConversation(r: ConversationViewRow, clock: Date, closeAfterMinutes: number): Conversation {
  const end = endOf(r, clock, closeAfterMinutes);
  return {
    id: r.id,
    phone: r.phone,
    customer: r.customer,
    state: end ? 'closed' : (r.state as ConversationState),
    agent: r.agent,
    ticket: r.ticket_id ?? r.draft_ticket_id,
    draft: r.pending_draft_id,
    attempts: r.attempts,
    startedAt: r.started_at,
    lastMessageAt: r.last_message_at,
    closedAt: end?.at ?? null,
  };
}

async function result(tx: Tx, ctx: EngineContext, conversationId: number, duplicate: boolean, replies: { text: string }[], settings: Settings): Promise<ReceiveResult> {
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
  if (filter.phone !== undefined) q = q.where('cv.phone', '=', phoneDigits(parseInput(Phone, filter.phone, 'phone')));
  if (filter.customer !== undefined) q = q.where('c.email', '=', parseInput(Email, filter.customer, 'customer'));
  if (filter.state !== undefined) {
    // The SQL of endOf: a conversation is closed when any of its ends has come.
    q = q.where((eb) => {
      const ended = eb.or([
        eb('cv.closed_at', 'is not', null),
        eb('cv.last_message_at', '<', cutoff),
        eb('ct.status', '=', 'closed'),
        eb('dt.status', '=', 'closed'),
        eb.and([eb('cv.ticket_id', 'is', null), eb('cv.draft_id', 'is not', null), eb('dr.id', 'is', null), eb('dt.id', 'is', null)]),
        eb('c.deleted_at', 'is not', null),
      ]);
      return filter.state === 'closed' ? ended : eb.and([eb.not(ended), eb('cv.state', '=', filter.state!)]);
    });
  }
  if (filter.after) q = q.where('cv.id', '>', filter.after);
  if (filter.limit) q = q.limit(filter.limit);
  return (await q.execute()).map((r) => toConversation(r, now, settings['whatsapp.closeAfterMinutes']));
}

export async function getConversation(ctx: EngineContext, id: number): Promise<ConversationDetail> {
  const db = ctx.store.db;
  const row = await findConversation(db, ctx, id);
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

async function findConversation(tx: Tx, ctx: EngineContext, id: number): Promise<ConversationViewRow> {
  const c = await conversationQuery(tx, ctx.tenantId).where('cv.id', '=', id).executeTakeFirst();
  if (!c) throw notFound(`conversation ${id} not found`);
  return c;
}

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
    if (endOf(c, ctx.now(), settings['whatsapp.closeAfterMinutes'])) throw precondition(`conversation ${id} is closed; the customer's next message starts a new one`);
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
      const ticketId = c.ticket_id ?? c.draft_ticket_id;
      if (agentId !== null && ticketId !== null && settings['whatsapp.agentSync'] === 'creation-and-conversation') {
        ticketAgentChanged = await agentToTicket(tx, ctx, agentId, ticketId);
      }
      await audit(tx, ctx, email === null ? 'conversation.unassign' : 'conversation.assign', 'conversation', id, { agent: email });
    }
    const view = toConversation(await findConversation(tx, ctx, id), ctx.now(), settings['whatsapp.closeAfterMinutes']);
    return { ...view, changed, ticketAgentChanged };
  }, ctx.tenantId);
}

/** R29: an agent closes a conversation; the next message starts a new one. Closing a closed one is reported, not failed. */
export async function closeConversation(ctx: EngineContext, id: number): Promise<Conversation & { changed: boolean }> {
  return ctx.store.write(async (tx) => {
    const settings = await readSettings(tx, ctx.tenantId);
    const c = await findConversation(tx, ctx, id);
    const changed = !endOf(c, ctx.now(), settings['whatsapp.closeAfterMinutes']);
    if (changed) {
      await tx.updateTable('conversations').set({ closed_at: ctx.now().toISOString(), closed_by: 'agent' }).where('id', '=', id).execute();
      await audit(tx, ctx, 'conversation.close', 'conversation', id, { reason: 'agent' });
    }
    const view = toConversation(await findConversation(tx, ctx, id), ctx.now(), settings['whatsapp.closeAfterMinutes']);
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
      await audit(tx, ctx, 'whatsapp.status', 'whatsapp_message', m.id, { status: u.status });
      updated++;
    }
    return { updated };
  }, ctx.tenantId);
}
