import { refusal } from '../core/refusals.js';
import type { DeliverySetup } from '../delivery/dispatcher.js';
import { envSmtpUrl, lazyDelivery } from '../delivery/setup.js';
import { STATUS_CODES, createServer } from 'node:http';
import type { Socket } from 'node:net';
import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { API, type Operation, type OperationName } from '../core/api.js';
import { DeskctlError, forbidden, invalid, notFound } from '../core/errors.js';
import { now as clock } from '../core/time.js';
import { formatPath, inspectJson, parseInput } from '../core/validate.js';
import { LocalHelpdesk } from '../client/local.js';
import type { Actor } from '../engine/context.js';
import { resolveCustomerActor } from '../engine/drafts.js';
import { authenticate, type Principal } from '../engine/tokens.js';
import type { Store } from '../store/store.js';
import { sharedRateStore } from './rate-store.js';
import { fromFastify, statusOf } from './errors.js';
import { HANDLERS } from './handlers.js';
import { openApiDocument } from './openapi.js';
import { registerWhatsappWebhook } from './webhook.js';
import { lazySecretsKey } from '../config/secrets-key.js';
import type { SecretsKey } from '../engine/secrets.js';

export interface ServerOptions {
  store: Store;
  /** Pino options, or false for no logs (tests). */
  logger?: boolean | Record<string, unknown>;
  /** Largest request body, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Requests per valid token, or per client address for requests without a valid token, per
   * window; `store` swaps the counters (@fastify/rate-limit's store interface) for shared ones
   * (default: the store's own shared counter where it has one, PostgreSQL's).
   */
  rateLimit?: { max: number; timeWindowMs: number; store?: RateLimitPluginOptions['store'] };
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client (a load balancer). */
  trustProxy?: string[];
  env?: NodeJS.ProcessEnv;
  /** How long a client may take (milliseconds): see SERVER_TIMEOUTS. */
  timeouts?: Partial<ServerTimeouts>;
  /** Deliveries to /webhooks/whatsapp per client address per window (default 10 × rateLimit.max). */
  webhookRateLimit?: number;
  /** The key of secrets at rest (default: DESKCTL_SECRETS_KEY or DESKCTL_SECRETS_KEY_FILE of `env`), read when the server is built. */
  secretsKey?: SecretsKey | null;
  /** R33: this server's channels (POST /notifications/deliver, serve --deliver), opened on first use (default: from DESKCTL_SMTP_URL of `env`), closed with the server. */
  delivery?: () => Promise<DeliverySetup>;
}

export interface ServerTimeouts {
  /** To send the whole request head. */
  headersMs: number;
  /** To send the whole request, head and body (a 64 MiB fixture at 1 MB/s fits). */
  requestMs: number;
  /** An idle keep-alive connection between requests. */
  idleMs: number;
  /** How often the first two are checked. */
  checkEveryMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 120_000, idleMs: 5_000, checkEveryMs: 1_000 };

const MAX_PARAM_LENGTH = 4_096;

/** How long /readyz waits for the database before it answers 503. */
const READY_WAIT_MS = 2_000;

/** How deep a request body may nest; deeper JSON is refused before anything walks it recursively. */
export const MAX_BODY_DEPTH = 64;

/**
 * What the server has done, for the hostile-traffic tests (work is counted, never timed): bodies
 * read and their bytes, values the body check visited, and token lookups.
 */
export interface ServerWork {
  bodiesRead: number;
  bodyBytes: number;
  validatorSteps: number;
  tokenLookups: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    work: ServerWork;
  }
  interface FastifyRequest {
    /** The live token behind the Authorization header (undefined off the API, null when none or invalid). */
    principal?: Principal | null;
    actor?: Actor;
  }
  interface FastifyContextConfig {
    operation?: OperationName;
    /** The WhatsApp webhook: no token, a raw body, its own checks (server/webhook.ts). */
    webhook?: boolean;
  }
}

/**
 * Requests Node's HTTP parser refuses (headers too large, malformed requests, timeouts): answered
 * in the contract's error shape, and never logged with the error itself, whose raw packet would
 * carry the Authorization header.
 */
