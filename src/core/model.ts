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
] as const;
export const NOTIFICATION_CHANNELS = ['email', 'push', 'whatsapp'] as const;
/** How a customer was served (R42: a topic may require one on its tickets). */
export const SERVICE_CHANNELS = ['phone', 'email', 'chat', 'in-person', 'whatsapp'] as const;
/** The customer area (R41: `tickets.customerCreation` opens or closes it): the panel and the app. */
export const CUSTOMER_AREA_CHANNELS = ['panel', 'app'] as const;

export type ApprovalMode = (typeof APPROVAL_MODES)[number];
export type Channel = (typeof CHANNELS)[number];
export type Status = (typeof STATUSES)[number];
export type Visibility = (typeof VISIBILITIES)[number];
export type RuleScope = (typeof RULE_SCOPES)[number];
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type ServiceChannel = (typeof SERVICE_CHANNELS)[number];

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
}
export type SettingKey = keyof Settings;
export const DEFAULT_SETTINGS: Settings = {
  'approval.mode': 'disabled',
  'reopen.allowed': false,
  'response.forecastHours': 24,
  timezone: 'UTC',
  'tickets.customerCreation': true,
  'tickets.attachments': true,
};
export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];
