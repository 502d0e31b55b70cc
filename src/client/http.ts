import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { Pool, type Dispatcher } from 'undici';
import { API, PAGE_MAX, type OperationName } from '../core/api.js';
import { chunkSizeFrom, decideInChunks, MAX_CHUNK, type ChunkRequest, type ChunkResult } from '../core/decisions.js';
import { DeskctlError, ERROR_EXIT_CODES, type ErrorCode } from '../core/errors.js';
import { formatIssues } from '../core/validate.js';
import type { As, Helpdesk } from './helpdesk.js';

export interface HttpOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8080 (the client adds /v1). */
  url: string;
  /** Bearer token (from DESKCTL_TOKEN or a profile; never from a flag). */
  token?: string;
  tenant: string;
  env?: NodeJS.ProcessEnv;
}

interface Call {
  params?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
  idempotencyKey?: string;
}

/**
 * Drafts per bulk request (each one transaction on the server), as the local engine decides
 * them: 100,000 drafts take 20 requests. DESKCTL_DECIDE_CHUNK overrides it.
 */
export const REMOTE_CHUNK = 5_000;
const ATTEMPTS = 3;
/** The longest Retry-After the client waits for before trying again. */
const MAX_RETRY_WAIT_MS = 10_000;

/** The remote backend: the Helpdesk interface over the helpdesk's HTTP API. */
export async function openHttpHelpdesk(o: HttpOptions): Promise<Helpdesk> {
  if (!o.token) throw new DeskctlError('unauthenticated', `no token for ${o.url}: set DESKCTL_TOKEN (or save one in a profile with --token-stdin)`);
  // A token is printable ASCII; anything else (a line break, an emoji) cannot go in a header: a bad
  // token (exit 4), said without the token itself, rather than a server that cannot be reached.
  const token = o.token.trim();
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new DeskctlError('unauthenticated', 'the token is malformed: a deskctl token is printable ASCII without spaces or line breaks (check DESKCTL_TOKEN or the profile)');
  }
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new DeskctlError('invalid_input', `--api: not a URL: ${o.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DeskctlError('invalid_input', `--api: expected an http(s) URL, got ${o.url}`);
  return new HttpHelpdesk(url, token, o.tenant, Math.min(chunkSizeFrom(o.env) ?? REMOTE_CHUNK, MAX_CHUNK));
}

class HttpHelpdesk implements Helpdesk {
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(
    private readonly url: URL,
    private readonly token: string,
    readonly tenant: string,
    private readonly chunkSize: number,
  ) {
    this.pool = new Pool(url.origin, { connections: 8, keepAliveTimeout: 10_000, headersTimeout: 120_000, bodyTimeout: 120_000, connect: { timeout: 10_000 } });
    this.prefix = url.pathname.replace(/\/+$/, '');
  }

  /**
   * Sends one operation and returns the response whose status is final: connection failures, 429
   * and 503 are retried, only when that is safe (GET, or a request with an Idempotency-Key).
   */
  private async send(name: OperationName, c: Call): Promise<Dispatcher.ResponseData> {
    const op = API[name];
    const params: Record<string, string | number> = { tenant: this.tenant, ...c.params };
    let path = this.prefix + (op.global ? op.path : `/v1/tenants/:tenant${op.path}`).replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(String(params[k])));
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined && v !== null && v !== false) qs.set(k, Array.isArray(v) ? v.join(',') : String(v));
    if ([...qs].length) path += `?${qs}`;
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    if (c.idempotencyKey) headers['idempotency-key'] = c.idempotencyKey;
    const retriable = op.method === 'GET' || Boolean(c.idempotencyKey);
    for (let attempt = 1; ; attempt++) {
      let res: Dispatcher.ResponseData;
      try {
        res = await this.pool.request({ method: op.method, path, headers, body: c.body === undefined ? undefined : JSON.stringify(c.body) });
      } catch (e) {
        if (retriable && attempt < ATTEMPTS) {
          await sleep(200 * 2 ** attempt);
          continue;
        }
        const err = e as NodeJS.ErrnoException;
        throw new DeskctlError('unavailable', `cannot reach the helpdesk API at ${this.where}: ${err.code ?? err.message}`);
      }
      if ((res.statusCode === 429 || res.statusCode === 503) && retriable && attempt < ATTEMPTS) {
        const ra = res.headers['retry-after'];
        const waitMs = Math.max(100, Number((Array.isArray(ra) ? ra[0] : ra) ?? 1) * 1000 || 1000);
        // Asked to wait longer than a retry would: the answer stands (it says when to try again).
        if (waitMs > MAX_RETRY_WAIT_MS) return res;
        await res.body.dump();
        await sleep(waitMs);
        continue;
      }
      return res;
    }
  }

  private get where(): string {
    return `${this.url.origin}${this.prefix}`;
  }

  private async json(status: number, text: string, retryAfter?: string | string[]): Promise<unknown> {
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      throw new DeskctlError('unavailable', `${this.where} did not answer as a deskctl API (HTTP ${status})`);
    }
    if (status >= 400) {
      const e = (json as { error?: { code?: string; message?: string; problems?: string[] } } | null)?.error;
      const code = (e?.code && e.code in ERROR_EXIT_CODES ? e.code : status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : 'internal') as ErrorCode;
      const wait = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
      const fallback = status === 429 ? `rate limited by ${this.where}${wait ? `: retry after ${wait} s` : ''}` : `HTTP ${status} from ${this.where}`;
      throw new DeskctlError(status === 429 ? 'unavailable' : code, e?.message || fallback, e?.problems);
    }
    return json;
  }

  /** Every answer is checked against the operation's schema; what it carries is passed on as sent. */
  private check(name: OperationName, json: unknown): void {
    const checked = API[name].response.safeParse(json);
    if (!checked.success) {
      throw new DeskctlError('internal', `unexpected answer from ${this.where} to ${name}: ${formatIssues(checked.error.issues).slice(0, 3).join('; ')}`);
    }
  }

  /** One operation of the API, its JSON answer checked. */
  private async call<T = unknown>(name: OperationName, c: Call = {}): Promise<T> {
    const res = await this.send(name, c);
    const json = await this.json(res.statusCode, await res.body.text(), res.headers['retry-after']);
    this.check(name, json);
    return json as T;
  }

  /** One streamed operation: its NDJSON answer, a row at a time. */
  private async *stream<T>(name: OperationName, c: Call = {}): AsyncGenerator<T> {
    const res = await this.send(name, c);
    if (res.statusCode >= 400) await this.json(res.statusCode, await res.body.text(), res.headers['retry-after']);
    const lines = createInterface({ input: res.body, crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line) continue;
      const row = await this.json(200, line);
      this.check(name, row);
      yield row as T;
    }
  }

  /** Follows the pages of a list until it ends or `limit` items were read. */
  private async all<T>(name: OperationName, query: Record<string, unknown>, limit?: number): Promise<T[]> {
    const out: T[] = [];
    let after: number | undefined;
    for (;;) {
      const want = limit === undefined ? PAGE_MAX : Math.min(PAGE_MAX, limit - out.length);
      if (want <= 0) return out;
      const page = await this.call<{ items: T[]; next: number | null }>(name, { query: { ...query, limit: want, after } });
      out.push(...page.items);
      if (page.next === null || page.items.length === 0) return out;
      after = page.next;
    }
  }

  listTenants = () => this.call<Awaited<ReturnType<Helpdesk['listTenants']>>>('listTenants');
  createTenant = (slug: string, name?: string) => this.call<Awaited<ReturnType<Helpdesk['createTenant']>>>('createTenant', { body: { slug, name } });
  removeTenant = (slug: string) => this.call<{ removed: string }>('removeTenant', { params: { slug } });

  getSettings = () => this.call<Awaited<ReturnType<Helpdesk['getSettings']>>>('getSettings');
  setSetting = (key: string, value: unknown) => this.call<Awaited<ReturnType<Helpdesk['setSetting']>>>('setSetting', { params: { key }, body: { value } });
  getApproval = () => this.call<Awaited<ReturnType<Helpdesk['getApproval']>>>('getApproval');

  listRules = () => this.call<Awaited<ReturnType<Helpdesk['listRules']>>>('listRules');
  addRule: Helpdesk['addRule'] = (spec) => this.call('addRule', { body: spec });
  removeRules: Helpdesk['removeRules'] = (ids) => this.call('removeRules', { body: { ids } });
  removeRuleMatching: Helpdesk['removeRuleMatching'] = (spec) => this.call('removeRuleMatching', { body: spec });

  listDepartments: Helpdesk['listDepartments'] = () => this.call('listDepartments');
  addDepartment: Helpdesk['addDepartment'] = (name) => this.call('addDepartment', { body: { name } });
  removeDepartment: Helpdesk['removeDepartment'] = (name) => this.call('removeDepartment', { params: { name } });
  listCategories: Helpdesk['listCategories'] = (department) => this.call('listCategories', { query: { department } });
  addCategory: Helpdesk['addCategory'] = (name, department) => this.call('addCategory', { body: { name, department } });
  removeCategory: Helpdesk['removeCategory'] = (name, department) => this.call('removeCategory', { params: { name, department } });

  listOrganizations: Helpdesk['listOrganizations'] = () => this.call('listOrganizations');
  addOrganization: Helpdesk['addOrganization'] = (name, parent) => this.call('addOrganization', { body: { name, parent } });
  setOrganizationParent: Helpdesk['setOrganizationParent'] = (name, parent) => this.call('setOrganizationParent', { params: { name }, body: { parent } });
  removeOrganization: Helpdesk['removeOrganization'] = (name) => this.call('removeOrganization', { params: { name } });

  listCustomers: Helpdesk['listCustomers'] = (filter) => this.call('listCustomers', { query: { org: filter?.org, managers: filter?.managers } });
  addCustomer: Helpdesk['addCustomer'] = (input) => this.call('addCustomer', { body: input });
  setCustomer: Helpdesk['setCustomer'] = (email, patch) => this.call('setCustomer', { params: { email }, body: patch });
  removeCustomer: Helpdesk['removeCustomer'] = (email) => this.call('removeCustomer', { params: { email } });

  listAgents: Helpdesk['listAgents'] = () => this.call('listAgents');
  addAgent: Helpdesk['addAgent'] = (input) => this.call('addAgent', { body: input });
  setAgent: Helpdesk['setAgent'] = (email, patch) => this.call('setAgent', { params: { email }, body: patch });
  removeAgent: Helpdesk['removeAgent'] = (email) => this.call('removeAgent', { params: { email } });

  /** One key per ticket request, so a retry after a lost answer opens one ticket, not two. */
  createTicket: Helpdesk['createTicket'] = (request) => this.call('createTicket', { body: request, idempotencyKey: randomUUID() });
  listTickets: Helpdesk['listTickets'] = (filter, opts) => {
    const { limit, ...rest } = filter;
    return this.all('listTickets', { ...rest, as: opts?.as }, limit);
  };
  getTicket: Helpdesk['getTicket'] = (ref, opts) => this.call('getTicket', { params: { ref }, query: { as: opts?.as } });
  solveTickets: Helpdesk['solveTickets'] = (ids, message) => this.call('solveTickets', { body: { ids, message } });
  assignTickets: Helpdesk['assignTickets'] = (ids, agent) => this.call('assignTickets', { body: { ids, agent } });
  closeTickets: Helpdesk['closeTickets'] = (ids) => this.call('closeTickets', { body: { ids } });
  reopenTickets: Helpdesk['reopenTickets'] = (ids, message) => this.call('reopenTickets', { body: { ids, message } });
  replyTicket: Helpdesk['replyTicket'] = (id, message) => this.call('replyTicket', { params: { id }, body: { message } });
  linkProcess: Helpdesk['linkProcess'] = (id, ref) => this.call('linkProcess', { params: { id }, body: { ref } });
  rateTicket: Helpdesk['rateTicket'] = (id, rating, comment) => this.call('rateTicket', { params: { id }, body: { rating, comment } });
  listParticipants: Helpdesk['listParticipants'] = (ref, opts) => this.call('listParticipants', { params: { ref }, query: { as: opts?.as } });
  addParticipants: Helpdesk['addParticipants'] = (ref, emails, opts) => this.call('addParticipants', { params: { ref }, body: { emails, as: opts?.as } });
  removeParticipants: Helpdesk['removeParticipants'] = (ref, emails, opts) => this.call('removeParticipants', { params: { ref }, body: { emails, as: opts?.as } });

  listTopics: Helpdesk['listTopics'] = () => this.call('listTopics');
  addTopic: Helpdesk['addTopic'] = (input) => this.call('addTopic', { body: input });
  removeTopic: Helpdesk['removeTopic'] = (name) => this.call('removeTopic', { params: { name } });

  listDrafts: Helpdesk['listDrafts'] = (filter, opts) => {
    const { limit, ...rest } = filter;
    return this.all('listDrafts', { ...rest, as: opts?.as }, limit);
  };
  getDraft: Helpdesk['getDraft'] = (id, opts) => this.call('getDraft', { params: { id }, query: { as: opts?.as } });
  /** Bulk decisions: a handful of requests, each one atomic chunk under its own Idempotency-Key. */
  decideDrafts: Helpdesk['decideDrafts'] = async (req, hooks) => {
    const base = { decision: req.decision, as: req.as };
    if (req.dryRun) return this.call('decideDrafts', { body: { ...base, ids: req.ids, filter: req.filter, dryRun: true } });
    const exec = (chunk: ChunkRequest) =>
      this.call<ChunkResult>('decideDrafts', { body: { ...chunk, as: req.as }, idempotencyKey: randomUUID() });
    return decideInChunks(exec, req, this.chunkSize, hooks);
  };

  seed: Helpdesk['seed'] = (fixture, opts) => this.call('seed', { body: { fixture, dryRun: opts?.dryRun } });
  createTenantFromFixture: Helpdesk['createTenantFromFixture'] = (slug, fixture, opts) =>
    this.call('createTenantFromFixture', { body: { slug, fixture, name: opts?.name, dryRun: opts?.dryRun } });
  generate: Helpdesk['generate'] = (options) => this.call('generate', { body: options });
  exportStats: Helpdesk['exportStats'] = (query) => this.stream('exportStats', { query: query as Record<string, unknown> });
  approvalStats: Helpdesk['approvalStats'] = (query) => this.call('approvalStats', { query: query as Record<string, unknown> });
  agentSummary: Helpdesk['agentSummary'] = () => this.call('agentSummary');

  createToken: Helpdesk['createToken'] = (input) => this.call('createToken', { body: input });
  listTokens: Helpdesk['listTokens'] = () => this.call('listTokens');
  revokeToken: Helpdesk['revokeToken'] = (name) => this.call('revokeToken', { params: { name } });

  receiveWhatsApp: Helpdesk['receiveWhatsApp'] = (message) => this.call('receiveWhatsApp', { body: message });
  listConversations: Helpdesk['listConversations'] = (filter) => {
    const { limit, ...rest } = filter;
    return this.all('listConversations', rest, limit);
  };
  getConversation: Helpdesk['getConversation'] = (id) => this.call('getConversation', { params: { id } });
  assignConversation: Helpdesk['assignConversation'] = (id, agent) => this.call('assignConversation', { params: { id }, body: { agent } });
  closeConversation: Helpdesk['closeConversation'] = (id) => this.call('closeConversation', { params: { id }, body: {} });
  whatsappStatus: Helpdesk['whatsappStatus'] = () => this.call('getWhatsapp');
  connectWhatsapp: Helpdesk['connectWhatsapp'] = (input) => this.call('connectWhatsapp', { body: input });
  disconnectWhatsapp: Helpdesk['disconnectWhatsapp'] = () => this.call('disconnectWhatsapp');
  pushSecretStatus: Helpdesk['pushSecretStatus'] = () => this.call('getPushSecret');
  setPushSecret: Helpdesk['setPushSecret'] = (input) => this.call('setPushSecret', { body: input });
  clearPushSecret: Helpdesk['clearPushSecret'] = () => this.call('clearPushSecret');
  explainApproval: Helpdesk['explainApproval'] = (request) => this.call('explainApproval', { body: request });
  exportConfig: Helpdesk['exportConfig'] = () => this.call('exportConfig');
  planConfig: Helpdesk['planConfig'] = (config) => this.call('planConfig', { body: { config } });
  applyConfig: Helpdesk['applyConfig'] = (config, fingerprint) => this.call('applyConfig', { body: { config, fingerprint } });
  restoreDrafts: Helpdesk['restoreDrafts'] = (request) => this.call('restoreDrafts', { body: request });

  listTemplates: Helpdesk['listTemplates'] = () => this.call('listTemplates');
  showTemplate: Helpdesk['showTemplate'] = (kind, locale) => this.call('getTemplate', { params: { kind }, query: { locale } });
  setTemplate: Helpdesk['setTemplate'] = (kind, input) => this.call('setTemplate', { params: { kind }, body: input });
  resetTemplate: Helpdesk['resetTemplate'] = (kind, locale) => this.call('resetTemplate', { params: { kind }, query: { locale } });

  listNotifications: Helpdesk['listNotifications'] = (filter) => {
    const { limit, ...rest } = filter;
    return this.all('listNotifications', rest, limit);
  };
  getNotification: Helpdesk['getNotification'] = (id) => this.call('getNotification', { params: { id } });
  deliverNotifications: Helpdesk['deliverNotifications'] = (request) => this.call('deliverNotifications', { body: request });
  retryNotifications: Helpdesk['retryNotifications'] = (request) => this.call('retryNotifications', { body: request });
  listAudit: Helpdesk['listAudit'] = (filter) => {
    const { limit, ...rest } = filter;
    return this.all('listAudit', rest, limit);
  };

  close = async () => {
    await this.pool.close();
  };
}

export type { As };
