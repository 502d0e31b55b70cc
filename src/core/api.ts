import { z } from 'zod';
import { BATCH_PATTERN, MAX_CHUNK } from './decisions.js';
import {
  AGENT_SYNC_MODES,
  AgentShape,
  APPROVAL_MODES,
  AuditEntryShape,
  CategoryShape,
  CHANNELS,
  ConversationDetailShape,
  ConversationShape,
  CONVERSATION_STATES,
  CreateOutcomeShape,
  CustomerShape,
  DecisionResultShape,
  DepartmentShape,
  DraftFilter,
  DraftShape,
  DryRunReportShape,
  IncomingMessageInput,
  LOCALES,
  ExplanationShape,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  NotificationShape,
  NotificationDetailShape,
  DeliveryReportShape,
  RetryReportShape,
  OrganizationShape,
  ParticipantsReportShape,
  PRIORITIES,
  ReceiveResultShape,
  RULE_SCOPES,
  SERVICE_CHANNELS,
  RuleShape,
  STATUSES,
  TenantShape,
  TicketDetailShape,
  TicketShape,
  TopicShape,
  VISIBILITIES,
} from './schemas.js';
import { PushSecretClearShape, PushSecretInput, PushSecretSetShape, PushSecretStatusShape } from './push-secret.js';
import { TEMPLATE_KINDS } from './model.js';
import { WhatsappConnectInput, WhatsappConnectResultShape, WhatsappDisconnectShape, WhatsappStatusShape } from './whatsapp-connection.js';

/**
 * The helpdesk's HTTP API, described once: the server registers these operations, the remote
 * backend calls them and checks every answer against `response`, and /v1/openapi.json is made
 * from them. Paths are under /v1/tenants/{tenant} unless `global` is set.
 */

export type Role = 'admin' | 'manager' | 'customer';
export const ADMIN: readonly Role[] = ['admin'];
export const ANYONE: readonly Role[] = ['admin', 'manager', 'customer'];
export const DECIDERS: readonly Role[] = ['admin', 'manager'];

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  summary: string;
  roles: readonly Role[];
  response: z.ZodType;
  /** A list answered page by page: `{items, next}`; `limit` and `after` in the query. */
  paginated?: boolean;
  /** Sent with an Idempotency-Key; a replay returns the first answer. */
  idempotent?: boolean;
  global?: boolean;
  status?: number;
  /** Answered as NDJSON, one `response` per line, streamed (statistics exports). */
  stream?: boolean;
  /** A larger body than the server's default (fixtures). */
  bodyLimit?: number;
  /** The request body, validated by the server before the operation runs (unknown keys refused). */
  body?: z.ZodType;
}

const Tenant = TenantShape;
const Department = DepartmentShape;
const Category = CategoryShape;
const Organization = OrganizationShape;
const Customer = CustomerShape;
const Agent = AgentShape;
const Notification = NotificationShape;
const AuditEntry = AuditEntryShape;
const TokenInfo = z.object({ name: z.string(), role: z.string(), customer: z.string().nullable(), createdAt: z.string(), lastUsedAt: z.string().nullable() });
const Settings = z.object({
  'approval.mode': z.enum(APPROVAL_MODES),
  'reopen.allowed': z.boolean(),
  'response.forecastHours': z.number(),
  timezone: z.string(),
  'tickets.customerCreation': z.boolean(),
  'tickets.attachments': z.boolean(),
  locale: z.enum(LOCALES),
  'portal.url': z.string().nullable(),
  'whatsapp.autoTicket': z.boolean(),
  'whatsapp.emailRequired': z.boolean(),
  'whatsapp.emailAttempts': z.number(),
  'whatsapp.ticket.title': z.string().nullable(),
  'whatsapp.ticket.department': z.string().nullable(),
  'whatsapp.ticket.category': z.string().nullable(),
  'whatsapp.ticket.type': z.string().nullable(),
  'whatsapp.ticket.priority': z.enum(PRIORITIES),
  'whatsapp.agentSync': z.enum(AGENT_SYNC_MODES),
  'whatsapp.closeAfterMinutes': z.number(),
  'undo.windowHours': z.number(),
  'notifications.from': z.string().nullable(),
  'notifications.pushUrl': z.string().nullable(),
  'approval.remindAfterHours': z.number(),
  'approval.escalateAfterHours': z.number(),
  'tickets.remindAfterHours': z.number(),
});
const ErrorBody = z.object({ code: z.string(), message: z.string() });
const DecisionResult = DecisionResultShape;
const BatchReport = z.object({
  requested: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  results: z.array(
    z.object({
      id: z.number(),
      ok: z.boolean(),
      changed: z.boolean().optional(),
      ticket: z.object({ id: z.number(), protocol: z.string(), status: z.string() }).optional(),
      error: ErrorBody.optional(),
    }),
  ),
});
const Removed = z.object({ removed: z.string() });
const RulesRemoved = z.object({ removed: z.array(RuleShape) });
const Changed = z.object({ changed: z.boolean() });

