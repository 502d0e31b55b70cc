import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DeskctlError, invalid, notFound } from '../core/errors.js';
import { inspectJson } from '../core/validate.js';
import { formatPath } from '../core/validate.js';
import { parsePayload, phoneNumberIdsOf, signatureValid, signatureWellFormed, type DeliveredStatus } from '../core/whatsapp-webhook.js';
import type { EngineContext } from '../engine/context.js';
import type { SecretsKey } from '../engine/secrets.js';
import { verifyTokenKnown, webhookTenants, type WebhookTenant } from '../engine/whatsapp-connection.js';
import { takeMessage, updateMessageStatuses, type StatusUpdate } from '../engine/whatsapp.js';
import type { Store } from '../store/store.js';
import type { ServerWork } from './app.js';

/*
 * The WhatsApp Cloud API webhook on `deskctl serve` (R31, R32), outside /v1 and without a token:
 * the signature is the credential.
 *
 * GET  /webhooks/whatsapp  Meta's handshake: hub.challenge back as text/plain when hub.verify_token
 *                          is a connected tenant's verify token, else 403.
 * POST /webhooks/whatsapp  A delivery. In this order, and nothing is written before the last step:
 *   1. From the headers alone, before the body is read: X-Hub-Signature-256 must be `sha256=` and
 *      64 lower-case hex digits (401 otherwise, the body unread and the connection closed), and the
 *      body at most WEBHOOK_BODY_LIMIT (413).
 *   2. The raw bytes are read as they came (a Buffer: the signature is over them, not over JSON
 *      parsed and written again), then decoded as UTF-8 JSON (400 otherwise).
 *   3. The phone number ids its `messages` changes name find their tenants (404 for one that no
 *      tenant is connected to).
 *   4. The signature must be the HMAC-SHA256 of the raw body under the app secret of EVERY tenant
 *      the delivery names (401 otherwise): one Meta app signs a delivery with its one secret, so a
 *      delivery for several numbers is taken only when each of their tenants holds that secret —
 *      no tenant's messages are ever written on the strength of another tenant's secret.
 *   5. The payload's shape (400 naming the path of every problem).
 *   6. Each message goes through takeMessage (receiveMessage without reading the conversation back), each its own transaction, in payload order, then
 *      the statuses through updateMessageStatuses, per tenant; 200 once all are committed. A
 *      failure on the way is answered as such (503 when the database is busy), so Meta delivers
 *      again; what had committed is not done twice (a message id seen before has no second
 *      effect, R31).
 */

export const WEBHOOK_PATH = '/webhooks/whatsapp';

/** Meta's webhook deliveries are at most 3 MB; the rest of the API keeps its own limit. */
export const WEBHOOK_BODY_LIMIT = 3 * 1_048_576;

/** Who the webhook's changes are audited as. */
export const WEBHOOK_ACTOR = { kind: 'admin', name: 'whatsapp' } as const;

export interface WebhookOptions {
  store: Store;
  now: () => Date;
  secretsKey: () => SecretsKey | null;
  work: ServerWork;
  /** Requests per client address per minute (the rate limit of this route). */
  rateLimit: { max: number; timeWindowMs: number };
}

const header = (req: FastifyRequest) => {
  const h = req.headers['x-hub-signature-256'];
  return typeof h === 'string' ? h : undefined;
};

