import { userInfo } from 'node:os';
import { now as clock } from '../core/time.js';
import type * as catalog from '../engine/catalog.js';
import { chunkSizeFrom, type ChunkRequest } from '../core/decisions.js';
import { DeskctlError, forbidden } from '../core/errors.js';
import { actorLabel, tenantIdBySlug, type Actor, type EngineContext } from '../engine/context.js';
import type * as customers from '../engine/customers.js';
import type * as drafts from '../engine/drafts.js';
import type * as journal from '../engine/journal.js';
import type * as rules from '../engine/rules.js';
import type { IdempotencyGuard } from '../engine/idempotency.js';
import type * as tickets from '../engine/tickets.js';
import type * as topics from '../engine/topics.js';
import type * as generator from '../engine/generate.js';
import type * as seeding from '../engine/seed.js';
import type { StatsRow } from '../core/stats.js';
import { openStore, type Store } from '../store/store.js';
import type { As, ConversationFilter, Helpdesk } from './helpdesk.js';
import type { DeliverRequest, IncomingMessageInput } from '../core/schemas.js';
import { envSmtpUrl, lazyDelivery } from '../delivery/setup.js';
import { lazySecretsKey } from '../config/secrets-key.js';
import type { PushSecretRequest } from '../core/push-secret.js';
import type { WhatsappConnectRequest } from '../core/whatsapp-connection.js';

export interface LocalOptions {
  file: string;
  tenant: string;
  /** Who the operator is, for the audit trail. */
  operator?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * The tenants commands work on the database, not in a tenant: the tenant the run points at
   * (`DESKCTL_TENANT=ci-99 deskctl tenants create ci-99`) need not exist yet. Anything else asked
   * of such a helpdesk fails as before, naming the tenant.
   */
  tenantMayBeMissing?: boolean;
  /**
   * R33: the SMTP server of `notifications deliver` (DESKCTL_SMTP_URL or the profile's); null:
   * e-mails wait. A function is asked on first delivery only (a command that delivers nothing
   * never reads, nor fails on, the SMTP URL).
   */
  smtpUrl?: string | null | (() => string | null);
  /** Stops a delivery run (Ctrl-C): the messages in flight finish. */
  signal?: AbortSignal;
}

function operatorName(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local:operator';
  }
}

/** Engine modules, each loaded on first use: a read such as `approval show` loads no validator. */
const E = {
  catalog: () => import('../engine/catalog.js'),
  customers: () => import('../engine/customers.js'),
  drafts: () => import('../engine/drafts.js'),
  journal: () => import('../engine/journal.js'),
  rules: () => import('../engine/rules.js'),
  settings: () => import('../engine/settings.js'),
  templates: () => import('../engine/templates.js'),
  tenants: () => import('../engine/tenants.js'),
  tickets: () => import('../engine/tickets.js'),
  tokens: () => import('../engine/tokens.js'),
  topics: () => import('../engine/topics.js'),
  whatsapp: () => import('../engine/whatsapp.js'),
  whatsappConnection: () => import('../engine/whatsapp-connection.js'),
  outbox: () => import('../engine/outbox.js'),
  pushSecret: () => import('../engine/push-secret.js'),
};

/** The embedded backend: the engine in-process over a SQLite file. */
export async function openLocalHelpdesk(o: LocalOptions): Promise<Helpdesk> {
  const store = await openStore(o.file);
  try {
    const missing = await tenantIdBySlug(store, o.tenant).then(
      (id) => ({ id }),
      (e: unknown) => {
        if (o.tenantMayBeMissing && e instanceof DeskctlError && e.code === 'not_found') return { error: e };
        throw e;
      },
    );
    const ctx: EngineContext = {
      store,
      tenantId: 0,
      actor: { kind: 'admin', name: o.operator ?? operatorName() },
      now: () => clock(o.env),
      chunkSize: chunkSizeFrom(o.env),
      secretsKey: lazySecretsKey(o.env ?? process.env),
      signal: o.signal,
    };
    const env = o.env ?? process.env;
    const delivery = lazyDelivery(store, () => ({ env, smtpUrl: typeof o.smtpUrl === 'function' ? o.smtpUrl() : o.smtpUrl !== undefined ? o.smtpUrl : envSmtpUrl(env), secretsKey: ctx.secretsKey! }));
    ctx.delivery = delivery.get;
    ctx.closeDelivery = delivery.close;
    if ('id' in missing) ctx.tenantId = missing.id;
    else {
      Object.defineProperty(ctx, 'tenantId', {
        enumerable: true,
        get: () => {
          throw missing.error;
        },
      });
    }
    return new LocalHelpdesk(o.tenant, ctx, true);
  } catch (e) {
    await store.close();
    throw e;
  }
}

