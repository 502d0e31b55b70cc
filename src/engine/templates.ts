import type { ClaimedRow } from './outbox.js';
import type { Kysely } from 'kysely';
import { DEFAULT_SETTINGS, LOCALES, type Locale } from '../core/model.js';
import {
  type RenderedTemplate,
  builtinTemplate,
  checkTemplate,
  FIELDS,
  htmlFromText,
  isTemplateKind,
  isValidTemplate,
  joinNames,
  KIND_FIELDS,
  renderTemplate,
  statusLabel,
  TEMPLATE_KINDS,
  templateKind,
  templateLocale,
  waitingWords,
  type Field,
  type Template,
  type TemplateKind,
  type Values,
} from '../core/templates.js';
import { invalid } from '../core/errors.js';
import { portalLinks } from '../core/texts.js';
import type { Tx } from '../store/store.js';
import type { DB } from '../store/types.js';
import { activeManagersQuery, audit, readSettings, type EngineContext } from './context.js';

/*
 * R34: a tenant's templates (its overrides in table `templates`, or the built-in ones of
 * core/templates.ts) and the rendering of queued notifications from them and from the facts of
 * what each is about, for the dispatcher.
 */

/* ---- the tenant's templates: list, show, set, reset ---- */

/** One template of the tenant (`templates list`). */
export interface TemplateInfo {
  kind: TemplateKind;
  locale: Locale;
  /** Whether the tenant overrides the built-in template. */
  overridden: boolean;
  /** The subject in effect (the override's, or the built-in one); null for a WhatsApp reply. */
  subject: string | null;
  /** When the override was set; null for a built-in template. */
  updatedAt: string | null;
}

/** One template in full (`templates show`): its body and the fields it may use. */
export interface TemplateDetail extends TemplateInfo {
  body: string;
  fields: { name: Field; description: string }[];
}

/** What `templates set` and `reset` did: the template in effect now, and whether anything changed. */
export interface TemplateChange extends TemplateDetail {
  changed: boolean;
}

interface StoredTemplate {
  kind: string;
  locale: string;
  subject: string | null;
  body: string;
  updated_at: string;
}

const detail = (kind: TemplateKind, locale: Locale, stored: StoredTemplate | undefined): TemplateDetail => {
  const builtin = builtinTemplate(kind, locale);
  return {
    kind,
    locale,
    overridden: stored !== undefined,
    subject: builtin.subject === null ? null : (stored?.subject ?? builtin.subject),
    updatedAt: stored ? new Date(stored.updated_at).toISOString() : null,
    body: stored?.body ?? builtin.body,
    fields: KIND_FIELDS[kind].map((name) => ({ name, description: FIELDS[name] })),
  };
};

