import { z } from 'zod';

import { invisible, textProblem } from './text.js';
import {
  AGENT_SYNC_MODES,
  APPROVAL_MODES,
  CHANNELS,
  CONVERSATION_STATES,
  LOCALES,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  NOTIFICATION_STATUSES,
  PRIORITIES,
  RULE_SCOPES,
  SERVICE_CHANNELS,
  STATUSES,
  VISIBILITIES,
  type NotificationChannel,
  type NotificationKind,
  type Settings,
} from './model.js';

export * from './model.js';

/** Text anywhere: refused when it is not valid Unicode (a lone surrogate) or holds NUL (core/text.ts). */
const validText = (s: string, ctx: z.core.$RefinementCtx<string>) => {
  const problem = textProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};
/** Any text field: a string that is valid Unicode without NUL. */
export const Text = z.string().superRefine(validText);

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'invalid e-mail' }));
/** A name (department, category, organization, person, token): NFC, so canonically equal names are one; never only invisible characters. */
export const Name = z
  .string()
  .trim()
  .normalize('NFC')
  .min(1, 'must not be empty')
  .max(200, 'at most 200 characters')
  .superRefine((s, ctx) => {
    const problem = textProblem(s) ?? (s.length > 0 && invisible(s) ? 'must show something: it holds only invisible characters' : null);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a slug is 1-63 lower-case letters, digits or dashes, starting with a letter or digit');
/**
 * An id: a number, or its plain decimal text (`3`, never `03`, `+3`, `0x3`, `1e3` or `3 `), so one
 * id has one spelling in a path, a flag or stdin.
 */
export const Id = z.preprocess(
  (v) => (typeof v === 'string' ? (/^[1-9][0-9]{0,15}$/.test(v) ? Number(v) : Number.NaN) : v),
  z
    .number({ error: 'an id is a positive whole number' })
    .int('an id is a positive whole number')
    .positive('an id is a positive whole number')
    .max(Number.MAX_SAFE_INTEGER, 'an id is a positive whole number'),
);
/** A ticket as people name it: its id (42) or its protocol (2026-000042). */
export const TicketRef = z
  .string()
  .trim()
  .regex(/^(\d+|\d{4}-\d{6,})$/, { error: 'a ticket is its id (42) or its protocol (2026-000042)', abort: true })
  .refine((s) => s.includes('-') || (Number(s) > 0 && Number.isSafeInteger(Number(s))), 'an id is a positive whole number');
/** A phone number as people write it: digits with spaces and `+ - ( ) .`, 8 to 15 digits (E.164); compared as digits only. */
export const Phone = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty', abort: true })
  .max(40, { error: 'at most 40 characters', abort: true })
  .regex(/^[0-9 +\-().]+$/, { error: 'a phone number holds digits, spaces and + - ( ) . only', abort: true })
  .refine((s) => {
    const n = s.replace(/\D/g, '').length;
    return n >= 8 && n <= 15;
  }, 'a phone number has 8 to 15 digits, with the country code (+55 11 91234-5678)');
/** Whom a notification goes to: an e-mail address, or a phone (WhatsApp), kept as its digits. */
export const Recipient = z.string().transform((s, ctx) => {
  const asEmail = s.includes('@');
  const r = asEmail ? Email.safeParse(s) : Phone.safeParse(s);
  if (!r.success) {
    ctx.addIssue({ code: 'custom', message: asEmail ? 'invalid e-mail' : 'expected an e-mail address or a phone number' });
    return z.NEVER;
  }
  return asEmail ? r.data : r.data.replace(/\D/g, '');
});
export const Subject = z.string().trim().min(1, 'must not be empty').max(500, 'at most 500 characters').superRefine(validText);
export const Message = z.string().trim().min(1, 'must not be empty').max(100_000, 'at most 100000 characters').superRefine(validText);
export const Limit = z.coerce
  .number({ error: 'must be a positive whole number' })
  .int('must be a positive whole number')
  .positive('must be a positive whole number');

/** Time zones are checked against the platform's IANA database. */
export const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'not a known IANA time zone (e.g. America/Sao_Paulo, UTC)' },
);