/**
 * The engine behind the Helpdesk interface for one tenant and one actor: the CLI's embedded
 * backend (the operator as admin), and the server's per-request backend (the token's identity).
 */
export class LocalHelpdesk implements Helpdesk {
  private readonly store: Store;
  private readonly operator: string;

  constructor(
    readonly tenant: string,
    private readonly ctx: EngineContext,
    /** Whether close() closes the store (the CLI's), or leaves it to its owner (the server's). */
    private readonly ownsStore: boolean,
  ) {
    this.store = ctx.store;
    this.operator = actorLabel(ctx.actor);
  }

  /** `--as EMAIL`: only the tenant's admin may act as a customer (R12, R13). */
  private async as(opts?: As): Promise<EngineContext> {
    if (!opts?.as) return this.ctx;
    if (this.ctx.actor.kind !== 'admin') throw forbidden('only an admin may act as another customer (--as)');
    const actor: Actor = await (await E.drafts()).resolveCustomerActor(this.store.db, this.ctx.tenantId, opts.as.trim().toLowerCase());
    return { ...this.ctx, actor };
  }

  /** One atomic chunk of a decision, at most once per Idempotency-Key (the API's bulk step). */
  decideChunk = async (request: ChunkRequest & As, guard?: IdempotencyGuard) => (await E.drafts()).decideChunk(await this.as(request), request, guard);

  listTenants = async () => (await E.tenants()).listTenants(this.store);
  createTenant = async (slug: string, name?: string) => (await E.tenants()).createTenant(this.store, this.operator, slug, name, this.ctx.now());
  removeTenant = async (slug: string) => (await E.tenants()).removeTenant(this.store, this.operator, slug, this.ctx.now());

  getSettings = async () => (await E.settings()).getSettings(this.ctx);
  setSetting = async (key: string, value: unknown) => (await E.settings()).setSetting(this.ctx, key, value);
  getApproval = async () => (await E.settings()).getApproval(this.ctx);

  listRules = async () => (await E.rules()).listRules(this.ctx);
  addRule = async (spec: rules.RuleSpec) => (await E.rules()).addRule(this.ctx, spec);
  removeRules = async (ids: number[]) => (await E.rules()).removeRules(this.ctx, ids);
  removeRuleMatching = async (spec: rules.RuleSpec) => (await E.rules()).removeRuleMatching(this.ctx, spec);

  listDepartments = async () => (await E.catalog()).listDepartments(this.ctx);
  addDepartment = async (name: string) => (await E.catalog()).addDepartment(this.ctx, name);
  removeDepartment = async (name: string) => (await E.catalog()).removeDepartment(this.ctx, name);
  listCategories = async (department?: string) => (await E.catalog()).listCategories(this.ctx, department);
  addCategory = async (name: string, department: string) => (await E.catalog()).addCategory(this.ctx, name, department);
  removeCategory = async (name: string, department: string) => (await E.catalog()).removeCategory(this.ctx, name, department);

  listOrganizations = async () => (await E.catalog()).listOrganizations(this.ctx);
  addOrganization = async (name: string, parent?: string) => (await E.catalog()).addOrganization(this.ctx, name, parent);
  setOrganizationParent = async (name: string, parent: string | null) => (await E.catalog()).setOrganizationParent(this.ctx, name, parent);
  removeOrganization = async (name: string) => (await E.catalog()).removeOrganization(this.ctx, name);

  listCustomers = async (filter?: { org?: string; managers?: boolean }) => (await E.customers()).listCustomers(this.ctx, filter);
  addCustomer = async (input: customers.NewCustomer) => (await E.customers()).addCustomer(this.ctx, input);
  setCustomer = async (email: string, patch: customers.CustomerPatch) => (await E.customers()).setCustomer(this.ctx, email, patch);
  removeCustomer = async (email: string) => (await E.customers()).removeCustomer(this.ctx, email);

