import { Agent } from 'undici';
import { DeskctlError } from '../core/errors.js';
import { VERSION } from '../version.js';
import type { SendOutcome } from './channel.js';

/*
 * One HTTP POST of a channel (push, WhatsApp's Cloud API) and how its failures are classed (R33):
 * no server answered (connection refused, no such host, no connection within the timeout) is
 * `unreachable`; no answer within the timeout, or a connection cut mid-way, is `temporary`. What
 * the server answered is the channel's to judge (answerClass gives the common part). Nothing of
 * the request's headers (a bearer token, a signature) ever goes into an outcome's error.
 */

/** How long one attempt may take, connection to last byte, unless a channel is given another. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** The most of an answer's body that is read (the rest is dropped: an error needs a line of it). */
const MAX_ANSWER_BYTES = 64 * 1024;

export const USER_AGENT = `deskctl/${VERSION}`;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Connections pooled per origin and kept alive between messages; the channel's close() closes them. */
export function channelAgent(timeoutMs: number): Agent {
  return new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 10_000, connections: 8 });
}

/** The network errors that mean no server answered at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * POSTs `body` to `url` and reads the answer, or says why there is none as an outcome. `where`
 * names the server in errors (an origin and a path: never a query, a user or a token).
 */
export async function post(agent: Agent, url: string, headers: Record<string, string>, body: Buffer, timeoutMs: number, where: string): Promise<Answer | SendOutcome> {
  try {
    const res = await agent.request({
      origin: new URL(url).origin,
      path: pathOf(url),
      method: 'POST',
      headers: { 'user-agent': USER_AGENT, 'content-length': String(body.length), ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(b);
      size += b.length;
      if (size >= MAX_ANSWER_BYTES) break;
    }
    return { status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8') };
  } catch (e) {
    return networkOutcome(e, timeoutMs, where);
  }
}

const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/** Why a request got no answer, as an outcome. */
export function networkOutcome(e: unknown, timeoutMs: number, where: string): SendOutcome {
  const err = e as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } } | null;
  const code = typeof err?.code === 'string' ? err.code : typeof err?.cause?.code === 'string' ? err.cause.code : undefined;
  const seconds = `${timeoutMs / 1000} s`;
  if (code && UNREACHABLE.has(code)) {
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'UND_ERR_CONNECT_TIMEOUT'
          ? `no connection within ${seconds}`
          : code.startsWith('EAI_') || code === 'ENOTFOUND'
            ? 'no such host'
            : 'no route to the host';
    return { status: 'unreachable', error: `${where}: ${why} (${code})` };
  }
  if ((code && TIMEOUTS.has(code)) || err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    return { status: 'temporary', error: `${where}: no answer within ${seconds}` };
  }
  return { status: 'temporary', error: `${where}: the connection failed (${code ?? oneLine(String(err?.message ?? e))})` };
}

/** Whether an HTTP status is worth another attempt (R33: 408, 429 and 5xx), or refused for good. */
export const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** A line of an answer's text for an error: control characters and runs of spaces folded, at most `max` characters. */
export function oneLine(text: string, max = 200): string {
  const t = text.replace(/[\p{Cc}\p{Cf}\s]+/gu, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * The server of a URL for errors and logs: its origin only, never its path (a webhook URL often
 * carries its token there), query or user.
 */
export function whereOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(an address that is not a URL)';
  }
}

/** The first value of a header. */
export const header = (a: Answer, name: string): string | undefined => {
  const v = a.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export const isAnswer = (r: Answer | SendOutcome): r is Answer => 'text' in r && typeof (r as Answer).status === 'number';

/**
 * A tenant's set-up that could not be read, as an outcome: one the tenant lacks (a DeskctlError
 * `precondition_failed` or `not_found`: "not set") fails, retryable by hand once set; anything
 * else (the database, the operator's secrets key missing, malformed or another one) is the
 * dispatcher's to mend and is tried again later.
 */
export function setUpFailure(channel: string, tenant: string, e: unknown): SendOutcome {
  const message = oneLine(String((e as Error)?.message ?? e), 400);
  const error = message.startsWith(`${channel}: `) ? message : `${channel}: ${message}`;
  if (e instanceof DeskctlError && (e.code === 'precondition_failed' || e.code === 'not_found')) return { status: 'permanent', error };
  return { status: 'temporary', error: `${channel}: cannot read the set-up of tenant "${tenant}": ${message}` };
}