const Bool = z.union([
  z.boolean(),
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(['true', 'false', 'yes', 'no', 'on', 'off', '1', '0']).transform((v) => ['true', 'yes', 'on', '1'].includes(v)),
  ),
], { error: 'expected true or false' });

/** A setting that may be unset: an empty value (`settings set KEY ""`) or null unsets it. */
const Unset = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? null : v), schema.nullable());
/** A whole number, or its plain decimal text (`1000`, never `1e3` or `03`). */
const WholeNumber = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (/^(0|[1-9][0-9]{0,8})$/.test(v.trim()) ? Number(v) : Number.NaN) : v),
    z.number({ error: 'expected a whole number' }).int('expected a whole number').min(min, `at least ${min}`).max(max, `at most ${max}`),
  );
const HttpUrl = z
  .string()
  .trim()
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'expected an http(s) address without a user or password, such as https://help.example.com')
  .transform((s) => s.replace(/\/+$/, ''));

/** R33: the sender of a tenant's e-mails: an address, or a display name and an address (`Help <help@norte.example>`). */
export const Sender = z
  .string()
  .trim()
  .max(300, 'at most 300 characters')
  .refine((s) => {
    const m = /^(?:([^<>"\r\n]*?)\s*)?<([^<>\s]+)>$/.exec(s) ?? /^()([^<>\s]+)$/.exec(s);
    return m !== null && Email.safeParse(m[2]).success;
  }, 'expected an e-mail address, or a name and an address such as "Help desk <help@norte.example>"');
const Hours = z.coerce.number({ error: 'expected a number of hours' }).int('a whole number of hours').min(0, 'at least 0 (0: never)').max(24 * 365, 'at most 8760 hours');

/** Account settings: the keys, their value schemas and the defaults of a new tenant. */
export const SETTINGS = {
  'approval.mode': { schema: z.enum(APPROVAL_MODES, { error: `expected one of ${APPROVAL_MODES.join(', ')}` }), default: 'disabled' },
  'reopen.allowed': { schema: Bool, default: false },
  'response.forecastHours': {
    schema: z.coerce.number({ error: 'expected a number of hours' }).positive('must be more than 0').max(24 * 365, 'at most 8760 hours'),
    default: 24,
  },
  timezone: { schema: TimeZone, default: 'UTC' },
  'tickets.customerCreation': { schema: Bool, default: true },
  'tickets.attachments': { schema: Bool, default: true },
  locale: { schema: z.enum(LOCALES, { error: `expected one of ${LOCALES.join(', ')}` }), default: 'pt-BR' },
  'portal.url': { schema: Unset(HttpUrl), default: null },
  'whatsapp.autoTicket': { schema: Bool, default: false },
  'whatsapp.emailRequired': { schema: Bool, default: true },
  'whatsapp.emailAttempts': { schema: WholeNumber(1, 20), default: 3 },
  'whatsapp.ticket.title': { schema: Unset(Subject), default: null },
  'whatsapp.ticket.department': { schema: Unset(Name), default: null },
  'whatsapp.ticket.category': { schema: Unset(Name), default: null },
  'whatsapp.ticket.type': { schema: Unset(Name), default: null },
  'whatsapp.ticket.priority': { schema: z.enum(PRIORITIES, { error: `expected one of ${PRIORITIES.join(', ')}` }), default: 'normal' },
  'whatsapp.agentSync': { schema: z.enum(AGENT_SYNC_MODES, { error: `expected one of ${AGENT_SYNC_MODES.join(', ')}` }), default: 'creation' },
  'whatsapp.closeAfterMinutes': { schema: WholeNumber(1, 525_600), default: 1440 },
  'undo.windowHours': {
    schema: z.coerce.number({ error: 'expected a number of hours' }).int('a whole number of hours').min(0, 'at least 0 (0: rejections cannot be undone)').max(24 * 365, 'at most 8760 hours'),
    default: 24,
  },
  'notifications.from': { schema: Unset(Sender), default: null },
  'notifications.pushUrl': { schema: Unset(HttpUrl), default: null },
  'approval.remindAfterHours': { schema: Hours, default: 0 },
  'approval.escalateAfterHours': { schema: Hours, default: 0 },
  'tickets.remindAfterHours': { schema: Hours, default: 0 },
} as const satisfies Record<keyof Settings, { schema: z.ZodType; default: unknown }>;

export const FieldMap = z.record(Text.min(1), Text);

export const Attachment = z.object({ name: Text.min(1), size: z.number().int().nonnegative(), sha256: Text });
export type Attachment = z.infer<typeof Attachment>;

export const ServiceChannelSchema = z.enum(SERVICE_CHANNELS, { error: `expected one of ${SERVICE_CHANNELS.join(', ')}` });
/** A ticket's status detail ("status complementar", R42): free text. */
export const StatusDetail = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').superRefine(validText);
/** A process reference (R19): free text. */
export const ProcessRef = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').superRefine(validText);

/** A ticket request, however it arrived (R8). */
export const TicketRequest = z
  .object({
    requester: Email,
    department: Name,
    category: Name.nullish(),
    subject: Subject,
    message: Message,
    channel: z.enum(CHANNELS, { error: `expected one of ${CHANNELS.join(', ')}` }).default('panel'),
    conversation: z.string().trim().min(1).max(200).superRefine(validText).nullish(),
    fields: FieldMap.default({}),
    attachments: z.array(Attachment).default([]),
    visibility: z.enum(VISIBILITIES).default('public'),
    /** R42: a topic of the tenant, whose requirements the request must meet. */
    topic: Name.nullish(),
    serviceChannel: ServiceChannelSchema.nullish(),
    statusDetail: StatusDetail.nullish(),
    /** The linked process (R19, R42: a topic may require one at creation). */
    processRef: ProcessRef.nullish(),
    type: Name.nullish(),
    priority: z.enum(PRIORITIES, { error: `expected one of ${PRIORITIES.join(', ')}` }).default('normal'),
  })
  .superRefine((r, ctx) => {
    if (r.channel === 'email' && r.category) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'a request by e-mail never carries a category (R9)' });
    }
    if (r.conversation && r.channel !== 'whatsapp') {
      ctx.addIssue({ code: 'custom', path: ['conversation'], message: 'a conversation id goes only with the whatsapp channel' });
    }
    if (r.visibility === 'internal' && r.channel !== 'agent') {
      ctx.addIssue({ code: 'custom', path: ['visibility'], message: 'only agents open internal tickets (use --channel agent)' });
    }
  });