  listAgents = async () => (await E.catalog()).listAgents(this.ctx);
  addAgent = async (input: Parameters<typeof catalog.addAgent>[1]) => (await E.catalog()).addAgent(this.ctx, input);
  setAgent = async (email: string, patch: catalog.AgentPatch) => (await E.catalog()).setAgent(this.ctx, email, patch);
  removeAgent = async (email: string) => (await E.catalog()).removeAgent(this.ctx, email);

  /** With a guard (the server's Idempotency-Key), a replay answers the first answer and opens nothing again. */
  createTicket = async (request: unknown, guard?: IdempotencyGuard) => (await E.tickets()).createTicket(this.ctx, request, guard);
  listTickets = async (filter: Parameters<typeof tickets.listTickets>[1], opts?: As) => (await E.tickets()).listTickets(await this.as(opts), filter);
  getTicket = async (ref: string, opts?: As) => (await E.tickets()).getTicket(await this.as(opts), ref);
  solveTickets = async (ids: number[], message?: string) => (await E.tickets()).solveTickets(this.ctx, ids, message);
  closeTickets = async (ids: number[]) => (await E.tickets()).closeTickets(this.ctx, ids);
  reopenTickets = async (ids: number[], message: string) => (await E.tickets()).reopenTickets(this.ctx, ids, message);
  replyTicket = async (id: number, message: string) => (await E.tickets()).replyTicket(this.ctx, id, message);
  linkProcess = async (id: number, ref: string) => (await E.tickets()).linkProcess(this.ctx, id, ref);
  rateTicket = async (id: number, rating: number, comment?: string) => (await E.tickets()).rateTicket(this.ctx, id, rating, comment);
  assignTickets = async (ids: number[], agent: string | null) => (await E.tickets()).assignTickets(this.ctx, ids, agent);
  listParticipants = async (ref: string, opts?: As) => (await E.tickets()).listParticipants(await this.as(opts), ref);
  addParticipants = async (ref: string, emails: string[], opts?: As) => (await E.tickets()).addParticipants(await this.as(opts), ref, emails);
  removeParticipants = async (ref: string, emails: string[], opts?: As) => (await E.tickets()).removeParticipants(await this.as(opts), ref, emails);

  listTopics = async () => (await E.topics()).listTopics(this.ctx);
  addTopic = async (input: topics.NewTopic) => (await E.topics()).addTopic(this.ctx, input);
  removeTopic = async (name: string) => (await E.topics()).removeTopic(this.ctx, name);

  listDrafts = async (filter: Parameters<typeof drafts.listDrafts>[1], opts?: As) => (await E.drafts()).listDrafts(await this.as(opts), filter);
  getDraft = async (id: number, opts?: As) => (await E.drafts()).getDraft(await this.as(opts), id);
  decideDrafts = async (request: drafts.DecideRequest & As, hooks?: drafts.DecideHooks) => {
    const ctx = await this.as(request);
    return request.dryRun ? (await E.drafts()).dryRunDecision(ctx, request) : (await E.drafts()).decideDrafts(ctx, request, hooks);
  };

  createToken = async (input: { name: string; role: string; customer?: string | null }) => (await E.tokens()).createToken(this.ctx, input);
  listTokens = async () => (await E.tokens()).listTokens(this.ctx);
  revokeToken = async (name: string) => (await E.tokens()).revokeToken(this.ctx, name);

