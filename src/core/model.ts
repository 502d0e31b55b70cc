/*
 * The helpdesk's vocabulary without a validator: fixed values, setting keys and defaults. Read
 * paths (`approval show`, lists) load only this; the zod schemas in schemas.ts build on it and
 * are loaded by the paths that validate input.
 */

export const APPROVAL_MODES = ['disabled', 'all-departments', 'departments'] as const;
export const CHANNELS = ['panel', 'email', 'api', 'whatsapp', 'app', 'agent'] as const;
export const STATUSES = ['open', 'in_progress', 'waiting', 'solved', 'closed'] as const;
export const VISIBILITIES = ['public', 'internal', 'private'] as const;
export const RULE_SCOPES = ['category', 'none', 'all'] as const;
export const NOTIFICATION_KINDS = [
  'draft_pending',
  'draft_waiting',
  'draft_approved',
  'draft_rejected',
  'ticket_opened',
  'ticket_answered',
  'ticket_solved',
  'ticket_reopened',
  'ticket_rated',
  'whatsapp_message',
  'account_created',
  'draft_restored',
  'draft_reminder',
  'draft_escalated',
  'ticket_reminder',
] as const;
/**
 * R34: the replies of the WhatsApp conversation flow (R25-R27), templates too (core/templates.ts),
 * rendered when the reply is queued: a notification of kind `whatsapp_message` carries the text of one.
 */
export const WHATSAPP_TEMPLATES = [
  'whatsapp_ask_email',
  'whatsapp_ask_email_again',
  'whatsapp_choice',
  'whatsapp_choice_again',
  'whatsapp_attempts_used',
  'whatsapp_without_ticket',
  'whatsapp_ticket_opened',
  'whatsapp_draft_waiting',
  'whatsapp_draft_appended',
  'whatsapp_cannot_open',
] as const;
/** R34: every template a tenant can show, set and reset: the notification kinds but `whatsapp_message` (its text is a whatsapp_* template's), and the flow's replies. */
export const TEMPLATE_KINDS = [...NOTIFICATION_KINDS.filter((k): k is Exclude<(typeof NOTIFICATION_KINDS)[number], 'whatsapp_message'> => k !== 'whatsapp_message'), ...WHATSAPP_TEMPLATES] as const;
/** R33: where a notification is in its delivery. */
export const NOTIFICATION_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const NOTIFICATION_CHANNELS = ['email', 'push', 'whatsapp'] as const;
/** How a customer was served (R42: a topic may require one on its tickets). */
export const SERVICE_CHANNELS = ['phone', 'email', 'chat', 'in-person', 'whatsapp'] as const;
/** The customer area (R41: `tickets.customerCreation` opens or closes it): the panel and the app. */
export const CUSTOMER_AREA_CHANNELS = ['panel', 'app'] as const;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const LOCALES = ['pt-BR', 'en'] as const;
export const AGENT_SYNC_MODES = ['creation', 'creation-and-conversation'] as const;
export const CONVERSATION_STATES = ['awaiting_email', 'awaiting_choice', 'open', 'human', 'closed'] as const;

export type ApprovalMode = (typeof APPROVAL_MODES)[number];
export type Channel = (typeof CHANNELS)[number];
export type Status = (typeof STATUSES)[number];
export type Visibility = (typeof VISIBILITIES)[number];
export type RuleScope = (typeof RULE_SCOPES)[number];
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type WhatsappTemplate = (typeof WHATSAPP_TEMPLATES)[number];
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export type ServiceChannel = (typeof SERVICE_CHANNELS)[number];
export type Priority = (typeof PRIORITIES)[number];
export type Locale = (typeof LOCALES)[number];
export type AgentSyncMode = (typeof AGENT_SYNC_MODES)[number];
export type ConversationState = (typeof CONVERSATION_STATES)[number];

/** Account settings and the values of a new tenant (their validation is SETTINGS in schemas.ts). */
export interface Settings {
  'approval.mode': ApprovalMode;
  'reopen.allowed': boolean;
  'response.forecastHours': number;
  timezone: string;
  /** R41: customers may open tickets from the customer area (panel, app). */
  'tickets.customerCreation': boolean;
  /** R41: requests may carry attachments (every channel). */
  'tickets.attachments': boolean;
  /** The language of what customers are sent: WhatsApp replies now, every template later. */
  locale: Locale;
  /** The customer portal's address: the links sent to customers (a ticket's, the password's); none when unset. */
  'portal.url': string | null;
  'whatsapp.autoTicket': boolean;
  'whatsapp.emailRequired': boolean;
  'whatsapp.emailAttempts': number;
  /** The subject of a ticket opened from a conversation; unset: "Atendimento via WhatsApp" (or the tenant's language's). */
  'whatsapp.ticket.title': string | null;
  'whatsapp.ticket.department': string | null;
  'whatsapp.ticket.category': string | null;
  'whatsapp.ticket.type': string | null;
  'whatsapp.ticket.priority': Priority;
  'whatsapp.agentSync': AgentSyncMode;
  'whatsapp.closeAfterMinutes': number;
  /** R38: hours after a rejection during which the rejected drafts can be restored. */
  'undo.windowHours': number;
  /** R33: the sender of the e-mails (`Name <address>` or an address); e-mails wait while it is unset (nothing is lost). */
  'notifications.from': string | null;
  /** R33: where push notifications are POSTed, signed with the tenant's push secret; unset: push notifications wait (nothing is lost). */
  'notifications.pushUrl': string | null;
  /** R35: a pending draft reminds its managers every this many hours (0: never). */
  'approval.remindAfterHours': number;
  /** R35: a draft pending this many hours is told once to the admin agents (0: never). */
  'approval.escalateAfterHours': number;
  /** R35: a ticket waiting for the customer this many hours reminds the requester, again every as many (0: never). */
  'tickets.remindAfterHours': number;
}
export type SettingKey = keyof Settings;
export const DEFAULT_SETTINGS: Settings = {
  'approval.mode': 'disabled',
  'reopen.allowed': false,
  'response.forecastHours': 24,
  timezone: 'UTC',
  'tickets.customerCreation': true,
  'tickets.attachments': true,
  locale: 'pt-BR',
  'portal.url': null,
  'whatsapp.autoTicket': false,
  'whatsapp.emailRequired': true,
  'whatsapp.emailAttempts': 3,
  'whatsapp.ticket.title': null,
  'whatsapp.ticket.department': null,
  'whatsapp.ticket.category': null,
  'whatsapp.ticket.type': null,
  'whatsapp.ticket.priority': 'normal',
  'whatsapp.agentSync': 'creation',
  'whatsapp.closeAfterMinutes': 1440,
  'undo.windowHours': 24,
  'notifications.from': null,
  'notifications.pushUrl': null,
  'approval.remindAfterHours': 0,
  'approval.escalateAfterHours': 0,
  'tickets.remindAfterHours': 0,
};
export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];
