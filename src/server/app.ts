import { refusal } from '../core/refusals.js';
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { API, type Operation, type OperationName } from '../core/api.js';
import { DeskctlError, forbidden, invalid, notFound } from '../core/errors.js';
import { now as clock } from '../core/time.js';
import { formatPath } from '../core/validate.js';
import { LocalHelpdesk } from '../client/local.js';
import type { Actor } from '../engine/context.js';
import { resolveCustomerActor } from '../engine/drafts.js';
import { authenticate, type Principal } from '../engine/tokens.js';
import type { Store } from '../store/store.js';
import { sharedRateStore } from './rate-store.js';
import { fromFastify, statusOf } from './errors.js';
import { HANDLERS } from './handlers.js';
import { openApiDocument } from './openapi.js';

export interface ServerOptions {
  store: Store;
  /** Pino options, or false for no logs (tests). */
  logger?: boolean | Record<string, unknown>;
  /** Largest request body, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Requests per token (or per address without one) per window. */
  rateLimit?: { max: number; timeWindowMs: number };
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client (a load balancer). */
  trustProxy?: string[];
  env?: NodeJS.ProcessEnv;
}

const MAX_PARAM_LENGTH = 4_096;

/** How deep a request body may nest; deeper JSON is refused before anything walks it recursively. */
export const MAX_BODY_DEPTH = 64;

/** The path to the first value nested deeper than `max` levels, or null; iterative, so no body can overflow the stack. */
export function tooDeep(value: unknown, max = MAX_BODY_DEPTH): string | null {
  const stack: [unknown, PropertyKey[]][] = [[value, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= max) return formatPath(path);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...path, i]]));
    else for (const [k, x] of Object.entries(v)) stack.push([x, [...path, k]]);
  }
  return null;
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

/** The helpdesk API over one store: every route of the operation table, authenticated and rate-limited. */
export async function buildServer(o: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: o.logger ?? false,
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
  // JSON only: any other body is 415, never a string handed to a handler.
  app.removeContentTypeParser('text/plain');
  // JSON is decoded strictly: invalid UTF-8 is a 400, never replaced by U+FFFD and stored.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
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
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.status(status).send({ error: e.toJSON() });
  });
  // Every body of the API is a JSON object of bounded depth: anything else is a 400 naming where.
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined) return;
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) throw invalid('body: expected a JSON object');
    const deep = tooDeep(req.body);
    if (deep !== null) throw invalid(`body.${deep}: nested more than ${MAX_BODY_DEPTH} levels deep`);
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  await app.register(rateLimit, {
    global: true,
    max: o.rateLimit?.max ?? 600,
    timeWindow: o.rateLimit?.timeWindowMs ?? 60_000,
    // Per token (by its hash, never the token itself), else per client address.
    keyGenerator: (req) => {
      const token = bearer(req);
      return token ? createHash('sha256').update(token).digest('hex') : req.ip;
    },
    allowList: (req) => req.url === '/healthz' || req.url === '/readyz',
    // On PostgreSQL every server counts into the database, so a token's limit holds across all of
    // them (R43); a counter that cannot be reached lets the request through (the request itself
    // then meets the same database, and says so).
    ...(o.store.rateLimits ? { store: sharedRateStore(o.store.rateLimits), skipOnError: true } : {}),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: { code: 'unavailable', message: `rate limit exceeded: retry after ${Math.ceil(ctx.ttl / 1000)} s` },
    }),
  });

  app.get('/healthz', async () => {
    await o.store.db.selectFrom('tenants').select('id').limit(1).execute();
    return { status: 'ok' };
  });
  // Ready when the database answers: a load balancer sends no traffic to a server that cannot reach it.
  app.get('/readyz', async (_req, reply) => {
    try {
      await o.store.ping();
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ error: { code: 'unavailable', message: 'the database does not answer' } });
    }
  });
  const doc = openApiDocument();
  app.get('/v1/openapi.json', async () => doc);

  for (const [name, op] of Object.entries(API) as [OperationName, Operation][]) {
    app.route({
      method: op.method,
      url: op.global ? op.path : `/v1/tenants/:tenant${op.path}`,
      ...(op.bodyLimit ? { bodyLimit: op.bodyLimit } : {}),
      handler: async (req, reply) => {
        const token = bearer(req);
        if (!token) throw new DeskctlError('unauthenticated', 'missing bearer token (Authorization: Bearer …)');
        const principal = await authenticate(o.store, token, now());
        if (!principal) throw new DeskctlError('unauthenticated', 'invalid or revoked token');
        const params = req.params as Record<string, string>;
        // R1: a token never reaches another tenant, nor learns whether it exists.
        if (!op.global && params.tenant !== principal.tenant) throw notFound(`tenant "${params.tenant}" not found`);
        const actor = await actorOf(o.store, principal);
        if (!op.roles.includes(actor.kind)) throw forbidden(refusal(name, actor.kind, op.roles));
        const engine = { store: o.store, tenantId: principal.tenantId, actor, now };
        const hd = new LocalHelpdesk(principal.tenant, engine, false);
        const key = req.headers['idempotency-key'];
        const result = await HANDLERS[name](hd, {
          params,
          query: (req.query ?? {}) as Record<string, unknown>,
          body: req.body,
          actor,
          tokenId: principal.tokenId,
          idempotencyKey: op.idempotent && typeof key === 'string' ? key : undefined,
        });
        if (op.stream) return streamLines(reply, result as AsyncIterable<unknown>);
        return reply.status(op.status ?? 200).send(result);
      },
    });
  }
  return app;
}