export type TicketRequest = z.infer<typeof TicketRequest>;

/** R36: a hypothetical request for `approval explain`: what R7 looks at, checked as a ticket request is. */
export const ExplainRequest = z
  .strictObject({
    requester: Email,
    department: Name,
    category: Name.nullish(),
    channel: z.enum(CHANNELS, { error: `expected one of ${CHANNELS.join(', ')}` }).default('panel'),
  })
  .superRefine((r, ctx) => {
    if (r.channel === 'email' && r.category) ctx.addIssue({ code: 'custom', path: ['category'], message: 'a request by e-mail never carries a category (R9)' });
  });
export type ExplainRequest = z.infer<typeof ExplainRequest>;

export const ApprovalCheckShape = z.object({ rule: z.string(), holds: z.boolean(), detail: z.string() });
export const ExplanationShape = z.object({
  outcome: z.enum(['draft', 'ticket']),
  checks: z.array(ApprovalCheckShape),
  notify: z.array(z.string()),
  heldBy: z.object({ mode: z.enum(APPROVAL_MODES), rule: z.number().nullable() }).nullable(),
});
export type ExplanationOut = z.infer<typeof ExplanationShape>;

/** The longest age a filter takes (`--older-than`): 100 years. */
export const MAX_AGE_MS = 36_500 * 86_400_000;

export const DurationText = z
  .string()
  .regex(/^\d+(m|h|d)$/, 'expected a duration such as 30m, 12h or 7d')
  .transform((v) => {
    const n = Number(v.slice(0, -1));
    const unit = v.at(-1) === 'm' ? 60_000 : v.at(-1) === 'h' ? 3_600_000 : 86_400_000;
    return n * unit;
  })
  // A draft waits days or years, never centuries: an age past 100 years is a typo, and its instant
  // would fall outside the years every store can hold.
  .refine((ms) => ms <= MAX_AGE_MS, 'at most 100 years (36500d)');

