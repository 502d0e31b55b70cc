import { userInfo } from 'node:os';
import { now as clock } from '../core/time.js';
import * as catalog from '../engine/catalog.js';
import type { ChunkRequest } from '../core/decisions.js';
import { forbidden } from '../core/errors.js';
import { actorLabel, type Actor, type EngineContext } from '../engine/context.js';
import * as customers from '../engine/customers.js';
import * as drafts from '../engine/drafts.js';
import * as journal from '../engine/journal.js';
import * as rules from '../engine/rules.js';
import * as settings from '../engine/settings.js';
import * as tenants from '../engine/tenants.js';
import type { IdempotencyGuard } from '../engine/idempotency.js';
import * as tickets from '../engine/tickets.js';
import * as tokens from '../engine/tokens.js';
import type * as generator from '../engine/generate.js';
import type * as seeding from '../engine/seed.js';
import type { StatsRow } from '../core/stats.js';
import { openSqliteStore, type Store } from '../store/sqlite.js';
import type { As, Helpdesk } from './helpdesk.js';

export interface LocalOptions {
  file: string;
  tenant: string;
  /** Who the operator is, for the audit trail. */
  operator?: string;
  env?: NodeJS.ProcessEnv;
}

function operatorName(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local:operator';
  }
}

/** The embedded backend: the engine in-process over a SQLite file. */
export async function openLocalHelpdesk(o: LocalOptions): Promise<Helpdesk> {
  const store = openSqliteStore(o.file);
  try {
    const tenantId = await tenants.tenantIdBySlug(store, o.tenant);
    const chunk = Number(o.env?.DESKCTL_DECIDE_CHUNK);
    const ctx: EngineContext = {
      store,
      tenantId,
      actor: { kind: 'admin', name: o.operator ?? operatorName() },
      now: () => clock(o.env),
      chunkSize: chunk > 0 ? chunk : undefined,
    };
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
    const actor: Actor = await drafts.resolveCustomerActor(this.store.db, this.ctx.tenantId, opts.as.trim().toLowerCase());
    return { ...this.ctx, actor };
  }

  /** One atomic chunk of a decision, at most once per Idempotency-Key (the API's bulk step). */
  decideChunk = async (request: ChunkRequest & As, guard?: IdempotencyGuard) => drafts.decideChunk(await this.as(request), request, guard);

  listTenants = () => tenants.listTenants(this.store);
  createTenant = (slug: string, name?: string) => tenants.createTenant(this.store, this.operator, slug, name, this.ctx.now());
  removeTenant = (slug: string) => tenants.removeTenant(this.store, this.operator, slug, this.ctx.now());

  getSettings = () => settings.getSettings(this.ctx);
  setSetting = (key: string, value: unknown) => settings.setSetting(this.ctx, key, value);
  getApproval = () => settings.getApproval(this.ctx);

  listRules = () => rules.listRules(this.ctx);
  addRule = (spec: rules.RuleSpec) => rules.addRule(this.ctx, spec);
  removeRules = (ids: number[]) => rules.removeRules(this.ctx, ids);
  removeRuleMatching = (spec: rules.RuleSpec) => rules.removeRuleMatching(this.ctx, spec);

  listDepartments = () => catalog.listDepartments(this.ctx);
  addDepartment = (name: string) => catalog.addDepartment(this.ctx, name);
  removeDepartment = (name: string) => catalog.removeDepartment(this.ctx, name);
  listCategories = (department?: string) => catalog.listCategories(this.ctx, department);
  addCategory = (name: string, department: string) => catalog.addCategory(this.ctx, name, department);
  removeCategory = (name: string, department: string) => catalog.removeCategory(this.ctx, name, department);

  listOrganizations = () => catalog.listOrganizations(this.ctx);
  addOrganization = (name: string, parent?: string) => catalog.addOrganization(this.ctx, name, parent);
  setOrganizationParent = (name: string, parent: string | null) => catalog.setOrganizationParent(this.ctx, name, parent);
  removeOrganization = (name: string) => catalog.removeOrganization(this.ctx, name);

  listCustomers = (filter?: { org?: string; managers?: boolean }) => customers.listCustomers(this.ctx, filter);
  addCustomer = (input: customers.NewCustomer) => customers.addCustomer(this.ctx, input);
  setCustomer = (email: string, patch: customers.CustomerPatch) => customers.setCustomer(this.ctx, email, patch);
  removeCustomer = (email: string) => customers.removeCustomer(this.ctx, email);

  listAgents = () => catalog.listAgents(this.ctx);
  addAgent = (input: Parameters<typeof catalog.addAgent>[1]) => catalog.addAgent(this.ctx, input);

  createTicket = (request: unknown) => tickets.createTicket(this.ctx, request);
  listTickets = async (filter: Parameters<typeof tickets.listTickets>[1], opts?: As) => tickets.listTickets(await this.as(opts), filter);
  getTicket = async (ref: string, opts?: As) => tickets.getTicket(await this.as(opts), ref);
  solveTickets = (ids: number[], message?: string) => tickets.solveTickets(this.ctx, ids, message);
  closeTickets = (ids: number[]) => tickets.closeTickets(this.ctx, ids);
  reopenTickets = (ids: number[], message: string) => tickets.reopenTickets(this.ctx, ids, message);
  replyTicket = (id: number, message: string) => tickets.replyTicket(this.ctx, id, message);
  linkProcess = (id: number, ref: string) => tickets.linkProcess(this.ctx, id, ref);
  rateTicket = (id: number, rating: number, comment?: string) => tickets.rateTicket(this.ctx, id, rating, comment);

  listDrafts = async (filter: Parameters<typeof drafts.listDrafts>[1], opts?: As) => drafts.listDrafts(await this.as(opts), filter);
  getDraft = async (id: number, opts?: As) => drafts.getDraft(await this.as(opts), id);
  decideDrafts = async (request: drafts.DecideRequest & As, hooks?: drafts.DecideHooks) => {
    const ctx = await this.as(request);
    return request.dryRun ? drafts.dryRunDecision(ctx, request) : drafts.decideDrafts(ctx, request, hooks);
  };

  createToken = (input: { name: string; role: string; customer?: string | null }) => tokens.createToken(this.ctx, input);
  listTokens = () => tokens.listTokens(this.ctx);
  revokeToken = (name: string) => tokens.revokeToken(this.ctx, name);

  listNotifications = (filter: Parameters<typeof journal.listNotifications>[1]) => journal.listNotifications(this.ctx, filter);
  listAudit = (filter: Parameters<typeof journal.listAudit>[1]) => journal.listAudit(this.ctx, filter);

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
    if (this.ownsStore) await this.store.close();
  };
}
