import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { randomUUID } from 'node:crypto';
import { openHttpHelpdesk } from '../../src/client/http.js';
import { LocalHelpdesk, openLocalHelpdesk } from '../../src/client/local.js';
import { now } from '../../src/core/time.js';
import { tenantIdBySlug } from '../../src/engine/tenants.js';
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/store.js';
import { freshPgDatabase, hasPostgres } from './postgres.js';
import { DeskctlError, type ErrorCode } from '../../src/core/errors.js';
import type { DecisionReport, Draft, Ticket } from '../../src/core/schemas.js';

/** The admin of a tenant straight on a store (no server), to set a test's data up; its clock is `clock`. */
export async function tenantAdmin(store: Store, slug = 'default', clock: () => Date = () => new Date(), name = 'test'): Promise<LocalHelpdesk> {
  return new LocalHelpdesk(slug, { store, tenantId: await tenantIdBySlug(store, slug), actor: { kind: 'admin', name }, now: clock }, false);
}

/** The stores the suites run on: SQLite always, PostgreSQL where the test cluster runs. */
export type Engine = 'sqlite' | 'postgres';
export const engines: Engine[] = hasPostgres ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * The database of a test: the one given (a file or a URL), or a new one that dispose() removes —
 * a file in a temp folder, or a database on the test's PostgreSQL cluster.
 */
