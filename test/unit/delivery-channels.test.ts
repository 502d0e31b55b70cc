import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, Outgoing } from '../../src/delivery/channel.js';
import { PUSH_SIGNATURE_HEADER, pushChannel, pushTargetOf } from '../../src/delivery/push.js';
import { DEFAULT_WHATSAPP_API_URL, whatsappApiUrl, whatsappChannel, whatsappConnectionOf } from '../../src/delivery/whatsapp.js';
import { parseSecretsKey } from '../../src/engine/secrets.js';
import { tenantIdBySlug } from '../../src/engine/context.js';
import { openStore, type Store } from '../../src/store/store.js';
import { tenantAdmin } from '../helpers/backends.js';
import { PHONE_NUMBER_ID, SECRETS } from '../helpers/whatsapp.js';

/*
 * The push and WhatsApp channels (R33) against real HTTP servers on loopback: what they send (the
 * body, the signature, the bearer token) and how each kind of answer, or its absence, is classed.
 */

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  raw: Buffer;
}

/** A receiver on 127.0.0.1 that records every request and answers with `reply` (or never, with null). */
async function receiver(reply: (r: Received, res: ServerResponse) => void | null) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, headers: req.headers, raw: Buffer.concat(chunks) };
      got.push(r);
      reply(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    got,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const answer = (status: number, body = '', headers: Record<string, string> = {}) => (_r: Received, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const message = (over: Partial<Outgoing> = {}): Outgoing => ({
  id: 42,
  tenantId: 1,
  tenant: 'default',
  kind: 'draft_pending',
  to: 'gerente@matriz.example',
  subject: 'Approval requested: Sem acesso ao sistema',
  text: 'Ana pede aprovação: “Sem acesso ao sistema” — ção, 日本, 🎫',
  html: null,
  messageId: '<n42.default@deskctl>',
  from: null,
  ref: { type: 'draft', id: 7 },
  createdAt: '2026-11-02T12:00:00.000Z',
  ...over,
});

const SECRET = 'push-secret-0123456789abcdef-ção';
const SENT_AT = new Date('2026-11-02T12:00:05.000Z');

/** How a receiver checks a push (the README's recipe): HMAC-SHA256 of the raw bytes, compared in constant time. */
function verified(r: Received, secret: string): boolean {
  const header = r.headers[PUSH_SIGNATURE_HEADER];
  const m = typeof header === 'string' ? /^sha256=([0-9a-f]{64})$/.exec(header) : null;
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(r.raw).digest();
  return timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected);
}

describe('R33: the push channel POSTs the notification as JSON, signed with the push secret', () => {
  const open: { close(): Promise<void> }[] = [];
  const channels: Channel[] = [];
  afterEach(async () => {
    await Promise.all(channels.splice(0).map((c) => c.close()));
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const push = (url: string | null, o: { timeoutMs?: number; secret?: string } = {}) => {
    const c = pushChannel({ targetOf: async () => (url === null ? null : { url, secret: o.secret ?? SECRET }), timeoutMs: o.timeoutMs, now: () => SENT_AT });
    channels.push(c);
    return c;
  };
  const serve = async (reply: Parameters<typeof receiver>[0]) => {
    const s = await receiver(reply);
    open.push(s);
    return s;
  };

  it('R33: 2xx is accepted; the body has every field, and the signature is the HMAC-SHA256 of its exact bytes', async () => {
    const s = await serve(answer(204));
    const out = await push(`${s.url}/hooks/deskctl?channel=help`).send(message());
    expect(out).toEqual({ status: 'accepted', reply: 'HTTP 204' });
    expect(s.got).toHaveLength(1);
    const r = s.got[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/hooks/deskctl?channel=help');
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['user-agent']).toMatch(/^deskctl\/\d+\.\d+\.\d+/);
    expect(JSON.parse(r.raw.toString('utf8'))).toEqual({
      id: 42,
      tenant: 'default',
      kind: 'draft_pending',
      to: 'gerente@matriz.example',
      subject: 'Approval requested: Sem acesso ao sistema',
      text: 'Ana pede aprovação: “Sem acesso ao sistema” — ção, 日本, 🎫',
      messageId: '<n42.default@deskctl>',
      ref: { type: 'draft', id: 7 },
      createdAt: '2026-11-02T12:00:00.000Z',
      sentAt: '2026-11-02T12:00:05.000Z',
    });
    expect(verified(r, SECRET)).toBe(true);
    expect(verified(r, `${SECRET}x`)).toBe(false);
    // The secret never travels.
    expect(JSON.stringify(r.headers) + r.raw.toString('utf8')).not.toContain(SECRET);
  });

  it('R33: the same notification twice carries the same messageId (a receiver can tell a repeat)', async () => {
    const s = await serve(answer(200, '{"ok":true}'));
    const c = push(s.url);
    await c.send(message());
    await c.send(message());
    const [a, b] = s.got.map((r) => JSON.parse(r.raw.toString('utf8')) as { messageId: string });
    expect(a!.messageId).toBe(b!.messageId);
  });

  it.each([
    [408, 'temporary'],
    [429, 'temporary'],
    [500, 'temporary'],
    [503, 'temporary'],
    [400, 'permanent'],
    [401, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
    [301, 'permanent'],
  ] as const)('R33: HTTP %i is %s', async (status, expected) => {
    const s = await serve(answer(status, '{"error":"nope"}', status === 429 ? { 'retry-after': '30' } : status === 301 ? { location: 'https://elsewhere.example/push' } : {}));
    const out = await push(`${s.url}/push`).send(message());
    expect(out.status).toBe(expected);
    if (out.status === 'accepted') return;
    expect(out.error).toContain(`push to ${s.url}: HTTP ${status}`);
    if (status === 429) expect(out.error).toContain('Retry-After: 30');
    if (status === 301) expect(out.error).toContain('a redirect to https://elsewhere.example ');
    expect(out.error).not.toContain(SECRET);
  });

  it('R33: a refused connection is unreachable; no answer within the timeout is temporary', async () => {
    const port = await closedPort();
    expect(await push(`http://127.0.0.1:${port}/push`).send(message())).toEqual({ status: 'unreachable', error: `push to http://127.0.0.1:${port}: connection refused (ECONNREFUSED)` });
    const silent = await serve(() => null);
    const out = await push(`${silent.url}/push`, { timeoutMs: 300 }).send(message());
    expect(out).toEqual({ status: 'temporary', error: `push to ${silent.url}: no answer within 0.3 s` });
    expect(silent.got).toHaveLength(1);
  });

  it('R33: an unknown host is unreachable', async () => {
    const out = await push('http://deskctl-test-no-such-host.invalid/push', { timeoutMs: 5_000 }).send(message());
    expect(out.status).toBe('unreachable');
  });

  it('R33: a tenant without a push target fails for good, naming what to set', async () => {
    const out = await push(null).send(message());
    expect(out).toEqual({
      status: 'permanent',
      error: 'push: tenant "default" has no push URL and no push secret: set both (deskctl settings set notifications.pushUrl https://…; deskctl notifications push-secret --stdin)',
    });
  });
});

describe('R33: pushTargetOf reads the push URL setting and opens the push secret', () => {
  let dir: string;
  let store: Store;
  const KEY = parseSecretsKey(randomBytes(32).toString('base64'), 'k');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskctl-push-'));
    store = await openStore(join(dir, 'h.db'));
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('R33: nothing set is null; a URL or a secret alone is refused naming the other; both give the target, sealed at rest', async () => {
    const tenant = await tenantIdBySlug(store, 'default');
    const hd = await tenantAdmin(store);
    const target = () => pushTargetOf(store.db, tenant, () => KEY);
    expect(await target()).toBeNull();
    await hd.setSetting('notifications.pushUrl', 'https://hooks.norte.example/deskctl');
    await expect(target()).rejects.toThrow('push: no push secret is set to sign with (deskctl notifications push-secret --stdin)');
    const sealed = new (await import('../../src/client/local.js')).LocalHelpdesk('default', { store, tenantId: tenant, actor: { kind: 'admin', name: 'test' }, now: () => new Date(), secretsKey: () => KEY }, false);
    await sealed.setPushSecret({ secret: SECRET });
    expect(await target()).toEqual({ url: 'https://hooks.norte.example/deskctl', secret: SECRET });
    const row = await store.db.selectFrom('tenant_secrets').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'push', encrypted: 1, key_id: KEY.id });
    expect(row.value).not.toContain(SECRET);
    // Another key (or none) is said as such: the push channel tries it again later.
    const other = parseSecretsKey(randomBytes(32).toString('base64'), 'k');
    await expect(pushTargetOf(store.db, tenant, other)).rejects.toThrow(`the push secrets were encrypted with key ${KEY.id}, but the key given (DESKCTL_SECRETS_KEY or DESKCTL_SECRETS_KEY_FILE) is key ${other.id}`);
    const c = pushChannel({ targetOf: (id) => pushTargetOf(store.db, id, other) });
    const out = await c.send(message({ tenantId: tenant }));
    await c.close();
    expect(out.status).toBe('temporary');
    await hd.setSetting('notifications.pushUrl', '');
    await expect(target()).rejects.toThrow('push: the setting notifications.pushUrl is not set (deskctl settings set notifications.pushUrl https://…)');
  });
});

describe('R33: the WhatsApp channel sends through the Cloud API with the connection\'s access token', () => {
  const open: { close(): Promise<void> }[] = [];
  const channels: Channel[] = [];
  afterEach(async () => {
    await Promise.all(channels.splice(0).map((c) => c.close()));
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const TOKEN = SECRETS.accessToken;
  const wa = (apiUrl: string, o: { timeoutMs?: number; connected?: boolean } = {}) => {
    const c = whatsappChannel({ apiUrl, connectionOf: async () => (o.connected === false ? null : { phoneNumberId: PHONE_NUMBER_ID, accessToken: TOKEN }), timeoutMs: o.timeoutMs });
    channels.push(c);
    return c;
  };
  const serve = async (reply: Parameters<typeof receiver>[0]) => {
    const s = await receiver(reply);
    open.push(s);
    return s;
  };
  const text = message({ kind: 'whatsapp_message', to: '5511912345678', text: 'Seu chamado 2026-000123 foi aberto: https://help.norte.example/t/123' });
  const metaError = (code: number, msg: string) => JSON.stringify({ error: { message: msg, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: `${msg} (details)` }, fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam' } });

  it("R33: 200 is accepted with the message id Meta answered; the request is Meta's text message with the bearer token", async () => {
    const s = await serve(answer(200, JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: '5511912345678', wa_id: '5511912345678' }], messages: [{ id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA' }] })));
    const out = await wa(`${s.url}/v21.0/`).send(text);
    expect(out).toMatchObject({ status: 'accepted', providerId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA' });
    const r = s.got[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
    expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.raw.toString('utf8'))).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511912345678',
      type: 'text',
      text: { preview_url: false, body: 'Seu chamado 2026-000123 foi aberto: https://help.norte.example/t/123' },
    });
  });

  it.each([
    ['a rate limit (130429) on HTTP 400', 400, 130429, 'temporary'],
    ['the pair rate limit (131056) on HTTP 400', 400, 131056, 'temporary'],
    ['too many calls (4) on HTTP 429', 429, 4, 'temporary'],
    ['something went wrong (131000) on HTTP 500', 500, 131000, 'temporary'],
    ['HTTP 503 with an unknown code', 503, 999999, 'temporary'],
    ['re-engagement (131047) on HTTP 400', 400, 131047, 'permanent'],
    ['an invalid parameter (100) on HTTP 400', 400, 100, 'permanent'],
    ['an expired token (190) on HTTP 401', 401, 190, 'permanent'],
  ] as const)('R33: %s is %s', async (_what, status, code, expected) => {
    // A server that repeats the token it was sent: it still never reaches the error.
    const s = await serve((r, res) => answer(status, metaError(code, `(#${code}) refused ${String(r.headers.authorization)}`))(r, res));
    const out = await wa(s.url).send(text);
    expect(out.status).toBe(expected);
    if (out.status === 'accepted') return;
    expect(out.error).toContain(`whatsapp ${s.url}: HTTP ${status}, error ${code}: (#${code}) refused Bearer [redacted]`);
    expect(out.error).not.toContain(TOKEN);
    if (code === 190) expect(out.error).toContain('the access token is refused');
  });

  it('R33: a refused connection is unreachable; no answer within the timeout is temporary; not connected fails for good', async () => {
    const port = await closedPort();
    expect((await wa(`http://127.0.0.1:${port}`).send(text)).status).toBe('unreachable');
    const silent = await serve(() => null);
    expect(await wa(silent.url, { timeoutMs: 300 }).send(text)).toEqual({ status: 'temporary', error: `whatsapp ${silent.url}: no answer within 0.3 s` });
    expect(await wa(silent.url, { connected: false }).send(text)).toEqual({
      status: 'permanent',
      error: 'whatsapp: tenant "default" is not connected to WhatsApp (deskctl whatsapp connect --phone-number-id ID --secrets-stdin)',
    });
    expect((await wa(silent.url).send({ ...text, to: 'ana@norte.example' })).status).toBe('permanent');
    expect((await wa(silent.url).send({ ...text, text: 'x'.repeat(4_097) })).status).toBe('permanent');
    expect(silent.got).toHaveLength(1);
  });

  it('whatsappApiUrl: Meta by default, DESKCTL_WHATSAPP_API_URL when set (checked)', () => {
    expect(whatsappApiUrl({})).toBe(DEFAULT_WHATSAPP_API_URL);
    expect(DEFAULT_WHATSAPP_API_URL).toBe('https://graph.facebook.com/v21.0');
    expect(whatsappApiUrl({ DESKCTL_WHATSAPP_API_URL: 'http://127.0.0.1:9999/v21.0/' })).toBe('http://127.0.0.1:9999/v21.0');
    expect(() => whatsappApiUrl({ DESKCTL_WHATSAPP_API_URL: 'graph.facebook.com' })).toThrow('DESKCTL_WHATSAPP_API_URL: not a URL');
    expect(() => whatsappApiUrl({ DESKCTL_WHATSAPP_API_URL: 'https://u:p@graph.facebook.com' })).toThrow('without a user');
  });

  it('R33: whatsappConnectionOf opens the access token of the tenant\'s connection (sealed at rest), null when not connected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deskctl-wa-'));
    const store = await openStore(join(dir, 'h.db'));
    try {
      const tenant = await tenantIdBySlug(store, 'default');
      const KEY = parseSecretsKey(randomBytes(32).toString('base64'), 'k');
      expect(await whatsappConnectionOf(store.db, tenant, () => KEY)).toBeNull();
      const hd = new (await import('../../src/client/local.js')).LocalHelpdesk('default', { store, tenantId: tenant, actor: { kind: 'admin', name: 'test' }, now: () => new Date(), secretsKey: () => KEY }, false);
      await hd.connectWhatsapp({ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS } });
      expect(await whatsappConnectionOf(store.db, tenant, () => KEY)).toEqual({ phoneNumberId: PHONE_NUMBER_ID, accessToken: TOKEN });
      await expect(whatsappConnectionOf(store.db, tenant, null)).rejects.toThrow(/stored encrypted \(key [0-9a-f]{12}\) and no key was given/);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
