import { precondition } from '../core/errors.js';
import { signatureOf } from '../core/whatsapp-webhook.js';
import { readSettings } from '../engine/context.js';
import { pushSecretOf } from '../engine/push-secret.js';
import type { KeySource } from '../engine/secrets.js';
import type { Tx } from '../store/store.js';
import type { Channel, Outgoing, SendOutcome } from './channel.js';
import { channelAgent, DEFAULT_TIMEOUT_MS, header, isAnswer, oneLine, post, retryable, setUpFailure, whereOf } from './http.js';

/*
 * Push notifications (R33): each one is POSTed as JSON to the tenant's `notifications.pushUrl`,
 * signed as WhatsApp signs its webhooks (R32) but outgoing: the header
 *   X-Deskctl-Signature-256: sha256=<lower-case hex HMAC-SHA256 of the raw body, keyed by the push secret>
 * A receiver recomputes the HMAC over the exact bytes it received (before parsing them), compares
 * in constant time, and may refuse a body whose `sentAt` is old (the signature covers it, so a
 * replay cannot move it). `messageId` is the same on every attempt of one notification (R33): a
 * receiver that has seen it treats a repeat as delivered.
 *
 * The body (one JSON object, UTF-8):
 *   {"id":42,"tenant":"default","kind":"draft_pending","to":"gerente@matriz.example",
 *    "subject":"Approval requested: …","text":"…","messageId":"<…@deskctl>",
 *    "ref":{"type":"draft","id":7},"createdAt":"2026-11-02T12:00:00.000Z","sentAt":"2026-11-02T12:00:05.000Z"}
 * The answer: 2xx accepted; 408, 429 and 5xx tried again later; any other status refused for good
 * (retryable by hand); redirects are not followed (refused: the URL to set is where it leads).
 */

export const PUSH_SIGNATURE_HEADER = 'x-deskctl-signature-256';

/** Where a tenant's push notifications go and the secret that signs them. */
export interface PushTarget {
  url: string;
  secret: string;
}

/** The JSON body of a push notification (documented above and in the README). */
export interface PushBody {
  id: number;
  tenant: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  ref: { type: string; id: number } | null;
  createdAt: string;
  /** When this attempt was sent (covered by the signature: a receiver may refuse old ones). */
  sentAt: string;
}

export function pushBody(m: Outgoing, sentAt: Date): PushBody {
  return { id: m.id, tenant: m.tenant, kind: m.kind, to: m.to, subject: m.subject, text: m.text, messageId: m.messageId, ref: m.ref, createdAt: m.createdAt, sentAt: sentAt.toISOString() };
}

/** The value of X-Deskctl-Signature-256 for a body: `sha256=` and the lower-case hex HMAC-SHA256 of its bytes (R32's scheme, outgoing). */
export const pushSignature = (secret: string, body: Buffer | string): string => signatureOf(body, secret);

const SET_URL = 'deskctl settings set notifications.pushUrl https://…';
const SET_SECRET = 'deskctl notifications push-secret --stdin';

export function pushChannel(o: { targetOf: (tenantId: number) => Promise<PushTarget | null>; timeoutMs?: number; now?: () => Date }): Channel {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const agent = channelAgent(timeoutMs);
  const now = o.now ?? (() => new Date());
  return {
    async send(m: Outgoing): Promise<SendOutcome> {
      let target: PushTarget | null;
      try {
        target = await o.targetOf(m.tenantId);
      } catch (e) {
        return setUpFailure('push', m.tenant, e);
      }
      if (!target) return { status: 'permanent', error: `push: tenant "${m.tenant}" has no push URL and no push secret: set both (${SET_URL}; ${SET_SECRET})` };
      const body = Buffer.from(JSON.stringify(pushBody(m, now())), 'utf8');
      const where = `push to ${whereOf(target.url)}`;
      const r = await post(agent, target.url, { 'content-type': 'application/json; charset=utf-8', [PUSH_SIGNATURE_HEADER]: pushSignature(target.secret, body) }, body, timeoutMs, where);
      if (!isAnswer(r)) return r;
      if (r.status >= 200 && r.status < 300) return { status: 'accepted', reply: `HTTP ${r.status}` };
      const said = oneLine(r.text);
      if (retryable(r.status)) {
        const after = header(r, 'retry-after');
        return { status: 'temporary', error: `${where}: HTTP ${r.status}${after ? ` (Retry-After: ${oneLine(after, 40)})` : ''}${said ? `: ${said}` : ''}` };
      }
      if (r.status >= 300 && r.status < 400) {
        const location = header(r, 'location');
        return { status: 'permanent', error: `${where}: HTTP ${r.status}, a redirect${location ? ` to ${whereOf(location)}` : ''} (not followed: set notifications.pushUrl to where it leads)` };
      }
      return { status: 'permanent', error: `${where}: HTTP ${r.status}${said ? `: ${said}` : ''}` };
    },
    close: () => agent.close(),
  };
}

/**
 * The push target of a tenant: the setting `notifications.pushUrl` and the push secret, opened.
 * Null when neither is set; one without the other is a `precondition_failed` error naming the one
 * to set (the push channel makes either a permanent failure, retryable once it is set).
 */
export async function pushTargetOf(db: Tx, tenantId: number, secretsKey: KeySource): Promise<PushTarget | null> {
  const url = (await readSettings(db, tenantId))['notifications.pushUrl'];
  const secret = await pushSecretOf(db, tenantId, secretsKey);
  if (url === null && secret === null) return null;
  if (url === null) throw precondition(`push: the setting notifications.pushUrl is not set (${SET_URL})`);
  if (secret === null) throw precondition(`push: no push secret is set to sign with (${SET_SECRET})`);
  return { url, secret };
}