async function storedTemplate(tx: Tx, tenantId: number, kind: TemplateKind, locale: Locale): Promise<StoredTemplate | undefined> {
  return tx
    .selectFrom('templates')
    .select(['kind', 'locale', 'subject', 'body', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    .where('locale', '=', locale)
    .executeTakeFirst();
}

/** Every template, each kind in each locale, overridden or built-in. */
export async function listTemplates(ctx: EngineContext): Promise<TemplateInfo[]> {
  const rows = await ctx.store.db.selectFrom('templates').select(['kind', 'locale', 'subject', 'body', 'updated_at']).where('tenant_id', '=', ctx.tenantId).execute();
  const byKey = new Map(rows.map((r) => [`${r.kind}\0${r.locale}`, r]));
  return TEMPLATE_KINDS.flatMap((kind) =>
    LOCALES.map((locale) => {
      const { body: _body, fields: _fields, ...info } = detail(kind, locale, byKey.get(`${kind}\0${locale}`));
      return info;
    }),
  );
}

/** One template in effect; the tenant's `locale` when none is given. */
export async function showTemplate(ctx: EngineContext, kind: string, locale?: string): Promise<TemplateDetail> {
  const k = templateKind(kind);
  const l = locale === undefined ? (await readSettings(ctx.store.db, ctx.tenantId)).locale : templateLocale(locale);
  return detail(k, l, await storedTemplate(ctx.store.db, ctx.tenantId, k, l));
}

export interface TemplateInput {
  locale: string;
  /** Absent: the subject the template has now (the override's, or the built-in one). */
  subject?: string | null;
  body: string;
}

/**
 * Overrides a template (R34), checked first: a template that refers to an unknown field, uses a
 * partial or unescaped output, or does not parse is refused (invalid input) and nothing is
 * written. Setting what is already in effect is reported, not failed.
 */
export async function setTemplate(ctx: EngineContext, kind: string, input: TemplateInput): Promise<TemplateChange> {
  const k = templateKind(kind);
  if (input === null || typeof input !== 'object') throw invalid('body: expected {locale, subject?, body}');
  if (typeof input.locale !== 'string') throw invalid(`locale: required (${LOCALES.join(' or ')})`);
  const l = templateLocale(input.locale);
  if (typeof input.body !== 'string') throw invalid('body: required, the text of the template');
  if (input.subject !== undefined && input.subject !== null && typeof input.subject !== 'string') throw invalid('subject: expected a text');
  return ctx.store.write(async (tx) => {
    const stored = await storedTemplate(tx, ctx.tenantId, k, l);
    const subject = input.subject === undefined || input.subject === null ? (stored?.subject ?? null) : input.subject;
    const t = checkTemplate(k, l, { subject, body: input.body });
    if (stored && stored.subject === t.subject && stored.body === t.body) return { ...detail(k, l, stored), changed: false };
    // The built-in words again are the built-in template, not an override of it: a reset.
    const builtin = builtinTemplate(k, l);
    if ((t.subject ?? builtin.subject) === builtin.subject && t.body === builtin.body) {
      return { ...detail(k, l, undefined), changed: await dropOverride(tx, ctx, k, l) };
    }
    const at = ctx.now().toISOString();
    const row = { tenant_id: ctx.tenantId, kind: k, locale: l, subject: t.subject, body: t.body, updated_at: at };
    await tx
      .insertInto('templates')
      .values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'kind', 'locale']).doUpdateSet({ subject: t.subject, body: t.body, updated_at: at }))
      .execute();
    await audit(tx, ctx, 'template.set', 'template', `${k}/${l}`, { kind: k, locale: l, subject: t.subject, characters: t.body.length, replaced: stored !== undefined });
    return { ...detail(k, l, row), changed: true };
  }, ctx.tenantId);
}

/** Back to the built-in template; a template that is not overridden is reported, not failed. */
export async function resetTemplate(ctx: EngineContext, kind: string, locale: string | undefined): Promise<TemplateChange> {
  const k = templateKind(kind);
  if (typeof locale !== 'string') throw invalid(`locale: required (${LOCALES.join(' or ')})`);
  const l = templateLocale(locale);
  return ctx.store.write(async (tx) => ({ ...detail(k, l, undefined), changed: await dropOverride(tx, ctx, k, l) }), ctx.tenantId);
}

/** Removes a tenant's override (with its audit row); whether there was one. */
async function dropOverride(tx: Tx, ctx: EngineContext, k: TemplateKind, l: Locale): Promise<boolean> {
  const removed = await tx.deleteFrom('templates').where('tenant_id', '=', ctx.tenantId).where('kind', '=', k).where('locale', '=', l).returning('kind').execute();
  if (removed.length) await audit(tx, ctx, 'template.reset', 'template', `${k}/${l}`, { kind: k, locale: l });
  return removed.length > 0;
}

/* ---- the templates in effect, for rendering ---- */

/** A tenant's overrides by kind and locale; a stored template that no longer passes is passed over (the built-in one is used). */
class Overrides {
  private readonly byKey = new Map<string, Template>();

  add(kind: string, locale: string, t: Template): void {
    if (!isTemplateKind(kind) || !(LOCALES as readonly string[]).includes(locale)) return;
    if (isValidTemplate(kind, locale as Locale, t)) this.byKey.set(`${kind}\0${locale}`, t);
  }

  template(kind: TemplateKind, locale: Locale): Template {
    const own = this.byKey.get(`${kind}\0${locale}`);
    const builtin = builtinTemplate(kind, locale);
    return own ? { subject: own.subject ?? builtin.subject, body: own.body } : builtin;
  }
}

/** What the WhatsApp flow renders its replies with (one read per message, on the first reply). */
export interface TenantTemplates {
  tenant: string;
  locale: Locale;
  portal: string | null;
  template(kind: TemplateKind): Template;
}