function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'request headers too large'] : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request timed out'] : [400, 'malformed HTTP request'];
  const body = JSON.stringify({ error: { code: 'invalid_input', message } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

const bearer = (req: FastifyRequest) => {
  const h = req.headers.authorization;
  return h && /^Bearer\s+/i.test(h) ? h.replace(/^Bearer\s+/i, '').trim() : undefined;
};

/** Query values replaced, parameter names kept: `/v1/x?token=[redacted]&limit=[redacted]`. */
export function redactQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const keys = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const key = pair.split('=')[0]!;
      // A key is kept when it reads as a parameter name; a value pasted in its place is not.
      return `${/^[A-Za-z][\w.-]{0,39}$/.test(key) && !/^dsk_/i.test(key) ? key : '[redacted]'}=[redacted]`;
    });
  return `${url.slice(0, q)}?${keys.join('&')}`;
}

/** What a request log line says of the request: never a header, never a query value. */
function requestForLog(req: FastifyRequest) {
  return { method: req.method, url: redactQuery(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

/** Who a token acts as: the tenant's admin, or its customer as they are now (R3: a manager only while active). */
async function actorOf(store: Store, p: Principal): Promise<Actor> {
  if (p.role === 'admin') return { kind: 'admin', name: `token:${p.tokenName}` };
  const c = await store.db.selectFrom('customers').select(['email', 'deleted_at']).where('id', '=', p.customerId!).executeTakeFirst();
  if (!c || c.deleted_at !== null) throw new DeskctlError('unauthenticated', 'the customer of this token was removed');
  const actor = await resolveCustomerActor(store.db, p.tenantId, c.email);
  return p.role === 'customer' && actor.kind === 'manager' ? { kind: 'customer', name: actor.name, customerId: actor.customerId } : actor;
}

/**
 * Sends an async iterable as NDJSON. The first row is read before the headers go out, so an
 * invalid query is still an ordinary 400 answer rather than a broken stream.
 */
async function streamLines(reply: FastifyReply, rows: AsyncIterable<unknown>) {
  const it = rows[Symbol.asyncIterator]();
  const first = await it.next();
  async function* lines() {
    if (first.done) return;
    yield `${JSON.stringify(first.value)}\n`;
    for (let r = await it.next(); !r.done; r = await it.next()) yield `${JSON.stringify(r.value)}\n`;
  }
  return reply.type('application/x-ndjson').send(Readable.from(lines()));
}

/** Whether the request announces a body (by its headers alone: nothing of it is read). */
const hasBody = (req: FastifyRequest) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/** An operation with a body gets it checked by its schema (unknown keys refused); one without takes none. */
function checkedBody(op: Operation, body: unknown): unknown {
  if (op.body) return parseInput(op.body, body ?? {});
  const keys = body && typeof body === 'object' ? Object.keys(body) : [];
  if (keys.length) throw invalid(keys.map((k) => `Unrecognized key: ${JSON.stringify(k)} (this operation takes no body)`).join('; '));
  return undefined;
}

/** The helpdesk API over one store: every route of the operation table, authenticated and rate-limited. */
export async function buildServer(o: ServerOptions): Promise<FastifyInstance> {
  const t = { ...SERVER_TIMEOUTS, ...o.timeouts };
  const app = Fastify({
    // Request logs name the path and the query's keys, never its values (a token pasted into a URL stays out of the logs).
    logger: o.logger ? { ...(o.logger === true ? {} : o.logger), serializers: { req: requestForLog } } : false,
    // A client that stalls its head or its body, or holds an idle connection, is cut off: none can
    // keep the server (or its drain on SIGTERM) waiting. Node checks the first two every checkEveryMs.
    serverFactory: (handler) => {
      const server = createServer({ headersTimeout: t.headersMs, requestTimeout: t.requestMs, keepAliveTimeout: t.idleMs, connectionsCheckingInterval: t.checkEveryMs }, handler);
      server.keepAliveTimeout = t.idleMs;
      return server;
    },
    bodyLimit: o.bodyLimit ?? 1_048_576,
    ...(o.trustProxy?.length ? { trustProxy: o.trustProxy } : {}),
    // A name may be 200 characters (an e-mail 254), each up to 12 once percent-encoded.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // The router's own refusals (a malformed or over-long path) in the contract's error shape.
    frameworkErrors: (err, _req, reply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (reply as FastifyReply)
        .status(tooLong ? 414 : 400)
        .send({ error: { code: 'invalid_input', message: tooLong ? `path: a segment is longer than ${MAX_PARAM_LENGTH} characters` : 'path: malformed URL encoding' } });
    },
    clientErrorHandler,
  });
  const now = () => clock(o.env);
  // A key that cannot be read stops the server from starting (exit 2), not a delivery later.
  const key = o.secretsKey !== undefined ? o.secretsKey : lazySecretsKey(o.env ?? process.env)();
  const secretsKey = () => key;
  const ownDelivery = o.delivery ? null : lazyDelivery(o.store, () => ({ env: o.env ?? process.env, smtpUrl: envSmtpUrl(o.env ?? process.env), secretsKey }));
  const delivery = o.delivery ?? ownDelivery!.get;
  if (ownDelivery) app.addHook('onClose', ownDelivery.close);
  const work: ServerWork = { bodiesRead: 0, bodyBytes: 0, validatorSteps: 0, tokenLookups: 0 };
  app.decorate('work', work);
  // JSON only: any other body is 415, never a string handed to a handler.
  app.removeContentTypeParser('text/plain');
  // JSON is decoded strictly: invalid UTF-8 is a 400, never replaced by U+FFFD and stored.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    work.bodiesRead++;
    work.bodyBytes += (body as Buffer).length;
    // JSON is UTF-8 (RFC 8259): a body declared in another charset is refused, never misread.
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(String(req.headers['content-type']))?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      done(new DeskctlError('invalid_input', `unsupported charset "${charset}": send application/json in UTF-8`, { httpStatus: 415 }), undefined);
      return;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body as Buffer);
    } catch {
      done(invalid('body: not valid UTF-8'), undefined);
      return;
    }
    json(req, text, done);
  });

  app.setErrorHandler((err, req, reply) => {
    const e = err instanceof DeskctlError ? err : fromFastify(err as { statusCode?: number; code?: string; message: string });
    const status = statusOf(e);
    if (status >= 500) req.log.error({ err }, 'request failed');
    if (status === 401 && !req.routeOptions.config.webhook) reply.header('www-authenticate', 'Bearer');
    // Refused before its body was read (no token, a role that may not, too large): the body is
    // never read, and the connection closes once the answer is out.
    if (!req.raw.complete) reply.header('connection', 'close');
    return reply.status(status).send({ error: e.toJSON() });
  });
  // Every body of the API is a JSON object of bounded depth and valid text: anything else is a 400 naming where.
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined || req.routeOptions.config.webhook) return;
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) throw invalid('body: expected a JSON object');
    const { problem, steps } = inspectJson(req.body, MAX_BODY_DEPTH);
    work.validatorSteps += steps;
    if (problem?.kind === 'depth') throw invalid(`body.${formatPath(problem.path)}: ${problem.message}`);
    if (problem) throw invalid(`${formatPath(problem.path) || 'body'}: ${problem.message}`);
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  // Authentication reads the headers alone, before anything else of the request: the token is
  // looked up here, so that the rate limit below knows whose request it is.
  app.addHook('onRequest', async (req) => {
    // The webhook's credential is its signature, checked by its own route (server/webhook.ts).
    if (req.routeOptions.config.webhook) return;
    if (!req.routeOptions.config.operation) {
      // No operation, no body to read: an unknown path is 404 and /healthz or the document take none.
      if (req.is404) throw notFound(`no route ${req.method} ${req.url.split('?')[0]}`);
      if (hasBody(req)) throw invalid(`body: ${req.url.split('?')[0]} takes no body`);
      return;
    }
    const token = bearer(req);
    if (token === undefined) {
      req.principal = null;
      return;
    }
    work.tokenLookups++;
    req.principal = await authenticate(o.store, token, now());
  });

  const windowMs = o.rateLimit?.timeWindowMs ?? 60_000;
  const windowText = windowMs === 60_000 ? 'a minute' : windowMs % 60_000 === 0 ? `${windowMs / 60_000} minutes` : `${windowMs / 1000} s`;
  await app.register(rateLimit, {
    global: true,
    max: o.rateLimit?.max ?? 600,
    timeWindow: windowMs,
    // On PostgreSQL every server counts into the database, so a token's limit holds across all of
    // them (R43); a counter that cannot be reached lets the request through (the request itself
    // then meets the same database, and says so).
    ...(o.rateLimit?.store ? { store: o.rateLimit.store } : o.store.rateLimits ? { store: sharedRateStore(o.store.rateLimits), skipOnError: true } : {}),
    // A valid token is counted on its own; no token and any invalid one count against the client's
    // address, so a flood of made-up tokens is limited like any anonymous one.
    keyGenerator: (req) => (req.principal ? `token:${req.principal.tokenId}` : `address:${req.ip}`),
    allowList: (req) => req.url === '/healthz' || req.url === '/readyz',
    // Thrown by the plugin, answered by the error handler above (with Retry-After, set before).
    errorResponseBuilder: (req, ctx) =>
      new DeskctlError(
        'unavailable',
        `rate limited: more than ${ctx.max} requests in ${windowText} ${req.principal ? 'with this token' : 'from this address without a valid token'}; retry after ${Math.max(1, Math.ceil(ctx.ttl / 1000))} s`,
        { httpStatus: 429 },
      ),
  });

  // Alive while the process runs, whatever the database does (a load balancer restarts nothing
  // for a database outage); whether the database answers is /readyz's question.
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Ready when the database answers: a load balancer sends no traffic to a server that cannot reach it.
  app.get('/readyz', async (_req, reply) => {
    // A database that hangs is as unready as one that refuses: the answer comes within READY_WAIT_MS.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('late')), READY_WAIT_MS)));
    try {
      await Promise.race([o.store.ping(), late]);
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ error: { code: 'unavailable', message: 'the database does not answer' } });
    } finally {
      clearTimeout(timer);
    }
  });
  const doc = openApiDocument();
  app.get('/v1/openapi.json', async () => doc);

  for (const [name, op] of Object.entries(API) as [OperationName, Operation][]) {
    app.route({
      method: op.method,
      url: op.global ? op.path : `/v1/tenants/:tenant${op.path}`,
      config: { operation: name },
      ...(op.bodyLimit ? { bodyLimit: op.bodyLimit } : {}),
      // Who may call it is settled from the headers and the path, before a byte of the body is read.
      preParsing: async (req, _reply, payload) => {
        const principal = req.principal;
        if (!principal) {
          throw new DeskctlError('unauthenticated', bearer(req) === undefined ? 'missing bearer token (Authorization: Bearer …)' : 'invalid or revoked token');
        }
        const params = req.params as Record<string, string>;
        // R1: a token never reaches another tenant, nor learns whether it exists.
        if (!op.global && params.tenant !== principal.tenant) throw notFound(`tenant "${params.tenant}" not found`);
        const actor = await actorOf(o.store, principal);
        if (!op.roles.includes(actor.kind)) throw forbidden(refusal(name, actor.kind, op.roles));
        if (!op.body && hasBody(req)) throw invalid(`body: ${name} takes no body`);
        req.actor = actor;
        return payload;
      },
      handler: async (req, reply) => {
        const principal = req.principal!;
        const actor = req.actor!;
        const params = req.params as Record<string, string>;
        const engine = { store: o.store, tenantId: principal.tenantId, actor, now, secretsKey, delivery };
        const hd = new LocalHelpdesk(principal.tenant, engine, false);
        const key = req.headers['idempotency-key'];
        const result = await HANDLERS[name](hd, {
          params,
          query: (req.query ?? {}) as Record<string, unknown>,
          body: checkedBody(op, req.body),
          actor,
          tokenId: principal.tokenId,
          idempotencyKey: op.idempotent && typeof key === 'string' ? key : undefined,
        });
        if (op.stream) return streamLines(reply, result as AsyncIterable<unknown>);
        return reply.status(op.status ?? 200).send(result);
      },
    });
  }
  await registerWhatsappWebhook(app, {
    store: o.store,
    now,
    secretsKey,
    work,
    rateLimit: { max: o.webhookRateLimit ?? 10 * (o.rateLimit?.max ?? 600), timeWindowMs: windowMs },
  });
  return app;
}

/**
 * Stops the server the orderly way: no new connections, idle ones closed, the requests in flight
 * finish (each is one transaction); whatever is still open after `graceMs` (a client stalling its
 * body, a slow reader) is cut off, so a drain always ends. Resolves with the connections cut.
 */
export async function drain(app: FastifyInstance, graceMs: number): Promise<{ forced: number }> {
  let forced = 0;
  const timer = setTimeout(() => {
    app.server.getConnections((_err, n) => {
      forced = n;
      app.server.closeAllConnections();
    });
  }, graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
  return { forced };
}