/** Registers the two routes in their own context: there, and only there, a JSON body reaches the handler as raw bytes. */
export async function registerWhatsappWebhook(app: FastifyInstance, o: WebhookOptions): Promise<void> {
  await app.register(async (hook) => {
    hook.removeContentTypeParser('application/json');
    hook.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
      o.work.bodiesRead++;
      o.work.bodyBytes += (body as Buffer).length;
      done(null, body);
    });
    const config = {
      webhook: true,
      // Counted per client address, before anything is read (Meta's servers, or the client a
      // trusted proxy names): a flood without a valid signature is limited like any anonymous one.
      rateLimit: { max: o.rateLimit.max, timeWindow: o.rateLimit.timeWindowMs, keyGenerator: (req: FastifyRequest) => `webhook:${req.ip}` },
    };

    hook.get(WEBHOOK_PATH, { config }, async (req, reply) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const token = q['hub.verify_token'];
      if (q['hub.mode'] !== 'subscribe' || typeof token !== 'string' || token === '' || !(await verifyTokenKnown(o.store, token))) {
        return reply.status(403).send({ error: { code: 'forbidden', message: 'hub.verify_token: not the verify token of a connected tenant (or hub.mode is not subscribe)' } });
      }
      const challenge = q['hub.challenge'];
      if (typeof challenge !== 'string' || !/^[\x21-\x7e]{1,1024}$/.test(challenge)) throw invalid('hub.challenge: expected the challenge Meta sends (1 to 1,024 printable characters)');
      return reply.type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(challenge);
    });

    hook.post(WEBHOOK_PATH, {
      config,
      bodyLimit: WEBHOOK_BODY_LIMIT,
      // Step 1: the signature's form, from the headers alone.
      preParsing: async (req, _reply, payload) => {
        const sig = header(req);
        if (!signatureWellFormed(sig)) {
          throw new DeskctlError('unauthenticated', sig === undefined ? 'missing X-Hub-Signature-256 (the signature of the delivery)' : 'X-Hub-Signature-256: expected sha256= and 64 lower-case hex digits');
        }
        return payload;
      },
      handler: async (req, reply) => {
        const raw = req.body;
        if (!Buffer.isBuffer(raw) || raw.length === 0) throw invalid('body: expected the webhook payload (application/json)');
        // Step 2.
        let payload: unknown;
        try {
          payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
        } catch {
          throw invalid('body: not valid JSON in UTF-8');
        }
        // Step 3.
        const ids = phoneNumberIdsOf(payload);
        if (ids === null) throw invalid('entry: expected the list of entries of a WhatsApp webhook delivery');
        if (ids.length === 0) throw invalid('entry[0].changes[0].value.metadata.phone_number_id: required (no change of the messages field names a phone number id)');
        const tenants = await webhookTenants(o.store, ids, o.secretsKey);
        const unknown = ids.filter((id) => !tenants.has(id));
        if (unknown.length) throw notFound(`no tenant is connected to the WhatsApp phone number id ${unknown.join(', ')}`);
        // Step 4: every tenant named must have signed it.
        const sig = header(req);
        for (const t of tenants.values()) {
          if (!signatureValid(raw, sig, t.appSecret)) throw new DeskctlError('unauthenticated', `X-Hub-Signature-256 does not match the body under the app secret of phone number id ${t.phoneNumberId}`);
        }
        // Step 5: text that cannot be stored, then the shape.
        const { problem } = inspectJson(payload, 64);
        if (problem) throw invalid(`${formatPath(problem.path) || 'body'}: ${problem.message}`);
        const parsed = parsePayload(payload);
        if (!parsed.ok) throw invalid(parsed.problems.join('; '), parsed.problems);
        // Step 6.
        const { messages, statuses } = parsed.delivery;
        for (const m of messages) {
          await takeMessage(contextOf(tenants.get(m.phoneNumberId)!, o), { from: m.from, id: m.id, type: m.type, text: m.text, name: m.name, at: m.at });
        }
        const byTenant = new Map<string, DeliveredStatus[]>();
        for (const s of statuses) byTenant.set(s.phoneNumberId, [...(byTenant.get(s.phoneNumberId) ?? []), s]);
        for (const [phoneNumberId, list] of byTenant) {
          const updates: StatusUpdate[] = list.map((s) => ({ id: s.id, status: s.status, at: s.at, error: s.error }));
          await updateMessageStatuses(contextOf(tenants.get(phoneNumberId)!, o), updates);
        }
        return reply.status(200).send({ received: { messages: messages.length, statuses: statuses.length } });
      },
    });
  });
}

function contextOf(t: WebhookTenant, o: WebhookOptions): EngineContext {
  return { store: o.store, tenantId: t.tenantId, actor: { ...WEBHOOK_ACTOR }, now: o.now, secretsKey: o.secretsKey };
}