export const DraftFilter = z
  .object({
    org: Name.optional(),
    includeChildren: z.boolean().optional(),
    department: Name.optional(),
    category: Name.optional(),
    noCategory: z.boolean().optional(),
    channel: z.enum(CHANNELS, { error: `expected one of ${CHANNELS.join(', ')}` }).optional(),
    requester: Email.optional(),
    olderThanMs: z.number().int().nonnegative().max(MAX_AGE_MS, 'at most 100 years (36500d)').optional(),
    limit: Limit.optional(),
    /** Only drafts with a greater id: the cursor of paged listings. */
    after: z.number().int().nonnegative().optional(),
  })
  .superRefine((f, ctx) => {
    if (f.category && f.noCategory) ctx.addIssue({ code: 'custom', path: ['category'], message: '--category and --no-category exclude each other' });
    if (f.includeChildren && !f.org) ctx.addIssue({ code: 'custom', path: ['includeChildren'], message: '--include-children needs --org' });
  });
export type DraftFilter = z.infer<typeof DraftFilter>;

export const TicketFilter = z.object({
  status: z.enum(STATUSES, { error: `expected one of ${STATUSES.join(', ')}` }).optional(),
  org: Name.optional(),
  department: Name.optional(),
  category: Name.optional(),
  channel: z.enum(CHANNELS, { error: `expected one of ${CHANNELS.join(', ')}` }).optional(),
  agent: Email.optional(),
  requester: Email.optional(),
  overdue: z.boolean().optional(),
  dueToday: z.boolean().optional(),
  limit: Limit.optional(),
  /** Only tickets with a greater id: the cursor of paged listings. */
  after: z.number().int().nonnegative().optional(),
});
export type TicketFilter = z.infer<typeof TicketFilter>;

/* ---- The JSON shapes of the contract (camelCase, ISO-8601 UTC times, null when absent). ---- */

export const RuleShape = z.object({
  id: z.number(),
  department: z.string(),
  scope: z.enum(RULE_SCOPES),
  category: z.string().nullable(),
  createdAt: z.string(),
});
export type Rule = z.infer<typeof RuleShape>;

export const DraftShape = z.object({
  id: z.number(),
  requester: z.string(),
  organization: z.string().nullable(),
  department: z.string(),
  category: z.string().nullable(),
  subject: z.string(),
  message: z.string().nullable(),
  channel: z.enum(CHANNELS),
  conversation: z.string().nullable(),
  fields: FieldMap.nullable(),
  attachments: z.array(Attachment).nullable(),
  type: z.string().nullable(),
  priority: z.enum(PRIORITIES),
  createdAt: z.string(),
  /** R36: what held it, the mode and (under `departments`) the rule's id; null when not recorded (seeded or generated drafts, drafts made before). */
  heldBy: z.object({ mode: z.enum(APPROVAL_MODES), rule: z.number().nullable() }).nullable(),
  /** R42 (R10: the draft keeps them; the requester's view shows the topic only). */
  topic: z.string().nullable(),
  serviceChannel: z.enum(SERVICE_CHANNELS).nullable(),
  statusDetail: z.string().nullable(),
  processRef: z.string().nullable(),
});
export type Draft = z.infer<typeof DraftShape>;

export const TicketShape = z.object({
  id: z.number(),
  protocol: z.string(),
  requester: z.string(),
  organization: z.string().nullable(),
  department: z.string(),
  category: z.string().nullable(),
  subject: z.string(),
  status: z.enum(STATUSES),
  channel: z.enum(CHANNELS),
  visibility: z.enum(VISIBILITIES),
  agent: z.string().nullable(),
  processRef: z.string().nullable(),
  rating: z.number().nullable(),
  ratingComment: z.string().nullable(),
  type: z.string().nullable(),
  priority: z.enum(PRIORITIES),
  createdAt: z.string(),
  dueAt: z.string(),
  solvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  /** R42. */
  topic: z.string().nullable(),
  serviceChannel: z.enum(SERVICE_CHANNELS).nullable(),
  statusDetail: z.string().nullable(),
});
export type Ticket = z.infer<typeof TicketShape>;

