import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { takeMessage, updateMessageStatuses } from '../../src/engine/whatsapp.js';
import { parseSecretsKey } from '../../src/engine/secrets.js';
import { LocalHelpdesk } from '../../src/client/local.js';
import { tenantIdBySlug } from '../../src/engine/context.js';
import type { Store } from '../../src/store/store.js';
import { engines, inProcessApi, type InProcessApi } from '../helpers/backends.js';
import { fingerprint } from '../helpers/db.js';
import { APP_SECRET, PHONE_NUMBER_ID, SECRETS, delivery, signed, textMessage } from '../helpers/whatsapp.js';

/*
 * The webhook's side of R31/R32 on the server: what reaches the engine's interface
 * (takeMessage, updateMessageStatuses — watched here, the flow itself is the engine's) and what
 * never does. Every refusal writes nothing.
 */
vi.mock('../../src/engine/whatsapp.js', () => ({
  takeMessage: vi.fn(async () => ({ duplicate: false, conversation: 1 })),
  updateMessageStatuses: vi.fn(async (_ctx: unknown, updates: unknown[]) => ({ updated: updates.length })),
}));
const received = vi.mocked(takeMessage);
const statuses = vi.mocked(updateMessageStatuses);

const KEY = randomBytes(32).toString('base64');

/** A tenant's admin on the server's store, holding the key the server is started with. */
const keyedAdmin = async (store: Store, slug: string, key: string) =>
  new LocalHelpdesk(slug, { store, tenantId: await tenantIdBySlug(store, slug), actor: { kind: 'admin', name: 'test' }, now: () => new Date(), secretsKey: () => parseSecretsKey(key, 'k') }, false);

