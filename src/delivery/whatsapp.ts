import { invalid } from '../core/errors.js';
import type { KeySource } from '../engine/secrets.js';
import { connectionSecretsOf } from '../engine/whatsapp-connection.js';
import type { Tx } from '../store/store.js';
import type { Channel, Outgoing, SendOutcome } from './channel.js';
import { channelAgent, DEFAULT_TIMEOUT_MS, header, isAnswer, oneLine, post, retryable, setUpFailure, whereOf } from './http.js';

/*
 * WhatsApp messages (R33) through the tenant's connection and Meta's Cloud API:
 *   POST {apiUrl}/{phoneNumberId}/messages   Authorization: Bearer <access token>
 *   {"messaging_product":"whatsapp","recipient_type":"individual","to":"<digits>","type":"text",
 *    "text":{"preview_url":false,"body":"…"}}
 * answered `{"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid.…"}]}`: the id is
 * the outcome's providerId, which the status webhooks (R32) name. A refusal is
 * `{"error":{"message":…,"type":…,"code":…,"error_data":{"details":…},"fbtrace_id":…}}`; Meta asks
 * that it be judged by its `code` rather than its HTTP status, so the rate limits and Meta's own
 * temporary failures are tried again whatever status they came with, the rest by the status as for
 * push (408, 429, 5xx again; other 4xx refused for good). The access token is never part of an
 * error (it is cut out of anything the API answers, should it ever be repeated there).
 */

export const DEFAULT_WHATSAPP_API_URL = 'https://graph.facebook.com/v21.0';

/** The Cloud API's base URL: DESKCTL_WHATSAPP_API_URL (a proxy, a test server), else Meta's Graph API. */
export function whatsappApiUrl(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.DESKCTL_WHATSAPP_API_URL?.trim();
  if (!given) return DEFAULT_WHATSAPP_API_URL;
  let u: URL;
  try {
    u = new URL(given);
  } catch {
    throw invalid(`DESKCTL_WHATSAPP_API_URL: not a URL; expected such as ${DEFAULT_WHATSAPP_API_URL}`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.search || u.hash) {
    throw invalid(`DESKCTL_WHATSAPP_API_URL: expected an http(s) address without a user, a query or a fragment, such as ${DEFAULT_WHATSAPP_API_URL}`);
  }
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

/**
 * Meta's error codes that are worth another attempt whatever HTTP status carries them: the rate
 * limits (4 app calls, 80007 account, 130429 throughput, 131048 spam, 131056 pair) and Meta's
 * temporary failures (2 service, 131000 something went wrong, 131016 service unavailable,
 * 131057 account in maintenance, 133004 server temporarily unavailable).
 */
export const WHATSAPP_TEMPORARY_CODES: ReadonlySet<number> = new Set([2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 131057, 133004]);
/** Codes that say the access token is refused (expired, revoked): connect again with a new one. */
const TOKEN_CODES = new Set([0, 190]);

/** The most characters Meta takes in a text message's body. */
export const WHATSAPP_TEXT_MAX = 4_096;

export interface WhatsappSender {
  phoneNumberId: string;
  accessToken: string;
}

export function whatsappChannel(o: { apiUrl: string; connectionOf: (tenantId: number) => Promise<WhatsappSender | null>; timeoutMs?: number }): Channel {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const apiUrl = o.apiUrl.replace(/\/+$/, '');
  const agent = channelAgent(timeoutMs);
  return {
    async send(m: Outgoing): Promise<SendOutcome> {
      let conn: WhatsappSender | null;
      try {
        conn = await o.connectionOf(m.tenantId);
      } catch (e) {
        return setUpFailure('whatsapp', m.tenant, e);
      }
      if (!conn) return { status: 'permanent', error: `whatsapp: tenant "${m.tenant}" is not connected to WhatsApp (deskctl whatsapp connect --phone-number-id ID --secrets-stdin)` };
      if (!/^\d{8,15}$/.test(m.to)) return { status: 'permanent', error: `whatsapp: "${oneLine(m.to, 40)}" is not a phone number's digits (8 to 15)` };
      const chars = [...m.text].length;
      if (chars === 0) return { status: 'permanent', error: 'whatsapp: the message is empty' };
      if (chars > WHATSAPP_TEXT_MAX) return { status: 'permanent', error: `whatsapp: the message has ${chars.toLocaleString('en-US')} characters; WhatsApp takes at most ${WHATSAPP_TEXT_MAX.toLocaleString('en-US')}` };
      const url = `${apiUrl}/${encodeURIComponent(conn.phoneNumberId)}/messages`;
      const where = `whatsapp ${whereOf(url)}`;
      const body = Buffer.from(
        JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: m.to, type: 'text', text: { preview_url: false, body: m.text } }),
        'utf8',
      );
      const r = await post(agent, url, { 'content-type': 'application/json', authorization: `Bearer ${conn.accessToken}` }, body, timeoutMs, where);
      if (!isAnswer(r)) return r;
      const token = conn.accessToken;
      const clean = (s: string) => (token ? s.split(token).join('[redacted]') : s);
      const json = parse(r.text);
      if (r.status >= 200 && r.status < 300) {
        const id = (json as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
        return typeof id === 'string' && id ? { status: 'accepted', providerId: id, reply: `HTTP ${r.status} ${oneLine(clean(id), 200)}` } : { status: 'accepted', reply: `HTTP ${r.status}, without a message id` };
      }
      const e = (json as { error?: { code?: unknown; message?: unknown; error_data?: { details?: unknown } } } | null)?.error;
      const code = typeof e?.code === 'number' ? e.code : typeof e?.code === 'string' && /^\d+$/.test(e.code) ? Number(e.code) : undefined;
      const said = [e?.message, e?.error_data?.details].filter((x): x is string => typeof x === 'string' && x !== '').map((x) => oneLine(clean(x)));
      const after = header(r, 'retry-after');
      const error = `${where}: HTTP ${r.status}${code !== undefined ? `, error ${code}` : ''}${said.length ? `: ${said.join(' — ')}` : r.text && !e ? `: ${oneLine(clean(r.text))}` : ''}${after ? ` (Retry-After: ${oneLine(after, 40)})` : ''}`;
      if ((code !== undefined && WHATSAPP_TEMPORARY_CODES.has(code)) || retryable(r.status)) return { status: 'temporary', error };
      if (code !== undefined && TOKEN_CODES.has(code)) return { status: 'permanent', error: `${error} (the access token is refused: deskctl whatsapp connect … --secrets-stdin with a new one)` };
      return { status: 'permanent', error };
    },
    close: () => agent.close(),
  };
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * The tenant's WhatsApp connection as the channel sends with it: the phone number id and the
 * access token, opened as whatsapp-connection.ts opens its secrets; null when not connected. A
 * missing or other key is an `unavailable` error naming the key ids, never a secret.
 */
export async function whatsappConnectionOf(db: Tx, tenantId: number, secretsKey: KeySource): Promise<WhatsappSender | null> {
  const c = await connectionSecretsOf(db, tenantId, secretsKey);
  return c ? { phoneNumberId: c.phoneNumberId, accessToken: c.accessToken } : null;
}
