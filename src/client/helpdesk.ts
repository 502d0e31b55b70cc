import type {
  Agent,
  ApprovalMode,
  AuditEntry,
  AuditFilter,
  NotificationFilter,
  NotificationDetail,
  DeliveryReport,
  DeliverRequest,
  RetryReport,
  Category,
  Conversation,
  ConversationDetail,
  CreateOutcome,
  Customer,
  DecisionReport,
  Department,
  Draft,
  DraftFilter,
  DryRunReport,
  IncomingMessageInput,
  Notification,
  Organization,
  ParticipantsReport,
  ReceiveResult,
  Rule,
  Settings,
  SettingKey,
  Tenant,
  Ticket,
  TicketDetail,
  TicketFilter,
  Topic,
} from '../core/schemas.js';
import type { NewCustomer, CustomerPatch } from '../engine/customers.js';
import type { AgentPatch } from '../engine/catalog.js';
import type { DecideHooks, DecideRequest } from '../engine/drafts.js';
import type { RuleSpec } from '../engine/rules.js';
import type { BatchReport } from '../engine/tickets.js';
import type { AgentSummaryRow, ApprovalStatsQuery, ApprovalStatsRow, StatsQuery, StatsRow } from '../core/stats.js';
import type { GenerateHooks, GenerateOptions, GenerateReport } from '../engine/generate.js';
import type { SeedOptions, SeedReport } from '../engine/seed.js';
import type { TokenInfo } from '../engine/tokens.js';
import type { NewTopic } from '../engine/topics.js';

export type { NewTopic };
import type { ConversationFilter } from '../engine/whatsapp.js';
import type { PushSecretClearResult, PushSecretRequest, PushSecretSetResult, PushSecretStatus } from '../core/push-secret.js';
import type { WhatsappConnectRequest, WhatsappConnectResult, WhatsappDisconnectResult, WhatsappStatus } from '../core/whatsapp-connection.js';

export type { ConversationFilter };
import type { Explanation } from '../engine/approval.js';
import type { ConfigApplied, ConfigPlan } from '../engine/config.js';
import type { ConfigDoc } from '../core/config.js';
import type { RestoreReport, RestoreRequest } from '../engine/restore.js';
import type { TemplateChange, TemplateDetail, TemplateInfo, TemplateInput } from '../engine/templates.js';

export type { TemplateChange, TemplateDetail, TemplateInfo, TemplateInput };

export type { Explanation, ConfigApplied, ConfigPlan, ConfigDoc, RestoreReport, RestoreRequest };
export type { AgentPatch, NewCustomer, CustomerPatch, DecideHooks, DecideRequest, RuleSpec, BatchReport, TokenInfo };

/** Acting as a customer (`--as EMAIL`): a manager within R13, or a requester within R12. */
export interface As {
  as?: string;
}

/**
 * Everything a command can ask of a helpdesk. The local backend runs the engine in-process; the
 * remote one speaks to `deskctl serve`. Commands see nothing else.
 */
export interface Helpdesk {
  readonly tenant: string;

  listTenants(): Promise<Tenant[]>;
  createTenant(slug: string, name?: string): Promise<Tenant>;
  removeTenant(slug: string): Promise<{ removed: string }>;

  getSettings(): Promise<Settings>;
  setSetting(key: string, value: unknown): Promise<{ key: SettingKey; value: unknown; changed: boolean }>;
  getApproval(): Promise<{ mode: ApprovalMode; rules: Rule[] }>;

  listRules(): Promise<Rule[]>;
  addRule(spec: RuleSpec): Promise<Rule>;
  removeRules(ids: number[]): Promise<{ removed: Rule[] }>;
  removeRuleMatching(spec: RuleSpec): Promise<{ removed: Rule[] }>;

  listDepartments(): Promise<Department[]>;
  addDepartment(name: string): Promise<Department>;
  removeDepartment(name: string): Promise<{ removed: string }>;
  listCategories(department?: string): Promise<Category[]>;
  addCategory(name: string, department: string): Promise<Category>;
  removeCategory(name: string, department: string): Promise<{ removed: string }>;