export const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next: z.number().nullable() });

/** Bodies of the operations that take one (validated by the server, sent by the client); unknown keys are refused, never ignored. */
export const Bodies = {
  setSetting: z.strictObject({ value: z.unknown() }),
  rule: z.strictObject({ department: z.string(), scope: z.enum(RULE_SCOPES), category: z.string().nullish() }),
  ids: z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000) }),
  name: z.strictObject({ name: z.string() }),
  category: z.strictObject({ name: z.string(), department: z.string() }),
  organization: z.strictObject({ name: z.string(), parent: z.string().optional() }),
  parent: z.strictObject({ parent: z.string().nullable() }),
  customer: z.strictObject({
    email: z.string(),
    name: z.string(),
    org: z.string().optional(),
    manager: z.boolean().optional(),
    phone: z.string().optional(),
    active: z.boolean().optional(),
    blockAutomaticMessages: z.boolean().optional(),
  }),
  customerPatch: z.strictObject({
    org: z.string().nullable().optional(),
    manager: z.boolean().optional(),
    active: z.boolean().optional(),
    name: z.string().optional(),
    phone: z.string().nullable().optional(),
    blockAutomaticMessages: z.boolean().optional(),
  }),
  agent: z.strictObject({ email: z.string(), name: z.string(), departments: z.array(z.string()).optional(), admin: z.boolean().optional() }),
  agentPatch: z.strictObject({
    name: z.string().optional(),
    admin: z.boolean().optional(),
    addDepartments: z.array(z.string()).optional(),
    removeDepartments: z.array(z.string()).optional(),
  }),
  solve: z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000), message: z.string().optional() }),
  reopen: z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000), message: z.string() }),
  assign: z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000), agent: z.string().nullable() }),
  message: z.strictObject({ message: z.string() }),
  process: z.strictObject({ ref: z.string() }),
  rating: z.strictObject({ rating: z.number(), comment: z.string().optional() }),
  decision: z.strictObject({
    decision: z.enum(['approve', 'reject']),
    ids: z.array(z.number().int().positive()).min(1).max(MAX_CHUNK).optional(),
    // A mistyped filter key would widen the decision to every draft: refused like any other.
    filter: DraftFilter.strict().optional(),
    reason: z.string().optional(),
    after: z.number().int().nonnegative().optional(),
    limit: z.number().int().positive().max(MAX_CHUNK).optional(),
    count: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    as: z.string().optional(),
    /** R38: the batch every chunk of one bulk decision is recorded under (drafts restore --batch). */
    batch: z.string().regex(BATCH_PATTERN, 'a batch id is 1-64 letters, digits, dashes or underscores').optional(),
  }),
  token: z.strictObject({ name: z.string(), role: z.string(), customer: z.string().nullish() }),
  seed: z.strictObject({ fixture: z.unknown(), dryRun: z.boolean().optional() }),
  /** R36: a hypothetical request (its other fields do not matter to R7). */
  explain: z.strictObject({
    requester: z.string(),
    department: z.string(),
    category: z.string().nullish(),
    channel: z.enum(CHANNELS, { error: `expected one of ${CHANNELS.join(', ')}` }).optional(),
  }),
  /** R37: a configuration file (the fixture format), parsed. */
  config: z.strictObject({ config: z.unknown() }),
  /** R37: with the fingerprint of the plan it was made against, refused when the configuration changed since. */
  configApply: z.strictObject({ config: z.unknown(), fingerprint: z.string().max(200).optional() }),
  /** R38: drafts by id, or every draft of one bulk rejection. */
  restore: z.strictObject({
    ids: z.array(z.number().int().positive()).min(1).max(MAX_CHUNK).optional(),
    batch: z.string().regex(BATCH_PATTERN, 'a batch id is 1-64 letters, digits, dashes or underscores').optional(),
    dryRun: z.boolean().optional(),
  }),
  tenant: z.strictObject({ slug: z.string(), name: z.string().optional() }),
  /** R33: one delivery run of the tenant's due notifications (at most `limit` attempts). */
  deliver: z.strictObject({
    limit: z.number().int().positive().max(10_000).optional(),
    kind: z.enum(NOTIFICATION_KINDS, { error: `expected one of ${NOTIFICATION_KINDS.join(', ')}` }).optional(),
    channel: z.enum(NOTIFICATION_CHANNELS, { error: `expected one of ${NOTIFICATION_CHANNELS.join(', ')}` }).optional(),
    reminders: z.boolean().optional(),
  }),
  retry: z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(MAX_CHUNK).optional(), failed: z.boolean().optional(), dryRun: z.boolean().optional() }),
  tenantFromFixture: z.strictObject({ slug: z.string(), name: z.string().optional(), fixture: z.unknown(), dryRun: z.boolean().optional() }),
  generate: z.strictObject({
    orgs: z.union([z.number(), z.string()]).optional(),
    customers: z.union([z.number(), z.string()]).optional(),
    tickets: z.union([z.number(), z.string()]).optional(),
    drafts: z.union([z.number(), z.string()]).optional(),
    randomSeed: z.union([z.string(), z.number()]).optional(),
  }),
  /** A ticket request (R8): its fields are checked in full by the engine, as for every other channel. */
  /** The WhatsApp connection: its secrets travel only here, in the body (never in a path, a query or a log). */
  whatsappConnect: WhatsappConnectInput,
  /** R33: the push secret, likewise only in this body. */
  pushSecret: PushSecretInput,
  ticket: z.strictObject({
    requester: z.string().optional(),
    department: z.string(),
    category: z.string().nullish(),
    subject: z.string(),
    message: z.string(),
    channel: z.enum(CHANNELS, { error: `expected one of ${CHANNELS.join(', ')}` }).optional(),
    conversation: z.string().nullish(),
    fields: z.record(z.string(), z.string()).optional(),
    attachments: z.array(z.strictObject({ name: z.string(), size: z.number(), sha256: z.string() })).optional(),
    visibility: z.enum(VISIBILITIES).optional(),
    topic: z.string().nullish(),
    serviceChannel: z.enum(SERVICE_CHANNELS, { error: `expected one of ${SERVICE_CHANNELS.join(', ')}` }).nullish(),
    statusDetail: z.string().nullish(),
    processRef: z.string().nullish(),
    type: z.string().nullish(),
    priority: z.enum(PRIORITIES, { error: `expected one of ${PRIORITIES.join(', ')}` }).optional(),
  }),
  /** R42. */
  topic: z.strictObject({
    name: z.string(),
    requireProcess: z.boolean().optional(),
    requireServiceChannel: z.boolean().optional(),
    requireStatusDetail: z.boolean().optional(),
  }),
  /** R39: e-mails of customers; `as` the requester (an admin token acting for them). */
  participants: z.strictObject({ emails: z.array(z.string()).min(1).max(100), as: z.string().optional() }),
  /** One incoming WhatsApp message (`deskctl whatsapp receive`), checked in full by the engine's schema. */
  whatsappMessage: IncomingMessageInput,
  conversationAgent: z.strictObject({ agent: z.string().nullable() }),
  /** A close asks nothing more; a body with keys is refused like any other. */
  close: z.strictObject({}),
  /** R34: a template of a kind in a locale; without a subject the template keeps the one it has. Checked in full by the engine (fields, tags). */
  template: z.strictObject({ locale: z.string(), subject: z.string().nullish(), body: z.string() }),
} as const;