export const TicketDetailShape = TicketShape.extend({
  message: z.string(),
  fields: FieldMap,
  attachments: z.array(Attachment),
  messages: z.array(z.object({ author: z.string(), body: z.string(), createdAt: z.string() })),
  /** R39: the customers who follow the ticket with its requester (e-mails). */
  participants: z.array(z.string()),
});
export type TicketDetail = z.infer<typeof TicketDetailShape>;

export const CreateOutcomeShape = z.union([
  z.object({ outcome: z.literal('ticket'), ticket: TicketShape, appended: z.boolean().optional() }),
  z.object({ outcome: z.literal('draft'), draft: DraftShape, appended: z.boolean().optional() }),
]);
export type CreateOutcome = z.infer<typeof CreateOutcomeShape>;

const ErrorBody = z.object({ code: z.string(), message: z.string() });
export const DecisionResultShape = z.object({ id: z.number(), ok: z.boolean(), ticket: z.object({ id: z.number(), protocol: z.string() }).optional(), error: ErrorBody.optional() });
export type DecisionResult = z.infer<typeof DecisionResultShape>;
export const DecisionReportShape = z.object({
  dryRun: z.literal(false),
  /** The id of this decision's batch, one for every chunk of one command run (R38: drafts restore --batch). */
  batch: z.string().optional(),
  requested: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  results: z.array(DecisionResultShape),
});
export type DecisionReport = z.infer<typeof DecisionReportShape>;
export const DryRunReportShape = z.object({ dryRun: z.literal(true), matched: z.number(), ids: z.array(z.number()) });
export type DryRunReport = z.infer<typeof DryRunReportShape>;

export const NotificationShape = z.object({
  id: z.number(),
  kind: z.enum(NOTIFICATION_KINDS),
  channel: z.enum(NOTIFICATION_CHANNELS),
  to: z.string(),
  subject: z.string(),
  body: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  /** R33: pending until the receiving server accepted it (delivered), or failed after its attempts. */
  status: z.enum(NOTIFICATION_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** The Message-ID every attempt repeats; null until the first attempt. */
  messageId: z.string().nullable(),
});
export type Notification = z.infer<typeof NotificationShape>;
/** One delivery attempt (R33): delivered, due again later (retry), or failed; detail: the server's answer or the error. */
export const NotificationAttemptShape = z.object({ at: z.string(), outcome: z.enum(['delivered', 'retry', 'failed']), detail: z.string().nullable() });
export type NotificationAttempt = z.infer<typeof NotificationAttemptShape>;
/** `notifications show`: the notification and its attempts, oldest first (`attempts` stays their count). */
export const NotificationDetailShape = NotificationShape.extend({ history: z.array(NotificationAttemptShape) });
export type NotificationDetail = z.infer<typeof NotificationDetailShape>;
export const RetryReportShape = z.object({ retried: z.number(), ids: z.array(z.number()) });
export type RetryReport = z.infer<typeof RetryReportShape>;
/**
 * What one delivery run did (R33): attempts by outcome, and what waits for a channel this
 * dispatcher or the tenant has not set up (by channel: how many, and what to set).
 */
export const DeliveryReportShape = z.object({
  attempted: z.number(),
  delivered: z.number(),
  retried: z.number(),
  failed: z.number(),
  /** Attempts that reached no server (connection refused, unknown host). */
  unreachable: z.number(),
  /** `by`: who must set the channel up, this dispatcher (an SMTP server) or the tenant (a setting, a connection). */
  waiting: z.array(z.object({ channel: z.enum(NOTIFICATION_CHANNELS), count: z.number(), reason: z.string(), by: z.enum(['dispatcher', 'tenant']) })),
  reminders: z.number(),
});
export type DeliveryReport = z.infer<typeof DeliveryReportShape>;
export interface DeliverRequest {
  limit?: number;
  kind?: NotificationKind;
  channel?: NotificationChannel;
  /** Queue the due reminders first (R35; default true). */
  reminders?: boolean;
}

export const AuditEntryShape = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  details: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntryShape>;
/** Which audit rows `audit list` reads (the engine and both backends take the same). */
/** What `notifications list` keeps (`pending` with `failed`: either). */
export interface NotificationFilter {
  pending?: boolean;
  failed?: boolean;
  channel?: string;
  to?: string;
  kind?: string;
  limit?: number;
  after?: number;
}

export interface AuditFilter {
  since?: string;
  /** An action (`draft.approve`), or every action of a kind with a final `*` (`draft.*`). */
  action?: string;
  /** The kind of entity (`draft`, `ticket`, `customer` …), and with entityId one of them. */
  entity?: string;
  entityId?: string;
  limit?: number;
  after?: number;
}

export const TenantShape = z.object({ slug: z.string(), name: z.string(), createdAt: z.string() });
export type Tenant = z.infer<typeof TenantShape>;
export const DepartmentShape = z.object({ id: z.number(), name: z.string(), categories: z.array(z.string()), createdAt: z.string() });
export type Department = z.infer<typeof DepartmentShape>;
export const CategoryShape = z.object({ id: z.number(), department: z.string(), name: z.string(), createdAt: z.string() });
export type Category = z.infer<typeof CategoryShape>;
export const OrganizationShape = z.object({ id: z.number(), name: z.string(), parent: z.string().nullable(), createdAt: z.string() });
export type Organization = z.infer<typeof OrganizationShape>;
export const CustomerShape = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  organization: z.string().nullable(),
  manager: z.boolean(),
  active: z.boolean(),
  blockAutomaticMessages: z.boolean(),
  createdAt: z.string(),
});
export type Customer = z.infer<typeof CustomerShape>;
export const AgentShape = z.object({ id: z.number(), email: z.string(), name: z.string(), admin: z.boolean(), departments: z.array(z.string()), createdAt: z.string() });
export type Agent = z.infer<typeof AgentShape>;