  listOrganizations(): Promise<Organization[]>;
  addOrganization(name: string, parent?: string): Promise<Organization>;
  setOrganizationParent(name: string, parent: string | null): Promise<Organization & { changed: boolean }>;
  removeOrganization(name: string): Promise<{ removed: string }>;

  listCustomers(filter?: { org?: string; managers?: boolean }): Promise<Customer[]>;
  addCustomer(input: NewCustomer): Promise<Customer>;
  setCustomer(email: string, patch: CustomerPatch): Promise<Customer & { changed: boolean }>;
  removeCustomer(email: string): Promise<{ removed: string; draftsRemoved: number }>;

  listAgents(): Promise<Agent[]>;
  addAgent(input: { email: string; name: string; departments?: string[]; admin?: boolean }): Promise<Agent>;
  setAgent(email: string, patch: AgentPatch): Promise<Agent & { changed: boolean }>;
  /** Removes an agent; their tickets are left unassigned. */
  removeAgent(email: string): Promise<{ removed: string; ticketsUnassigned: number }>;

  createTicket(request: unknown): Promise<CreateOutcome>;
  listTickets(filter: TicketFilter, opts?: As): Promise<Ticket[]>;
  getTicket(ref: string, opts?: As): Promise<TicketDetail>;
  solveTickets(ids: number[], message?: string): Promise<BatchReport>;
  closeTickets(ids: number[]): Promise<BatchReport>;
  reopenTickets(ids: number[], message: string): Promise<BatchReport>;
  replyTicket(id: number, message: string): Promise<BatchReport>;
  linkProcess(id: number, ref: string): Promise<BatchReport>;
  rateTicket(id: number, rating: number, comment?: string): Promise<BatchReport>;
  /** Assigns tickets to an agent of their department, or unassigns them (null). */
  assignTickets(ids: number[], agent: string | null): Promise<BatchReport>;
  /** R39: a ticket's participants (as the caller, or `as`, may see the ticket). */
  listParticipants(ref: string, opts?: As): Promise<ParticipantsReport>;
  /** R39: the requester (`as`) or an admin adds customers of the requester's organization. */
  addParticipants(ref: string, emails: string[], opts?: As): Promise<ParticipantsReport>;
  removeParticipants(ref: string, emails: string[], opts?: As): Promise<ParticipantsReport>;

  /** R42: topics and what each requires of the tickets created with it. */
  listTopics(): Promise<Topic[]>;
  addTopic(input: NewTopic): Promise<Topic>;
  /** Refused while tickets or drafts use it. */
  removeTopic(name: string): Promise<{ removed: string }>;

  listDrafts(filter: DraftFilter, opts?: As): Promise<Draft[]>;
  getDraft(id: number, opts?: As): Promise<Draft>;
  decideDrafts(request: DecideRequest & As, hooks?: DecideHooks): Promise<DecisionReport | DryRunReport>;

  createToken(input: { name: string; role: string; customer?: string | null }): Promise<{ name: string; role: string; customer: string | null; token: string }>;
  listTokens(): Promise<TokenInfo[]>;
  revokeToken(name: string): Promise<{ revoked: string }>;