const SeedReport = z.object({ tenant: z.string(), dryRun: z.boolean(), changed: z.boolean(), counts: z.array(z.unknown()), heldForApproval: z.array(z.string()), notes: z.array(z.string()) });
const StatsRow = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));

const DryRun = DryRunReportShape;
const ConfigChange = z.object({ action: z.enum(['add', 'remove', 'change']), kind: z.string(), key: z.string(), from: z.unknown(), to: z.unknown() });
const ConfigPlan = z.object({ fingerprint: z.string(), changes: z.array(ConfigChange), summary: z.object({ add: z.number(), change: z.number(), remove: z.number() }) });
const ConfigDoc = z.object({ settings: z.record(z.string(), z.unknown()), departments: z.array(z.unknown()), organizations: z.array(z.unknown()), agents: z.array(z.unknown()), rules: z.array(z.unknown()) });
const RestoreReport = z.union([
  z.object({
    dryRun: z.literal(false),
    batch: z.string().nullable(),
    requested: z.number(),
    succeeded: z.number(),
    failed: z.number(),
    results: z.array(z.object({ id: z.number(), ok: z.boolean(), draft: DraftShape.optional(), error: ErrorBody.optional() })),
  }),
  z.object({ dryRun: z.literal(true), batch: z.string().nullable(), matched: z.number(), ids: z.array(z.number()) }),
]);
const Chunk = z.object({ results: z.array(DecisionResult), last: z.number().nullable(), remaining: z.number().optional(), batch: z.string().optional() });