describe.each(engines)('R32: the WhatsApp webhook on deskctl serve (%s)', (engine) => {
  let api: InProcessApi;
  let url: string;
  let logs = '';

  beforeAll(async () => {
    api = await inProcessApi({
      engine,
      env: { DESKCTL_SECRETS_KEY: KEY },
      webhookRateLimit: 1_000_000,
      logger: { level: 'trace', redact: ['req.headers.authorization'], stream: new Writable({ write: (c, _e, cb) => ((logs += String(c)), cb()) }) },
    });
    const admin = (slug: string) => keyedAdmin(api.store, slug, KEY);
    const a = await admin('default');
    await a.createTenant('outra');
    await a.createTenant('terceira');
    await a.connectWhatsapp({ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS } });
    // Another number of the same Meta app (same app secret), and one of another app.
    await (await admin('outra')).connectWhatsapp({ phoneNumberId: '2000', secrets: { ...SECRETS, verifyToken: 'verify-outra' } });
    await (await admin('terceira')).connectWhatsapp({ phoneNumberId: '3000', secrets: { appSecret: 'another-app-secret', accessToken: 'EAA3', verifyToken: 'verify-3' } });
    url = await api.listen();
  });
  afterAll(async () => {
    await api.close();
  });
  afterEach(() => {
    received.mockClear();
    statuses.mockClear();
  });

  const post = (body: string, headers: Record<string, string>) => fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers, body });
  const handshake = (q: string) => fetch(`${url}/webhooks/whatsapp?${q}`);

  it("Meta's handshake: the challenge back as text/plain for a connected tenant's verify token; anything else 403", async () => {
    const r = await handshake(`hub.mode=subscribe&hub.verify_token=${SECRETS.verifyToken}&hub.challenge=1158201444`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await r.text()).toBe('1158201444');
    expect(await (await handshake('hub.mode=subscribe&hub.verify_token=verify-outra&hub.challenge=7')).text()).toBe('7');
    for (const q of ['hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1', `hub.mode=unsubscribe&hub.verify_token=${SECRETS.verifyToken}&hub.challenge=1`, 'hub.mode=subscribe&hub.challenge=1', '']) {
      expect((await handshake(q)).status, q).toBe(403);
    }
    expect((await handshake(`hub.mode=subscribe&hub.verify_token=${SECRETS.verifyToken}`)).status).toBe(400);
  });

  it('R31: a signed delivery of several messages reaches the engine once each, in order, as the tenant with the whatsapp actor; then 200', async () => {
    const body = JSON.stringify(
      delivery({
        contacts: [{ wa_id: '5511912345678', name: 'Ana' }],
        messages: [textMessage('5511912345678', 'wamid.1', 'Olá', '1796212800'), { from: '5511912345678', id: 'wamid.2', timestamp: '1796212801', type: 'image', image: { id: 'm', mime_type: 'image/jpeg', sha256: 's', caption: 'print' } }, { from: '5511900000000', id: 'wamid.3', timestamp: '1796212802', type: 'audio', audio: { id: 'a' } }],
        statuses: [{ id: 'wamid.out', status: 'delivered', timestamp: '1796212803', recipient_id: '5511912345678' }],
      }),
    );
    const r = await post(body, signed(body));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ received: { messages: 3, statuses: 1 } });
    expect(received.mock.calls.map(([, m]) => m)).toEqual([
      { from: '5511912345678', id: 'wamid.1', type: 'text', text: 'Olá', name: 'Ana', at: new Date(1796212800000) },
      { from: '5511912345678', id: 'wamid.2', type: 'image', text: 'print', name: 'Ana', at: new Date(1796212801000) },
      { from: '5511900000000', id: 'wamid.3', type: 'audio', text: null, name: null, at: new Date(1796212802000) },
    ]);
    const ctx = received.mock.calls[0]![0];
    expect(ctx.actor).toEqual({ kind: 'admin', name: 'whatsapp' });
    expect(ctx.tenantId).toBe((await api.store.db.selectFrom('tenants').select('id').where('slug', '=', 'default').executeTakeFirstOrThrow()).id);
    expect(statuses.mock.calls.map(([, u]) => u)).toEqual([[{ id: 'wamid.out', status: 'delivered', at: new Date(1796212803000), error: null }]]);
  });

  it('R32: a missing or malformed signature is 401 before the body is read; a wrong one, another app secret or altered bytes 401 after; nothing reaches the engine or the database', async () => {
    const body = JSON.stringify(delivery({ messages: [textMessage('551', 'wamid.x', 'x')] }));
    const before = fingerprint(api.file);
    const read = api.app.work.bodiesRead;
    for (const h of [{ 'content-type': 'application/json' } as Record<string, string>, { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=abc' }, { 'content-type': 'application/json', 'x-hub-signature-256': signed(body)['x-hub-signature-256']!.toUpperCase() }]) {
      const r = await post(body, h);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBeNull();
    }
    expect(api.app.work.bodiesRead).toBe(read);
    for (const h of [signed(body, 'not-the-app-secret'), signed(`${body} `), { ...signed(body), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }]) {
      const r = await post(body, h);
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
    expect(received).not.toHaveBeenCalled();
    expect(fingerprint(api.file)).toBe(before);
  });

  it('404 for a phone number id no tenant is connected to; 400 naming the path for what WhatsApp does not send; 415 and 413 unread; nothing written', async () => {
    const before = fingerprint(api.file);
    const unknown = JSON.stringify(delivery({ phoneNumberId: '999', messages: [textMessage('551', 'w', 'x')] }));
    const r404 = await post(unknown, signed(unknown));
    expect(r404.status).toBe(404);
    expect(await r404.json()).toEqual({ error: { code: 'not_found', message: 'no tenant is connected to the WhatsApp phone number id 999' } });
    const bad: [string, RegExp][] = [
      ['{"object":', /^body: not valid JSON/],
      [JSON.stringify({ object: 'whatsapp_business_account' }), /^entry: /],
      [JSON.stringify({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: {} }] }] }), /phone_number_id: required/],
      [JSON.stringify(delivery({ messages: [{ from: '551', id: 'w', timestamp: '1', type: 'text' }] })), /^entry\[0\]\.changes\[0\]\.value\.messages\[0\]\.text: required for a message of type "text"$/],
      [JSON.stringify({ ...delivery({ messages: [textMessage('551', 'w', 'x')] }), object: 'page' }), /^object: expected "whatsapp_business_account"$/],
      [JSON.stringify(delivery({ messages: [textMessage('551', 'w', 'a\u0000b')] })), /messages\[0\]\.text\.body: contains a NUL character/],
    ];
    for (const [body, pattern] of bad) {
      const r = await post(body, signed(body));
      expect(r.status, body).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(pattern);
    }
    const body = JSON.stringify(delivery({ messages: [textMessage('551', 'w', 'x')] }));
    expect((await post(body, { ...signed(body), 'content-type': 'text/plain' })).status).toBe(415);
    const big = JSON.stringify(delivery({ messages: [textMessage('551', 'w', 'x'.repeat(3 * 1_048_576))] }));
    expect((await post(big, signed(big))).status).toBe(413);
    expect(received).not.toHaveBeenCalled();
    expect(fingerprint(api.file)).toBe(before);
  });

  it('several phone numbers in one delivery: taken when the signature is valid under every tenant named (one Meta app), refused whole (401) when one tenant holds another app secret', async () => {
    const two = (second: string) => {
      const a = delivery({ messages: [textMessage('551', 'wamid.a', 'a')] });
      const b = delivery({ phoneNumberId: second, messages: [textMessage('552', 'wamid.b', 'b')] });
      return JSON.stringify({ ...a, entry: [...(a.entry as unknown[]), ...(b.entry as unknown[])] });
    };
    const ok = two('2000');
    expect((await post(ok, signed(ok))).status).toBe(200);
    expect(received.mock.calls.map(([ctx, m]) => [ctx.tenantId, m.id])).toEqual([
      [expect.any(Number), 'wamid.a'],
      [expect.any(Number), 'wamid.b'],
    ]);
    expect(received.mock.calls[0]![0].tenantId).not.toBe(received.mock.calls[1]![0].tenantId);
    received.mockClear();
    const before = fingerprint(api.file);
    const mixed = two('3000');
    for (const secret of [APP_SECRET, 'another-app-secret']) expect((await post(mixed, signed(mixed, secret))).status).toBe(401);
    expect(received).not.toHaveBeenCalled();
    expect(fingerprint(api.file)).toBe(before);
  });

  it('an engine failure is answered as such (Meta delivers again); R31 leaves the replay to the engine', async () => {
    received.mockRejectedValueOnce(new Error('boom'));
    const body = JSON.stringify(delivery({ messages: [textMessage('551', 'wamid.f', 'f')] }));
    expect((await post(body, signed(body))).status).toBe(500);
  });

  it('no secret in the trace logs: not the API call that connects, not the handshake, not a delivery', async () => {
    expect(logs).toMatch(/"msg":"incoming request"/);
    expect(logs).toMatch(/hub\.verify_token=\[redacted\]/);
    for (const s of [...Object.values(SECRETS), 'verify-outra', 'another-app-secret']) expect(logs).not.toContain(s);
  });
});