  /** `deskctl whatsapp receive`: one incoming message through the conversation flow, as the webhook takes it (R24-R31). */
  receiveWhatsApp(message: IncomingMessageInput): Promise<ReceiveResult>;
  listConversations(filter: ConversationFilter): Promise<Conversation[]>;
  getConversation(id: number): Promise<ConversationDetail>;
  /** R28: the conversation's agent (null: none); with agentSync creation-and-conversation, its ticket's too. */
  assignConversation(id: number, agent: string | null): Promise<Conversation & { changed: boolean; ticketAgentChanged: boolean }>;
  closeConversation(id: number): Promise<Conversation & { changed: boolean }>;
  /** `whatsapp show`: the connection (never a secret) and the whatsapp.* settings. */
  whatsappStatus(): Promise<WhatsappStatus>;
  /** `whatsapp connect`: the secrets go in here and are never returned. */
  connectWhatsapp(input: WhatsappConnectRequest): Promise<WhatsappConnectResult>;
  disconnectWhatsapp(): Promise<WhatsappDisconnectResult>;
  /** `notifications push-secret`: the push URL, and whether a push secret is set (never the secret, R33). */
  pushSecretStatus(): Promise<PushSecretStatus>;
  /** `notifications push-secret --stdin`: the secret goes in here and is never returned. */
  setPushSecret(input: PushSecretRequest): Promise<PushSecretSetResult>;
  clearPushSecret(): Promise<PushSecretClearResult>;
  /** R36: what creating this request would do, condition by condition; creates nothing. */
  explainApproval(request: { requester: string; department: string; category?: string | null; channel?: string }): Promise<Explanation>;
  /** R37: the configuration in the fixture format. */
  exportConfig(): Promise<ConfigDoc>;
  /** R37: the changes applying a configuration would make, and the fingerprint of the state they were planned against. */
  planConfig(config: unknown): Promise<ConfigPlan>;
  /** R37: applies a configuration in one transaction; with a fingerprint, only to that state. */
  applyConfig(config: unknown, fingerprint?: string): Promise<ConfigApplied>;
  /** R38: rejected drafts back as pending drafts, by ids or by batch, within undo.windowHours. */
  restoreDrafts(request: RestoreRequest): Promise<RestoreReport>;

  /** R34: every template (each kind in each locale), overridden or built-in. */
  listTemplates(): Promise<TemplateInfo[]>;
  /** R34: a template in effect with the fields it may use; the tenant's locale when none is given. */
  showTemplate(kind: string, locale?: string): Promise<TemplateDetail>;
  /** R34: overrides a template, checked first (an unknown field, a partial, unescaped output: invalid input, nothing written). */
  setTemplate(kind: string, input: TemplateInput): Promise<TemplateChange>;
  /** R34: back to the built-in template of a kind in a locale. */
  resetTemplate(kind: string, locale: string): Promise<TemplateChange>;

  listNotifications(filter: NotificationFilter): Promise<Notification[]>;
  /** R33: one notification with its body and attempts. */
  getNotification(id: number): Promise<NotificationDetail>;
  /** R33: one delivery run of this tenant's due notifications (local: this process's channels; remote: the server's). */
  deliverNotifications(request: DeliverRequest): Promise<DeliveryReport>;
  /** R33: notifications due again now, by ids or every failed one. */
  retryNotifications(request: { ids?: number[]; failed?: boolean; dryRun?: boolean }): Promise<RetryReport>;
  listAudit(filter: AuditFilter): Promise<AuditEntry[]>;

  /** `deskctl seed`: a parsed fixture (YAML or JSON) applied to this tenant in one transaction. */
  seed(fixture: unknown, opts?: SeedOptions): Promise<SeedReport>;
  /** `deskctl tenants create <slug> --from FILE`: a new tenant and its fixture in one transaction. */
  createTenantFromFixture(slug: string, fixture: unknown, opts?: SeedOptions & { name?: string }): Promise<SeedReport & { created: Tenant }>;
  /** `deskctl generate`: synthetic data in an empty tenant, all or nothing. */
  generate(options: GenerateOptions, hooks?: GenerateHooks): Promise<GenerateReport>;
  /** `deskctl stats export` (R23): one plain row per group, streamed (columns: statsColumns(query)). */
  exportStats(query: StatsQuery): AsyncIterable<StatsRow>;
  /** `deskctl stats approvals` (R23). */
  approvalStats(query: ApprovalStatsQuery): Promise<ApprovalStatsRow[]>;
  /** `deskctl stats summary`: per agent, pending, due today and overdue (R18, seed 003). */
  agentSummary(): Promise<AgentSummaryRow[]>;

  close(): Promise<void>;
}