/** The tenant's name and its templates in effect in one language, in one query. */
export async function tenantTemplates(tx: Tx, tenantId: number, locale: Locale, portal: string | null): Promise<TenantTemplates> {
  const rows = await tx
    .selectFrom('tenants as t')
    .leftJoin('templates as tp', (j) => j.onRef('tp.tenant_id', '=', 't.id').on('tp.locale', '=', locale))
    .select(['t.name', 'tp.kind', 'tp.subject', 'tp.body'])
    .where('t.id', '=', tenantId)
    .execute();
  const overrides = new Overrides();
  for (const r of rows) if (r.kind !== null && r.body !== null) overrides.add(r.kind, locale, { subject: r.subject, body: r.body });
  return { tenant: rows[0]?.name ?? '', locale, portal, template: (kind) => overrides.template(kind, locale) };
}

/* ---- rendering the outbox (the dispatcher's call) ---- */

/** A claimed notification as the renderer reads it (engine/outbox.ts ClaimedRow). */
export type UnrenderedRow = Pick<ClaimedRow, 'id' | 'tenant_id' | 'kind' | 'channel' | 'to_address' | 'subject' | 'body' | 'ref_type' | 'ref_id' | 'created_at'> & { html?: string | null };

/** A notification's words, as the dispatcher sends them. */
export type Rendered = RenderedTemplate;

/** Ids per IN list: small enough for every driver's parameter limit. */
const IN_CHUNK = 500;