async function databaseFile(given: string | undefined, engine: Engine = 'sqlite'): Promise<{ file: string; dispose(): Promise<void> }> {
  if (given) return { file: given, dispose: async () => undefined };
  if (engine === 'postgres') {
    const { url, dispose } = await freshPgDatabase();
    return { file: url, dispose };
  }
  const dir = await mkdtemp(join(tmpdir(), 'deskctl-test-'));
  return { file: join(dir, 'helpdesk.db'), dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** The instant every test starts at, unless it passes its own DESKCTL_NOW. */
export const START = '2026-11-02T12:00:00.000Z';

export interface OpenOptions {
  tenant?: string;
  env?: Record<string, string>;
  /** An existing database (a file or a URL: a second handle, or another tenant of the same one). */
  file?: string;
}

export interface Opened {
  hd: Helpdesk;
  file: string;
  /** The live environment the backend reads its clock from: set `env.DESKCTL_NOW` to move time. */
  env: Record<string, string | undefined>;
  close(): Promise<void>;
}

export interface Backend {
  name: string;
  engine: Engine;
  open(opts?: OpenOptions): Promise<Opened>;
}

const local = (engine: Engine): Backend => ({
  name: engine === 'sqlite' ? 'local' : 'local-postgres',
  engine,
  async open(opts = {}) {
    const { file, dispose } = await databaseFile(opts.file, engine);
    const env: Record<string, string | undefined> = { DESKCTL_NOW: START, ...opts.env };
    const hd = await openLocalHelpdesk({ file, tenant: opts.tenant ?? 'default', env, operator: 'test:admin' });
    return {
      hd,
      file,
      env,
      async close() {
        await hd.close();
        await dispose();
      },
    };
  },
});

export interface InProcessApi {
  file: string;
  store: Store;
  /**
   * Starts the API once the test has filled the store, on 127.0.0.1 (a port the system picks), and
   * uses each token once: a token's first use stamps its last-use time (bookkeeping, at most once a
   * minute), so a test can then hold a refused call to changing nothing at all. Resolves to the URL.
   */
  listen(tokens?: readonly string[]): Promise<string>;
  /** The running server (after listen). */
  readonly app: FastifyInstance;
  /** Stops the server, closes the store and removes the folder it made for the database. */
  close(): Promise<void>;
}

/**
 * `deskctl serve` in this process: a store on the file (default: a new database in a temp folder),
 * then the API over it, with no rate limit to speak of unless given.
 */
export async function inProcessApi(o: Partial<Omit<ServerOptions, 'store'>> & { file?: string; engine?: Engine } = {}): Promise<InProcessApi> {
  const { file: given, engine, ...server } = o;
  const { file, dispose } = await databaseFile(given, engine);
  const store = await openStore(file);
  let app: FastifyInstance | undefined;
  return {
    file,
    store,
    get app() {
      if (!app) throw new Error('inProcessApi: listen() first');
      return app;
    },
    async listen(tokens = []) {
      app = await buildServer({ rateLimit: { max: 1_000_000, timeWindowMs: 60_000 }, ...server, store });
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      for (const token of tokens) await fetch(`${url}/v1/tenants`, { headers: { authorization: `Bearer ${token}` } });
      return url;
    },
    async close() {
      await app?.close();
      await store.close();
      await dispose();
    },
  };
}

interface Served {
  store: Store;
  url: string;
  env: Record<string, string | undefined>;
  close(): Promise<void>;
  users: number;
}
const served = new Map<string, Served>();

/** A real `deskctl serve` app over the file, shared by every handle opened on it. */
async function serve(file: string, env: Record<string, string | undefined>): Promise<Served> {
  const known = served.get(file);
  if (known) {
    known.users++;
    return known;
  }
  const api = await inProcessApi({ file, env });
  const s: Served = { store: api.store, url: await api.listen(), env, close: api.close, users: 1 };
  served.set(file, s);
  return s;
}

/**
 * The remote backend: the HTTP client against a real server. Tenants are created and removed on
 * the server itself (tokens belong to one tenant), so those calls go to the server's store, as an
 * operator on the server host would make them; everything else crosses the wire.
 */
const http = (engine: Engine): Backend => ({
  name: engine === 'sqlite' ? 'http' : 'http-postgres',
  engine,
  async open(opts = {}) {
    const { file, dispose } = await databaseFile(opts.file, engine);
    const s = await serve(file, { DESKCTL_NOW: START, ...opts.env });
    const tenant = opts.tenant ?? 'default';
    const release = async () => {
      if (--s.users === 0) {
        served.delete(file);
        await s.close();
        await dispose();
      }
    };
    let operator: LocalHelpdesk;
    let token: string;
    try {
      operator = await tenantAdmin(s.store, tenant, () => now(s.env), 'test:operator');
      token = (await operator.createToken({ name: `contract-${randomUUID()}`, role: 'admin' })).token;
    } catch (e) {
      await release();
      throw e;
    }
    const remote = await openHttpHelpdesk({ url: s.url, token, tenant, env: opts.env });
    // A token's first use stamps its last-use time; done now, so tests that hold a call to
    // "nothing written" measure only what the call itself does.
    await remote.listTenants();
    const hd: Helpdesk = Object.assign(Object.create(remote) as Helpdesk, {
      listTenants: operator.listTenants,
      createTenant: operator.createTenant,
      removeTenant: operator.removeTenant,
      createTenantFromFixture: operator.createTenantFromFixture,
    });
    return {
      hd,
      file,
      env: s.env,
      async close() {
        await remote.close();
        await release();
      },
    };
  },
});

/** Audit rows of a backend's own set-up (the http backend creates an admin token per handle). */
export const notSetUp = (e: { action: string; entityId: string | null }) => !(e.action === 'token.create' && e.entityId?.startsWith('contract-'));

/** Every backend the contract suites run on: local and over HTTP, on each store. */
export const backends: Backend[] = engines.flatMap((e) => [local(e), http(e)]);

/* ---- fixture ---- */

export const P = {
  /** Manager of Matriz. */
  gerente: 'gerente@matriz.com.br',
  /** Customer of Filial Norte (child of Matriz); Filial Norte has no manager of its own. */
  ana: 'ana@norte.com.br',
  /** Customer of Avulsa (no parent, no manager anywhere). */
  bia: 'bia@avulsa.com.br',
  /** Customer of no organization. */
  solo: 'solo@x.com',
  /** A staff user. */
  agent: 'agente@deskctl.dev',
} as const;

/**
 * Departments Suporte [Acesso, Rede] and Financeiro [Boleto]; organizations Matriz, Filial Norte
 * (parent Matriz) and Avulsa; the customers of `P`; one agent.
 */
export async function seedBasics(hd: Helpdesk): Promise<void> {
  await hd.addDepartment('Suporte');
  await hd.addCategory('Acesso', 'Suporte');
  await hd.addCategory('Rede', 'Suporte');
  await hd.addDepartment('Financeiro');
  await hd.addCategory('Boleto', 'Financeiro');
  await hd.addOrganization('Matriz');
  await hd.addOrganization('Filial Norte', 'Matriz');
  await hd.addOrganization('Avulsa');
  await hd.addCustomer({ email: P.gerente, name: 'Gerente da Matriz', org: 'Matriz', manager: true });
  await hd.addCustomer({ email: P.ana, name: 'Ana', org: 'Filial Norte' });
  await hd.addCustomer({ email: P.bia, name: 'Bia', org: 'Avulsa' });
  await hd.addCustomer({ email: P.solo, name: 'Solo' });
  await hd.addAgent({ email: P.agent, name: 'Agente', departments: ['Suporte', 'Financeiro'] });
}

/**
 * Every test of the calling describe block gets a fresh backend with the basic tenant (seedBasics),
 * opened with `options`, handed to `use` before the test runs; it is closed after the test.
 */
export function eachSeeded(backend: Backend, use: (opened: Opened) => void | Promise<void>, options?: OpenOptions): void {
  let opened: Opened | undefined;
  beforeEach(async () => {
    opened = await backend.open(options);
    await seedBasics(opened.hd);
    await use(opened);
  });
  afterEach(async () => {
    const done = opened;
    opened = undefined;
    await done?.close();
  });
}

/** A ticket request with sensible defaults. */
export function request(requester: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { requester, department: 'Suporte', subject: 'Sem acesso ao sistema', message: 'Não consigo entrar desde ontem.', ...extra };
}

/** Asserts that `p` rejects with a DeskctlError of `code`; returns the error. */
export async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<DeskctlError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a DeskctlError "${code}"`).toBeInstanceOf(DeskctlError);
  expect((caught as DeskctlError).code).toBe(code);
  return caught as DeskctlError;
}

export const hoursLater = (isoTime: string, hours: number) => new Date(Date.parse(isoTime) + hours * 3_600_000).toISOString();

/** A decision's report, failing the test on a dry run. */
export function report(r: Awaited<ReturnType<Helpdesk['decideDrafts']>>): DecisionReport {
  if (r.dryRun) throw new Error('expected a decision report, got a dry run');
  return r;
}

/** Opens a request that must become a draft (R7), failing the test otherwise. */
export async function draftIn(hd: Helpdesk, req: Record<string, unknown>): Promise<Draft> {
  const r = await hd.createTicket(req);
  if (r.outcome !== 'draft') throw new Error(`expected a draft, got ${r.outcome}`);
  return r.draft;
}

/** Opens a request that must become a ticket at once, failing the test otherwise. */
export async function ticketIn(hd: Helpdesk, req: Record<string, unknown>): Promise<Ticket> {
  const r = await hd.createTicket(req);
  if (r.outcome !== 'ticket') throw new Error(`expected a ticket, got ${r.outcome}`);
  return r.ticket;
}