describe.each(engines)('WhatsApp webhook: the server key (%s)', (engine) => {
  it('secrets sealed under another key: 503 with a clear reason in the log, never a signature checked against garbage; nothing written', async () => {
    let logs = '';
    const api = await inProcessApi({ engine, secretsKey: parseSecretsKey(randomBytes(32).toString('base64'), 'other'), logger: { level: 'error', stream: new Writable({ write: (c, _e, cb) => ((logs += String(c)), cb()) }) } });
    try {
      await (await keyedAdmin(api.store, 'default', KEY)).connectWhatsapp({ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS } });
      const url = await api.listen();
      const before = fingerprint(api.file);
      const body = JSON.stringify(delivery({ messages: [textMessage('551', 'w', 'x')] }));
      const r = await fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers: signed(body), body });
      expect(r.status).toBe(503);
      expect(logs).toMatch(/encrypted with key [0-9a-f]{12}, but the key given/);
      expect(received).not.toHaveBeenCalled();
      expect(fingerprint(api.file)).toBe(before);
    } finally {
      await api.close();
    }
  });

  it('the rate limit counts deliveries per client address before any body is read', async () => {
    const api = await inProcessApi({ engine, webhookRateLimit: 2 });
    try {
      const url = await api.listen();
      const body = JSON.stringify(delivery({ messages: [textMessage('551', 'w', 'x')] }));
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers: signed(body), body })).status);
      expect(codes).toEqual([404, 404, 429]);
      // The API's own limit is not touched by it.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