async function inChunks<T, K>(keys: readonly K[], fetch: (chunk: K[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(keys)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += IN_CHUNK) out.push(...(await fetch(unique.slice(i, i + IN_CHUNK))));
  return out;
}

interface TenantFacts {
  name: string;
  locale: Locale;
  portal: string | null;
  overrides: Overrides;
}

interface TicketFacts {
  tenant_id: number;
  protocol: string;
  subject: string;
  status: string;
  rating: number | null;
  rating_comment: string | null;
  updated_at: string;
  requester: string | null;
  requester_email: string | null;
  organization: string | null;
  department: string | null;
  category: string | null;
  agent: string | null;
}

interface DraftFacts {
  tenant_id: number;
  subject: string | null;
  message: string | null;
  created_at: string | null;
  organization_id: number | null;
  parent_id: number | null;
  requester: string | null;
  requester_email: string | null;
  organization: string | null;
  department: string | null;
  category: string | null;
  reason: string | null;
  /** Whether the draft still waits (its page is there for its managers). */
  pending: boolean;
}

/** Kinds about a change that wrote a message on the ticket (the message is a field). */
const MESSAGE_KINDS = new Set(['ticket_answered', 'ticket_solved', 'ticket_reopened']);
/** Kinds sent to agents (ticket_rated, draft_escalated): the recipient is looked up among the agents first. */
const AGENT_KINDS = new Set(['ticket_rated', 'draft_escalated']);
const REMINDER_KINDS = ['draft_reminder', 'draft_escalated', 'ticket_reminder'];
const HOUR_MS = 3_600_000;

/**
 * Renders a batch of claimed notifications (any tenants) from their tenant's templates and the
 * facts of what they are about; rows whose body is already set are returned as they are (text =
 * body; html from the text, escaped, for e-mails). A few queries per batch, whatever its size:
 * the tenants' names, settings and overrides once, then the facts of each kind of reference in
 * bulk. A reference that is gone renders with the fields it still has (empty otherwise); nothing
 * about a row's facts makes this throw.
 */
export async function renderNotifications(db: Kysely<DB>, rows: UnrenderedRow[]): Promise<Map<number, Rendered>> {
  const out = new Map<number, Rendered>();
  if (rows.length === 0) return out;
  const tenants = await loadTenants(db, [...new Set(rows.map((r) => r.tenant_id))]);
  const toRender = rows.filter((r) => r.body === null && isTemplateKind(r.kind));
  const refs = (type: string, filter: (r: UnrenderedRow) => boolean = () => true) =>
    toRender.filter((r) => r.ref_type === type && r.ref_id !== null && filter(r)).map((r) => r.ref_id!);

  const [tickets, messages, drafts, customers, conversations, reminders] = await Promise.all([
    loadTickets(db, refs('ticket')),
    loadChangeMessages(db, toRender.filter((r) => r.ref_type === 'ticket' && r.ref_id !== null && MESSAGE_KINDS.has(r.kind))),
    loadDrafts(db, refs('draft')),
    loadCustomers(db, refs('customer')),
    loadConversations(db, refs('conversation')),
    loadReminders(db, toRender.filter((r) => REMINDER_KINDS.includes(r.kind) && r.ref_id !== null)),
  ]);
  const managers = await loadManagers(db, drafts);

  // Recipients the facts do not name already: one read of customers and one of agents by e-mail.
  const unnamed = toRender.filter((r) => r.to_address.includes('@') && !namedByFacts(r, tickets, drafts, customers));
  const people = await loadPeople(db, unnamed);

  for (const r of rows) {
    const tenant = tenants.get(r.tenant_id) ?? { name: '', locale: DEFAULT_SETTINGS.locale, portal: null, overrides: new Overrides() };
    const email = r.channel === 'email';
    if (r.body !== null || !isTemplateKind(r.kind)) {
      // Written when it was queued (a WhatsApp reply, account_created), or a kind with no template of its own.
      // A notification attempted before keeps the HTML it was sent with (R33: every attempt sends the same).
      const text = r.body ?? r.subject;
      out.set(r.id, { subject: r.subject, text, html: email ? (r.html ?? htmlFromText(text, r.subject, tenant.locale)) : null });
      continue;
    }
    const kind = r.kind;
    const values = valuesOf(r, kind, tenant, { tickets, messages, drafts, managers, customers, conversations, reminders, people });
    out.set(r.id, renderTemplate(kind, tenant.locale, tenant.overrides.template(kind, tenant.locale), values, { html: email }));
  }
  return out;
}

interface Facts {
  tickets: Map<number, TicketFacts>;
  messages: Map<number, string>;
  drafts: Map<number, DraftFacts>;
  managers: Map<number, { name: string }[]>;
  customers: Map<number, { tenant_id: number; name: string; email: string }>;
  conversations: Map<number, { tenant_id: number; name: string | null }>;
  reminders: Map<string, string[]>;
  people: { customers: Map<string, string>; agents: Map<string, string> };
}

/** The values of one notification's fields, from its tenant and the facts of its reference. */
function valuesOf(r: UnrenderedRow, kind: TemplateKind, tenant: TenantFacts, f: Facts): Values {
  const links = portalLinks(tenant.portal);
  const v: Values = { tenant: tenant.name, portal: tenant.portal };
  const mine = <T extends { tenant_id: number }>(x: T | undefined) => (x && x.tenant_id === r.tenant_id ? x : undefined);
  let since: string | null = null;
  let requesterEmail: string | null = null;
  let requesterName: string | null = null;
  if (r.ref_type === 'ticket' && r.ref_id !== null) {
    const t = mine(f.tickets.get(r.ref_id));
    if (t) {
      Object.assign(v, {
        protocol: t.protocol,
        subject: t.subject,
        status: statusLabel(t.status, tenant.locale),
        link: links.ticket(t.protocol),
        requester: t.requester,
        requesterEmail: t.requester_email,
        organization: t.organization,
        department: t.department,
        category: t.category,
        agent: t.agent,
        rating: t.rating,
        comment: t.rating_comment,
      } satisfies Values);
      since = t.updated_at;
      requesterEmail = t.requester_email;
      requesterName = t.requester;
    }
    if (MESSAGE_KINDS.has(kind)) v.message = f.messages.get(r.id) ?? null;
  } else if (r.ref_type === 'draft' && r.ref_id !== null) {
    v.draft = r.ref_id;
    const d = mine(f.drafts.get(r.ref_id));
    if (d) {
      const names = f.managers.get(r.ref_id) ?? [];
      Object.assign(v, {
        subject: d.subject,
        message: d.message,
        requester: d.requester,
        requesterEmail: d.requester_email,
        organization: d.organization,
        department: d.department,
        category: d.category,
        managers: joinNames(names.map((m) => m.name), tenant.locale),
        reason: d.reason,
        link: d.pending ? links.draft(r.ref_id) : null,
      } satisfies Values);
      since = d.created_at;
      requesterEmail = d.requester_email;
      requesterName = d.requester;
    }
  } else if (r.ref_type === 'customer' && r.ref_id !== null) {
    const c = mine(f.customers.get(r.ref_id));
    if (c) Object.assign(v, { recipient: c.name, email: c.email, link: links.password(c.email) } satisfies Values);
  } else if (r.ref_type === 'conversation' && r.ref_id !== null) {
    v.recipient = mine(f.conversations.get(r.ref_id))?.name ?? null;
  }
  const toRequester = requesterEmail !== null && r.to_address === requesterEmail;
  if (kind === 'draft_restored') v.toRequester = toRequester;
  if (v.recipient === undefined) {
    const key = `${r.tenant_id}\0${r.to_address}`;
    const [first, second] = AGENT_KINDS.has(kind) ? [f.people.agents, f.people.customers] : [f.people.customers, f.people.agents];
    // A WhatsApp number is the requester's when the notification is about their request (draft_waiting).
    v.recipient = toRequester || (r.channel === 'whatsapp' && !AGENT_KINDS.has(kind)) ? requesterName : (first.get(key) ?? second.get(key) ?? null);
  }
  if (REMINDER_KINDS.includes(kind)) {
    const created = Date.parse(r.created_at);
    const reminded = (f.reminders.get(`${r.tenant_id}\0${kind}\0${r.ref_id}`) ?? []).filter((s) => Date.parse(s) <= created).sort().at(-1);
    const from = reminded ?? since;
    if (from !== null && !Number.isNaN(Date.parse(from))) {
      const hours = Math.max(0, Math.floor((created - Date.parse(from)) / HOUR_MS));
      v.hours = hours;
      v.waiting = waitingWords(hours, tenant.locale);
    }
  }
  return v;
}

/** Whether a notification's facts name its recipient already (the requester of its ticket or draft, or its customer). */
function namedByFacts(r: UnrenderedRow, tickets: Map<number, TicketFacts>, drafts: Map<number, DraftFacts>, customers: Map<number, unknown>): boolean {
  if (r.ref_id === null) return false;
  if (r.ref_type === 'ticket') return tickets.get(r.ref_id)?.requester_email === r.to_address;
  if (r.ref_type === 'draft') return drafts.get(r.ref_id)?.requester_email === r.to_address;
  return r.ref_type === 'customer' && customers.has(r.ref_id);
}

async function loadTenants(db: Kysely<DB>, ids: number[]): Promise<Map<number, TenantFacts>> {
  const [names, settings, templates] = await Promise.all([
    inChunks(ids, (c) => db.selectFrom('tenants').select(['id', 'name']).where('id', 'in', c).execute()),
    inChunks(ids, (c) => db.selectFrom('settings').select(['tenant_id', 'key', 'value']).where('tenant_id', 'in', c).where('key', 'in', ['locale', 'portal.url']).execute()),
    inChunks(ids, (c) => db.selectFrom('templates').select(['tenant_id', 'kind', 'locale', 'subject', 'body']).where('tenant_id', 'in', c).execute()),
  ]);
  const out = new Map<number, TenantFacts>();
  for (const t of names) out.set(t.id, { name: t.name, locale: DEFAULT_SETTINGS.locale, portal: DEFAULT_SETTINGS['portal.url'], overrides: new Overrides() });
  for (const s of settings) {
    const t = out.get(s.tenant_id);
    if (!t) continue;
    let value: unknown;
    try {
      value = JSON.parse(s.value);
    } catch {
      continue;
    }
    if (s.key === 'locale' && (LOCALES as readonly unknown[]).includes(value)) t.locale = value as Locale;
    if (s.key === 'portal.url' && (typeof value === 'string' || value === null)) t.portal = value;
  }
  for (const tp of templates) out.get(tp.tenant_id)?.overrides.add(tp.kind, tp.locale, { subject: tp.subject, body: tp.body });
  return out;
}

async function loadTickets(db: Kysely<DB>, ids: number[]): Promise<Map<number, TicketFacts>> {
  const rows = await inChunks(ids, (c) =>
    db
      .selectFrom('tickets as t')
      .leftJoin('customers as c', 'c.id', 't.requester_id')
      .leftJoin('organizations as o', 'o.id', 't.organization_id')
      .leftJoin('departments as d', 'd.id', 't.department_id')
      .leftJoin('categories as cat', 'cat.id', 't.category_id')
      .leftJoin('agents as a', 'a.id', 't.agent_id')
      .select([
        't.id',
        't.tenant_id',
        't.protocol',
        't.subject',
        't.status',
        't.rating',
        't.rating_comment',
        't.updated_at',
        'c.name as requester',
        'c.email as requester_email',
        'o.name as organization',
        'd.name as department',
        'cat.name as category',
        'a.name as agent',
      ])
      .where('t.id', 'in', c)
      .execute(),
  );
  return new Map(rows.map(({ id, ...t }) => [id, t]));
}

/**
 * The message a change of a ticket wrote with its notification (an answer, a note on solving or
 * reopening), which the notification names (`ticket_message_id`), by notification id.
 */
async function loadChangeMessages(db: Kysely<DB>, rows: UnrenderedRow[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (rows.length === 0) return out;
  const found = await inChunks(
    rows.map((r) => r.id),
    (c) =>
      db
        .selectFrom('notifications as n')
        .innerJoin('ticket_messages as m', (j) => j.onRef('m.id', '=', 'n.ticket_message_id').onRef('m.ticket_id', '=', 'n.ref_id'))
        .select(['n.id', 'm.body'])
        .where('n.id', 'in', c)
        .execute(),
  );
  for (const f of found) out.set(f.id, f.body);
  return out;
}

/**
 * What a draft is, wherever it is now: pending (drafts), rejected and kept for undo
 * (rejected_drafts, with the reason), or only its decision record (draft_decisions, with the
 * reason, and the ticket an approval made).
 */
async function loadDrafts(db: Kysely<DB>, ids: number[]): Promise<Map<number, DraftFacts>> {
  const out = new Map<number, DraftFacts>();
  if (ids.length === 0) return out;
  const pending = await inChunks(ids, (c) =>
    db
      .selectFrom('drafts as dr')
      .leftJoin('customers as c', 'c.id', 'dr.requester_id')
      .leftJoin('organizations as o', 'o.id', 'dr.organization_id')
      .leftJoin('departments as d', 'd.id', 'dr.department_id')
      .leftJoin('categories as cat', 'cat.id', 'dr.category_id')
      .select(['dr.id', 'dr.tenant_id', 'dr.subject', 'dr.message', 'dr.created_at', 'dr.organization_id', 'o.parent_id', 'c.name as requester', 'c.email as requester_email', 'o.name as organization', 'd.name as department', 'cat.name as category'])
      .where('dr.id', 'in', c)
      .execute(),
  );
  for (const { id, ...d } of pending) out.set(id, { ...d, reason: null, pending: true });
  const rest = () => [...new Set(ids)].filter((id) => !out.has(id));
  const rejected = await inChunks(rest(), (c) =>
    db
      .selectFrom('rejected_drafts as rd')
      .leftJoin('customers as c', 'c.id', 'rd.requester_id')
      .leftJoin('organizations as o', 'o.id', 'rd.organization_id')
      .leftJoin('departments as d', 'd.id', 'rd.department_id')
      .leftJoin('categories as cat', 'cat.id', 'rd.category_id')
      .select(['rd.draft_id as id', 'rd.tenant_id', 'rd.subject', 'rd.message', 'rd.created_at', 'rd.organization_id', 'o.parent_id', 'rd.reason', 'c.name as requester', 'c.email as requester_email', 'o.name as organization', 'd.name as department', 'cat.name as category'])
      .where('rd.draft_id', 'in', c)
      .execute(),
  );
  for (const { id, ...d } of rejected) out.set(id, { ...d, pending: false });
  const decided = await inChunks(rest(), (c) =>
    db
      .selectFrom('draft_decisions as dd')
      .leftJoin('customers as c', 'c.id', 'dd.requester_id')
      .leftJoin('organizations as o', 'o.id', 'dd.organization_id')
      .leftJoin('departments as d', 'd.id', 'dd.department_id')
      .leftJoin('tickets as t', 't.id', 'dd.ticket_id')
      .leftJoin('categories as cat', 'cat.id', 't.category_id')
      .select(['dd.draft_id as id', 'dd.tenant_id', 't.subject', 't.message', 'dd.created_at', 'dd.organization_id', 'o.parent_id', 'dd.reason', 'c.name as requester', 'c.email as requester_email', 'o.name as organization', 'd.name as department', 'cat.name as category'])
      .where('dd.draft_id', 'in', c)
      .execute(),
  );
  for (const { id, ...d } of decided) out.set(id, { ...d, pending: false });
  return out;
}

/** R13: the active managers who may decide each draft (of its organization and of that one's parent), by draft id, oldest first. */
async function loadManagers(db: Kysely<DB>, drafts: Map<number, DraftFacts>): Promise<Map<number, { name: string }[]>> {
  const out = new Map<number, { name: string }[]>();
  const orgs = [...drafts.values()].flatMap((d) => [d.organization_id, d.parent_id]).filter((o): o is number => o !== null);
  if (orgs.length === 0) return out;
  const rows = await inChunks(orgs, (c) =>
    activeManagersQuery(db).select(['id', 'name', 'organization_id']).where('organization_id', 'in', c).execute(),
  );
  rows.sort((a, b) => a.id - b.id);
  for (const [id, d] of drafts) {
    if (d.organization_id === null) continue;
    out.set(id, rows.filter((m) => m.organization_id === d.organization_id || (d.parent_id !== null && m.organization_id === d.parent_id)));
  }
  return out;
}

async function loadCustomers(db: Kysely<DB>, ids: number[]): Promise<Map<number, { tenant_id: number; name: string; email: string }>> {
  const rows = await inChunks(ids, (c) => db.selectFrom('customers').select(['id', 'tenant_id', 'name', 'email']).where('id', 'in', c).execute());
  return new Map(rows.map(({ id, ...c }) => [id, c]));
}

/** A conversation's person: its customer's name, or the WhatsApp profile name. */
async function loadConversations(db: Kysely<DB>, ids: number[]): Promise<Map<number, { tenant_id: number; name: string | null }>> {
  const rows = await inChunks(ids, (c) =>
    db
      .selectFrom('conversations as cv')
      .leftJoin('customers as c', 'c.id', 'cv.customer_id')
      .select(['cv.id', 'cv.tenant_id', 'cv.profile_name', 'c.name'])
      .where('cv.id', 'in', c)
      .execute(),
  );
  return new Map(rows.map((r) => [r.id, { tenant_id: r.tenant_id, name: r.name ?? r.profile_name }]));
}

/** R35: since when each reminded thing waits (the reminders' `since`), by tenant, kind and ref. */
async function loadReminders(db: Kysely<DB>, rows: UnrenderedRow[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (rows.length === 0) return out;
  const tenants = [...new Set(rows.map((r) => r.tenant_id))];
  const found = await inChunks(
    rows.map((r) => r.ref_id!),
    (c) =>
      db
        .selectFrom('reminders')
        .select(['tenant_id', 'kind', 'ref_id', 'since'])
        .where('tenant_id', 'in', tenants)
        .where('kind', 'in', REMINDER_KINDS)
        .where('ref_id', 'in', c)
        .execute(),
  );
  for (const f of found) {
    const key = `${f.tenant_id}\0${f.kind}\0${f.ref_id}`;
    out.set(key, [...(out.get(key) ?? []), new Date(f.since).toISOString()]);
  }
  return out;
}

/** The names of customers and agents by tenant and e-mail (`${tenant}\0${email}`). */
async function loadPeople(db: Kysely<DB>, rows: UnrenderedRow[]): Promise<{ customers: Map<string, string>; agents: Map<string, string> }> {
  const out = { customers: new Map<string, string>(), agents: new Map<string, string>() };
  if (rows.length === 0) return out;
  const tenants = [...new Set(rows.map((r) => r.tenant_id))];
  const emails = rows.map((r) => r.to_address);
  const [customers, agents] = await Promise.all([
    inChunks(emails, (c) => db.selectFrom('customers').select(['tenant_id', 'email', 'name']).where('tenant_id', 'in', tenants).where('email', 'in', c).where('deleted_at', 'is', null).execute()),
    inChunks(emails, (c) => db.selectFrom('agents').select(['tenant_id', 'email', 'name']).where('tenant_id', 'in', tenants).where('email', 'in', c).execute()),
  ]);
  for (const c of customers) out.customers.set(`${c.tenant_id}\0${c.email}`, c.name);
  for (const a of agents) out.agents.set(`${a.tenant_id}\0${a.email}`, a.name);
  return out;
}