/** R34: a template of the tenant, overridden or built-in (`templates list`). */
const TemplateInfo = z.object({
  kind: z.enum(TEMPLATE_KINDS),
  locale: z.enum(LOCALES),
  overridden: z.boolean(),
  subject: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
/** R34: one template in full, with the fields it may use (`templates show`). */
const TemplateDetail = TemplateInfo.extend({ body: z.string(), fields: z.array(z.object({ name: z.string(), description: z.string() })) });
const TemplateChange = TemplateDetail.extend(Changed.shape);

const op = (o: Operation) => o;

export const API = {
  listTenants: op({ method: 'GET', path: '/v1/tenants', summary: "The token's tenant", roles: ANYONE, response: z.array(Tenant), global: true }),
  createTenant: op({ method: 'POST', path: '/v1/tenants', summary: 'Refused: tenants are created on the server (deskctl --db FILE tenants create)', roles: ADMIN, response: Tenant, global: true, body: Bodies.tenant }),
  removeTenant: op({ method: 'DELETE', path: '/v1/tenants/:slug', summary: 'Refused: tenants are removed on the server', roles: ADMIN, response: Removed, global: true }),

  getSettings: op({ method: 'GET', path: '/settings', summary: 'Account settings', roles: ADMIN, response: Settings }),
  setSetting: op({ method: 'PUT', path: '/settings/:key', summary: 'Change one setting', roles: ADMIN, response: z.object({ key: z.string(), value: z.unknown(), changed: z.boolean() }), body: Bodies.setSetting }),
  getApproval: op({ method: 'GET', path: '/approval', summary: 'Approval mode and rules (R5, R6)', roles: ADMIN, response: z.object({ mode: z.enum(APPROVAL_MODES), rules: z.array(RuleShape) }) }),

  listRules: op({ method: 'GET', path: '/rules', summary: 'Approval rules', roles: ADMIN, response: z.array(RuleShape) }),
  addRule: op({ method: 'POST', path: '/rules', summary: 'Add a rule (a duplicate is a conflict, R6)', roles: ADMIN, response: RuleShape, status: 201, body: Bodies.rule }),
  removeRules: op({ method: 'POST', path: '/rules/remove', summary: 'Remove rules by id, all or none', roles: ADMIN, response: RulesRemoved, body: Bodies.ids }),
  removeRuleMatching: op({ method: 'POST', path: '/rules/remove-matching', summary: 'Remove the rule that matches', roles: ADMIN, response: RulesRemoved, body: Bodies.rule }),

  listDepartments: op({ method: 'GET', path: '/departments', summary: 'Departments and their categories', roles: ANYONE, response: z.array(Department) }),
  addDepartment: op({ method: 'POST', path: '/departments', summary: 'Add a department', roles: ADMIN, response: Department, status: 201, body: Bodies.name }),
  removeDepartment: op({ method: 'DELETE', path: '/departments/:name', summary: 'Remove an unused department', roles: ADMIN, response: Removed }),
  listCategories: op({ method: 'GET', path: '/categories', summary: 'Categories', roles: ANYONE, response: z.array(Category) }),
  addCategory: op({ method: 'POST', path: '/categories', summary: 'Add a category', roles: ADMIN, response: Category, status: 201, body: Bodies.category }),
  removeCategory: op({ method: 'DELETE', path: '/departments/:department/categories/:name', summary: 'Remove an unused category', roles: ADMIN, response: Removed }),

  listTopics: op({ method: 'GET', path: '/topics', summary: 'Topics and what each requires of its tickets (R42)', roles: ANYONE, response: z.array(TopicShape) }),
  addTopic: op({ method: 'POST', path: '/topics', summary: 'Add a topic (R42)', roles: ADMIN, response: TopicShape, status: 201, body: Bodies.topic }),
  removeTopic: op({ method: 'DELETE', path: '/topics/:name', summary: 'Remove a topic no ticket or draft uses (R42)', roles: ADMIN, response: Removed }),

  listOrganizations: op({ method: 'GET', path: '/organizations', summary: 'Organizations', roles: ADMIN, response: z.array(Organization) }),
  addOrganization: op({ method: 'POST', path: '/organizations', summary: 'Add an organization', roles: ADMIN, response: Organization, status: 201, body: Bodies.organization }),
  setOrganizationParent: op({ method: 'PUT', path: '/organizations/:name/parent', summary: 'Set or clear the parent (R2)', roles: ADMIN, response: Organization.extend(Changed.shape), body: Bodies.parent }),
  removeOrganization: op({ method: 'DELETE', path: '/organizations/:name', summary: 'Remove an organization', roles: ADMIN, response: Removed }),

  listCustomers: op({ method: 'GET', path: '/customers', summary: 'Customers', roles: ADMIN, response: z.array(Customer) }),
  addCustomer: op({ method: 'POST', path: '/customers', summary: 'Add a customer', roles: ADMIN, response: Customer, status: 201, body: Bodies.customer }),
  setCustomer: op({ method: 'PATCH', path: '/customers/:email', summary: 'Change a customer', roles: ADMIN, response: Customer.extend(Changed.shape), body: Bodies.customerPatch }),
  removeCustomer: op({ method: 'DELETE', path: '/customers/:email', summary: 'Remove a customer and their drafts (R15)', roles: ADMIN, response: z.object({ removed: z.string(), draftsRemoved: z.number() }) }),

  listAgents: op({ method: 'GET', path: '/agents', summary: 'Agents', roles: ADMIN, response: z.array(Agent) }),
  addAgent: op({ method: 'POST', path: '/agents', summary: 'Add an agent', roles: ADMIN, response: Agent, status: 201, body: Bodies.agent }),
  setAgent: op({ method: 'PATCH', path: '/agents/:email', summary: "Change an agent's name, admin flag or departments", roles: ADMIN, response: Agent.extend(Changed.shape), body: Bodies.agentPatch }),
  removeAgent: op({ method: 'DELETE', path: '/agents/:email', summary: 'Remove an agent (their tickets are left unassigned)', roles: ADMIN, response: z.object({ removed: z.string(), ticketsUnassigned: z.number() }) }),

  createTicket: op({
    body: Bodies.ticket,
    method: 'POST',
    path: '/tickets',
    summary: 'Open a ticket request: a ticket, or a draft when approval applies (R7)',
    roles: ANYONE,
    response: CreateOutcomeShape,
    status: 201,
    idempotent: true,
  }),
  listTickets: op({ method: 'GET', path: '/tickets', summary: 'Tickets, oldest first (scoped to the caller, R21)', roles: ANYONE, response: Page(TicketShape), paginated: true }),
  getTicket: op({ method: 'GET', path: '/tickets/:ref', summary: 'One ticket by id or protocol', roles: ANYONE, response: TicketDetailShape }),
  solveTickets: op({ method: 'POST', path: '/tickets/solve', summary: 'Solve tickets', roles: ADMIN, response: BatchReport, body: Bodies.solve }),
  closeTickets: op({ method: 'POST', path: '/tickets/close', summary: 'Close tickets', roles: ADMIN, response: BatchReport, body: Bodies.ids }),
  reopenTickets: op({ method: 'POST', path: '/tickets/reopen', summary: 'Reopen solved tickets (R19)', roles: ADMIN, response: BatchReport, body: Bodies.reopen }),
  replyTicket: op({ method: 'POST', path: '/tickets/:id/replies', summary: "An agent's answer", roles: ADMIN, response: BatchReport, body: Bodies.message }),
  linkProcess: op({ method: 'PUT', path: '/tickets/:id/process', summary: 'Link a process (R19)', roles: ADMIN, response: BatchReport, body: Bodies.process }),
  rateTicket: op({ method: 'PUT', path: '/tickets/:id/rating', summary: 'Rate a solved or closed ticket (R20)', roles: ADMIN, response: BatchReport, body: Bodies.rating }),
  listParticipants: op({ method: 'GET', path: '/tickets/:ref/participants', summary: "A ticket's participants (R39)", roles: ANYONE, response: ParticipantsReportShape }),
  addParticipants: op({ method: 'POST', path: '/tickets/:ref/participants', summary: 'Add participants: customers of the requester\'s organization (the requester or an admin, R39)', roles: ANYONE, response: ParticipantsReportShape, body: Bodies.participants }),
  removeParticipants: op({ method: 'POST', path: '/tickets/:ref/participants/remove', summary: 'Remove participants (the requester or an admin, R39)', roles: ANYONE, response: ParticipantsReportShape, body: Bodies.participants }),
  assignTickets: op({ method: 'POST', path: '/tickets/assign', summary: 'Assign tickets to an agent of their department, or unassign them', roles: ADMIN, response: BatchReport, body: Bodies.assign }),

  listDrafts: op({ method: 'GET', path: '/drafts', summary: 'Pending drafts the caller may see (R12, R13)', roles: ANYONE, response: Page(DraftShape), paginated: true }),
  getDraft: op({ method: 'GET', path: '/drafts/:id', summary: 'One draft with its details (managers, R12)', roles: ANYONE, response: DraftShape }),
  decideDrafts: op({
    body: Bodies.decision,
    method: 'POST',
    path: '/drafts/decisions',
    summary: 'Decide one chunk of drafts atomically (ids, or the next drafts matching a filter), once per Idempotency-Key (R13)',
    roles: DECIDERS,
    response: z.union([Chunk, DryRun]),
    idempotent: true,
  }),

  createToken: op({ method: 'POST', path: '/tokens', summary: 'Create a token (shown once)', roles: ADMIN, response: z.object({ name: z.string(), role: z.string(), customer: z.string().nullable(), token: z.string() }), status: 201, body: Bodies.token }),
  listTokens: op({ method: 'GET', path: '/tokens', summary: 'Live tokens (never the token itself)', roles: ADMIN, response: z.array(TokenInfo) }),
  revokeToken: op({ method: 'DELETE', path: '/tokens/:name', summary: 'Revoke a token', roles: ADMIN, response: z.object({ revoked: z.string() }) }),

  seed: op({ method: 'POST', path: '/seed', summary: 'Apply a fixture in one transaction (idempotent by natural keys)', roles: ADMIN, response: SeedReport, bodyLimit: 64 * 1_048_576, body: Bodies.seed }),
  createTenantFromFixture: op({ method: 'POST', path: '/v1/tenants/from-fixture', summary: 'Refused: tenants are created on the server', roles: ADMIN, response: SeedReport, global: true, body: Bodies.tenantFromFixture }),
  generate: op({ method: 'POST', path: '/generate', summary: 'Synthetic data in an empty tenant, all or nothing', roles: ADMIN, response: z.object({ tenant: z.string(), tickets: z.number() }), body: Bodies.generate }),
  exportStats: op({ method: 'GET', path: '/stats/tickets', summary: 'Ticket statistics (R23), one NDJSON row per group', roles: ADMIN, response: StatsRow, stream: true }),
  approvalStats: op({ method: 'GET', path: '/stats/approvals', summary: 'Approval statistics (R23)', roles: ADMIN, response: z.array(z.record(z.string(), z.unknown())) }),
  agentSummary: op({ method: 'GET', path: '/stats/agents', summary: 'Per agent: pending, due today, overdue', roles: ADMIN, response: z.array(z.record(z.string(), z.unknown())) }),

  receiveWhatsApp: op({
    method: 'POST',
    path: '/whatsapp/messages',
    summary: 'One incoming WhatsApp message through the conversation flow, as the webhook takes it (R24-R31)',
    roles: ADMIN,
    response: ReceiveResultShape,
    body: Bodies.whatsappMessage,
  }),
  listConversations: op({ method: 'GET', path: '/conversations', summary: 'WhatsApp conversations, oldest first (R29: closed after closeAfterMinutes)', roles: ADMIN, response: Page(ConversationShape), paginated: true }),
  getConversation: op({ method: 'GET', path: '/conversations/:id', summary: 'One conversation with its messages', roles: ADMIN, response: ConversationDetailShape }),
  assignConversation: op({
    method: 'PUT',
    path: '/conversations/:id/agent',
    summary: "Assign or unassign a conversation's agent (R28)",
    roles: ADMIN,
    response: ConversationShape.extend({ changed: z.boolean(), ticketAgentChanged: z.boolean() }),
    body: Bodies.conversationAgent,
  }),
  closeConversation: op({ method: 'POST', path: '/conversations/:id/close', summary: 'Close a conversation (R29)', roles: ADMIN, response: ConversationShape.extend(Changed.shape), body: Bodies.close }),
  getWhatsapp: op({ method: 'GET', path: '/whatsapp/connection', summary: 'The WhatsApp connection (never its secrets) and the whatsapp.* settings', roles: ADMIN, response: WhatsappStatusShape }),
  connectWhatsapp: op({ method: 'PUT', path: '/whatsapp/connection', summary: 'Connect a WhatsApp Business number, or replace the connection (secrets in the body, never shown again)', roles: ADMIN, response: WhatsappConnectResultShape, body: Bodies.whatsappConnect }),
  disconnectWhatsapp: op({ method: 'DELETE', path: '/whatsapp/connection', summary: 'Remove the WhatsApp connection and its secrets', roles: ADMIN, response: WhatsappDisconnectShape }),
  explainApproval: op({ method: 'POST', path: '/approval/explain', summary: 'Explain whether a request would wait for approval, condition by condition (R36); creates nothing', roles: DECIDERS, response: ExplanationShape, body: Bodies.explain }),
  exportConfig: op({ method: 'GET', path: '/config', summary: 'The configuration in the fixture format (R37)', roles: ADMIN, response: ConfigDoc }),
  planConfig: op({ method: 'POST', path: '/config/plan', summary: 'What applying a configuration would change (R37); writes nothing', roles: ADMIN, response: ConfigPlan, bodyLimit: 16 * 1_048_576, body: Bodies.config }),
  applyConfig: op({ method: 'POST', path: '/config/apply', summary: 'Apply a configuration in one transaction; refused when the fingerprint no longer matches (R37)', roles: ADMIN, response: ConfigPlan.extend({ after: z.string() }), bodyLimit: 16 * 1_048_576, body: Bodies.configApply }),
  restoreDrafts: op({ method: 'POST', path: '/drafts/restore', summary: 'Restore rejected drafts within undo.windowHours, by ids or batch (R38)', roles: ADMIN, response: RestoreReport, body: Bodies.restore }),

  listTemplates: op({ method: 'GET', path: '/templates', summary: 'Every template of every kind in each locale, overridden or built-in (R34)', roles: ADMIN, response: z.array(TemplateInfo) }),
  getTemplate: op({ method: 'GET', path: '/templates/:kind', summary: "A template in effect, its body and the fields it may use (R34); ?locale= (default: the tenant's)", roles: ADMIN, response: TemplateDetail }),
  setTemplate: op({ method: 'PUT', path: '/templates/:kind', summary: 'Override a template in a locale; refused when it uses an unknown field, a partial or unescaped output (R34)', roles: ADMIN, response: TemplateChange, body: Bodies.template }),
  resetTemplate: op({ method: 'DELETE', path: '/templates/:kind', summary: 'Back to the built-in template in a locale (?locale=, R34)', roles: ADMIN, response: TemplateChange }),

  listNotifications: op({ method: 'GET', path: '/notifications', summary: 'The notification outbox (R22)', roles: ADMIN, response: Page(Notification), paginated: true }),
  getNotification: op({ method: 'GET', path: '/notifications/:id', summary: 'One notification with its body and its delivery attempts (R33)', roles: ADMIN, response: NotificationDetailShape }),
  deliverNotifications: op({
    method: 'POST',
    path: '/notifications/deliver',
    summary: "Deliver the tenant's due notifications now, through this server's channels (R33); the report of the run",
    roles: ADMIN,
    response: DeliveryReportShape,
    body: Bodies.deliver,
  }),
  retryNotifications: op({ method: 'POST', path: '/notifications/retry', summary: 'Make notifications due again now, by ids or every failed one (R33)', roles: ADMIN, response: RetryReportShape, body: Bodies.retry }),
  getPushSecret: op({ method: 'GET', path: '/notifications/push-secret', summary: 'The push URL and whether a push secret is set, and how it is stored (never the secret, R33)', roles: ADMIN, response: PushSecretStatusShape }),
  setPushSecret: op({ method: 'PUT', path: '/notifications/push-secret', summary: 'Set or replace the push secret that signs push notifications (in the body, never shown again, R33)', roles: ADMIN, response: PushSecretSetShape, body: Bodies.pushSecret }),
  clearPushSecret: op({ method: 'DELETE', path: '/notifications/push-secret', summary: 'Remove the push secret (push notifications wait until one is set)', roles: ADMIN, response: PushSecretClearShape }),
  listAudit: op({ method: 'GET', path: '/audit', summary: 'The audit trail', roles: ADMIN, response: Page(AuditEntry), paginated: true }),
} satisfies Record<string, Operation>;

export type OperationName = keyof typeof API;

/** The most items one page carries. */
export const PAGE_MAX = 1_000;

/** Query strings carry text: these read booleans and numbers back from it. */
export const queryBool = z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean().optional());
export const queryInt = z.preprocess((v) => (typeof v === 'string' && v !== '' ? Number(v) : v), z.number().int().nonnegative().optional());
/** Query parameters of the lists; an unknown parameter is refused, so a typo never widens a list. */
export const ListQuery = z.strictObject({ limit: queryInt, after: queryInt, as: z.string().optional() });
/** The query of the single-item reads: at most `as`. */
export const AsQuery = z.strictObject({ as: z.string().optional() });

export const DraftQuery = ListQuery.extend({
  org: z.string().optional(),
  includeChildren: queryBool,
  department: z.string().optional(),
  category: z.string().optional(),
  noCategory: queryBool,
  channel: z.enum(CHANNELS).optional(),
  requester: z.string().optional(),
  olderThanMs: queryInt,
});
export const TicketQuery = ListQuery.extend({
  status: z.enum(STATUSES).optional(),
  org: z.string().optional(),
  department: z.string().optional(),
  category: z.string().optional(),
  channel: z.enum(CHANNELS).optional(),
  agent: z.string().optional(),
  requester: z.string().optional(),
  overdue: queryBool,
  dueToday: queryBool,
});
export const NotificationQuery = ListQuery.extend({
  pending: queryBool,
  failed: queryBool,
  channel: z.enum(NOTIFICATION_CHANNELS, { error: `expected one of ${NOTIFICATION_CHANNELS.join(', ')}` }).optional(),
  to: z.string().optional(),
  kind: z.enum(NOTIFICATION_KINDS, { error: `expected one of ${NOTIFICATION_KINDS.join(', ')}` }).optional(),
});
export const ConversationQuery = ListQuery.extend({
  state: z.enum(CONVERSATION_STATES, { error: `expected one of ${CONVERSATION_STATES.join(', ')}` }).optional(),
  phone: z.string().optional(),
  customer: z.string().optional(),
});
export const AuditQuery = ListQuery.extend({
  action: z.string().optional(),
  entity: z.string().optional(),
  entityId: z.string().optional(),
  since: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'expected a date or time such as 2026-11-01 or 2026-11-01T12:00:00Z')
    .transform((s) => new Date(s).toISOString())
    .optional(),
});