  receiveWhatsApp = async (input: IncomingMessageInput) => {
    const [{ parseInput }, { IncomingMessageInput: Schema }] = await Promise.all([import('../core/validate.js'), import('../core/schemas.js')]);
    const m = parseInput(Schema, input);
    const engine = await E.whatsapp();
    const at = m.at ? new Date(m.at) : undefined;
    if (at) engine.assertNotFuture(at, this.ctx.now());
    return engine.receiveMessage(this.ctx, { from: m.from, id: m.id ?? null, type: m.type, text: m.text, name: m.name ?? null, at });
  };
  listConversations = async (filter: ConversationFilter) => (await E.whatsapp()).listConversations(this.ctx, filter);
  getConversation = async (id: number) => (await E.whatsapp()).getConversation(this.ctx, id);
  assignConversation = async (id: number, agent: string | null) => (await E.whatsapp()).assignConversation(this.ctx, id, agent);
  closeConversation = async (id: number) => (await E.whatsapp()).closeConversation(this.ctx, id);
  whatsappStatus = async () => (await E.whatsappConnection()).whatsappStatus(this.ctx);
  connectWhatsapp = async (input: WhatsappConnectRequest) => (await E.whatsappConnection()).connectWhatsapp(this.ctx, input);
  disconnectWhatsapp = async () => (await E.whatsappConnection()).disconnectWhatsapp(this.ctx);
  pushSecretStatus = async () => (await E.pushSecret()).pushSecretStatus(this.ctx);
  setPushSecret = async (input: PushSecretRequest) => (await E.pushSecret()).setPushSecret(this.ctx, input);
  clearPushSecret = async () => (await E.pushSecret()).clearPushSecret(this.ctx);
  explainApproval = async (request: unknown) => (await import('../engine/approval.js')).explainApproval(this.ctx, request);
  exportConfig = async () => (await import('../engine/config.js')).exportConfig(this.ctx);
  planConfig = async (config: unknown) => (await import('../engine/config.js')).planConfig(this.ctx, config);
  applyConfig = async (config: unknown, fingerprint?: string) => (await import('../engine/config.js')).applyConfig(this.ctx, config, fingerprint);
  getNotification = async (id: number) => (await E.outbox()).showNotification(this.ctx, id);
  retryNotifications = async (request: { ids?: number[]; failed?: boolean; dryRun?: boolean }) => (await E.outbox()).retryNotifications(this.ctx, request);
  deliverNotifications = async (request: DeliverRequest) => {
    const { deliverDue } = await import('../delivery/dispatcher.js');
    if (!this.ctx.delivery) throw new DeskctlError('internal', 'this helpdesk has no delivery set up');
    return deliverDue(this.ctx.store, await this.ctx.delivery(), {
      now: this.ctx.now,
      tenantIds: [this.ctx.tenantId],
      limit: request.limit,
      kinds: request.kind ? [request.kind] : undefined,
      channels: request.channel ? [request.channel] : undefined,
      reminders: request.reminders,
      signal: this.ctx.signal,
    });
  };
  restoreDrafts = async (request: import('../engine/restore.js').RestoreRequest) => (await import('../engine/restore.js')).restoreDrafts(this.ctx, request);

  listTemplates = async () => (await E.templates()).listTemplates(this.ctx);
  showTemplate = async (kind: string, locale?: string) => (await E.templates()).showTemplate(this.ctx, kind, locale);
  setTemplate = async (kind: string, input: import('../engine/templates.js').TemplateInput) => (await E.templates()).setTemplate(this.ctx, kind, input);
  /** The locale may be missing here (the API's query): the engine says it is required. */
  resetTemplate = async (kind: string, locale?: string) => (await E.templates()).resetTemplate(this.ctx, kind, locale);

  listNotifications = async (filter: Parameters<typeof journal.listNotifications>[1]) => (await E.journal()).listNotifications(this.ctx, filter);
  listAudit = async (filter: Parameters<typeof journal.listAudit>[1]) => (await E.journal()).listAudit(this.ctx, filter);

  // Seeding (yaml), generation and statistics are loaded only by the commands that use them.
  seed = async (fixture: unknown, opts?: seeding.SeedOptions) => (await import('../engine/seed.js')).seedTenant(this.ctx, fixture, opts, this.tenant);
  createTenantFromFixture = async (slug: string, fixture: unknown, opts: seeding.SeedOptions & { name?: string } = {}) => {
    if (this.ctx.actor.kind !== 'admin') throw forbidden('only an admin creates tenants');
    return (await import('../engine/seed.js')).createTenantFromFixture(this.store, this.operator, slug, opts.name, fixture, opts, this.ctx.now);
  };
  generate = async (options: generator.GenerateOptions, hooks?: generator.GenerateHooks) =>
    (await import('../engine/generate.js')).generate(this.ctx, options, hooks, this.tenant);
  exportStats = (query: unknown): AsyncIterable<StatsRow> => {
    const ctx = this.ctx;
    return (async function* () {
      yield* (await import('../engine/stats.js')).exportStats(ctx, query);
    })();
  };
  approvalStats = async (query: unknown) => (await import('../engine/stats.js')).approvalStats(this.ctx, query);
  agentSummary = async () => (await import('../engine/stats.js')).agentSummary(this.ctx);

  close = async () => {
    if (this.ownsStore) {
      await this.ctx.closeDelivery?.();
      await this.store.close();
    }
  };
}