/** R42: a topic ("assunto") and what it requires of every ticket created with it. */
export const TopicShape = z.object({
  id: z.number(),
  name: z.string(),
  requireProcess: z.boolean(),
  requireServiceChannel: z.boolean(),
  requireStatusDetail: z.boolean(),
  createdAt: z.string(),
});
export type Topic = z.infer<typeof TopicShape>;

/** R39: a ticket's participants after a change; `changed` were added (or removed), `unchanged` already were (or were not). */
export const ParticipantsReportShape = z.object({
  id: z.number(),
  protocol: z.string(),
  participants: z.array(z.string()),
  changed: z.array(z.string()),
  unchanged: z.array(z.string()),
});
export type ParticipantsReport = z.infer<typeof ParticipantsReportShape>;
export const ConversationShape = z.object({
  id: z.number(),
  phone: z.string(),
  customer: z.string().nullable(),
  state: z.enum(CONVERSATION_STATES),
  agent: z.string().nullable(),
  ticket: z.number().nullable(),
  draft: z.number().nullable(),
  attempts: z.number(),
  startedAt: z.string(),
  lastMessageAt: z.string(),
  closedAt: z.string().nullable(),
});
export type Conversation = z.infer<typeof ConversationShape>;
export const ConversationMessageShape = z.object({
  id: z.number(),
  direction: z.enum(['in', 'out']),
  type: z.string(),
  text: z.string().nullable(),
  waId: z.string().nullable(),
  status: z.string().nullable(),
  createdAt: z.string(),
});
export const ConversationDetailShape = ConversationShape.extend({ messages: z.array(ConversationMessageShape) });
export type ConversationDetail = z.infer<typeof ConversationDetailShape>;
export const ReceiveResultShape = z.object({
  duplicate: z.boolean(),
  conversation: ConversationShape,
  replies: z.array(z.object({ text: z.string() })),
  ticket: TicketShape.nullable(),
  draft: DraftShape.nullable(),
});
export type ReceiveResult = z.infer<typeof ReceiveResultShape>;
/** One incoming WhatsApp message as `whatsapp receive` and the API take it. */
export const IncomingMessageInput = z.strictObject({
  from: Phone,
  text: Message.nullable(),
  type: z.string().trim().min(1).max(40).regex(/^[a-z_]+$/, 'a WhatsApp message type such as text or image').default('text'),
  name: Name.nullish(),
  id: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').superRefine(validText).nullish(),
  at: z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time with its zone, such as 2026-12-03T10:00:00Z or 2026-12-03T07:00:00-03:00' }).nullish(),
});
export type IncomingMessageInput = z.infer<typeof IncomingMessageInput>;
