import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { fingerprint } from '../helpers/db.js';
import { LONG } from '../helpers/integrity.js';
import { engines, inProcessApi, tenantAdmin, type InProcessApi } from '../helpers/backends.js';
import { rawRequest, watchConnections, wideAndDeep } from '../helpers/traffic.js';
import { runDeskctl } from '../helpers/run.js';

/**
 * Issue 13: the server under hostile traffic. Nothing before authentication may cost more than
 * the headers: the work the server does is counted (its own counters, the body check's steps,
 * the bytes it read from the connection), never timed. DESKCTL_LONG_TESTS=1 sends more and bigger.
 */
const MiB = 1_048_576;
const SCALE = LONG ? 4 : 1;

describe.each(engines)('issue 13: hostile traffic (%s)', (engine) => {
  let api: InProcessApi;
  let file: string;
  let store: Store;
  let url: string;
  const tokens: Record<string, string> = {};
  let connections: Map<number, Socket>;

  beforeAll(async () => {
    api = await inProcessApi({ engine });
    ({ file, store } = api);
    const hd = await tenantAdmin(store);
    await hd.addDepartment('Suporte');
    await hd.addOrganization('Matriz');
    await hd.addCustomer({ email: 'ana@matriz.example', name: 'Ana', org: 'Matriz' });
    tokens.admin = (await hd.createToken({ name: 'admin', role: 'admin' })).token;
    tokens.customer = (await hd.createToken({ name: 'customer', role: 'customer', customer: 'ana@matriz.example' })).token;
    url = await api.listen(Object.values(tokens));
    connections = watchConnections(api.app);
  });
  afterAll(async () => {
    await api.close();
  });

  const json = { 'content-type': 'application/json' };
  const bogus = () => `dsk_${randomBytes(32).toString('base64url')}`;

  describe('defect 1: work before authentication', () => {
    const refusals: [string, string, Record<string, string>, number, number][] = [
      ['no token, a 1 MiB wide-and-deep array', '/v1/tenants/default/departments', {}, 401, 0.95 * MiB],
      ['an invalid token, a 1 MiB wide-and-deep array', '/v1/tenants/default/tickets', { authorization: `Bearer ${bogus()}` }, 401, 0.95 * MiB],
      ['no token, 8 MiB to the seed route (which takes 64 MiB from an admin)', '/v1/tenants/default/seed', {}, 401, 8 * MiB],
      ["a customer token, 8 MiB to the seed route (an admin's operation)", '/v1/tenants/default/seed', { authorization: 'CUSTOMER' }, 403, 8 * MiB],
      ["another tenant's path, 8 MiB", '/v1/tenants/outra/seed', { authorization: 'ADMIN' }, 404, 8 * MiB],
      ['no token, a path no operation has, a 1 MiB array', '/v1/tenants/default/nothing-here', {}, 404, 0.95 * MiB],
    ];

    it.each(refusals)('%s: refused from the headers, no byte of the body parsed, the connection closed', async (_what, path, h, status, size) => {
      const headers: Record<string, string> = { ...json, ...h };
      if (headers.authorization === 'CUSTOMER') headers.authorization = `Bearer ${tokens.customer}`;
      if (headers.authorization === 'ADMIN') headers.authorization = `Bearer ${tokens.admin}`;
      const body = wideAndDeep(size * SCALE);
      const before = { ...api.app.work };
      const db = fingerprint(file);
      const r = await rawRequest(url, { method: 'POST', path, headers, bodySize: body.length, fill: (at, n) => body.slice(at, at + n) });
      expect(r.status, r.text).toBe(status);
      expect(api.app.work.bodiesRead).toBe(before.bodiesRead);
      expect(api.app.work.bodyBytes).toBe(before.bodyBytes);
      expect(api.app.work.validatorSteps).toBe(before.validatorSteps);
      // What the kernel had buffered may be read while the answer goes out; never the whole body.
      const read = connections.get(r.port)!.bytesRead;
      expect(read).toBeLessThan(Math.min(body.length, 1 * MiB));
      expect(fingerprint(file)).toBe(db);
    });

    it('/healthz and /v1/openapi.json take no body: one is refused from the headers, unread', async () => {
      const before = { ...api.app.work };
      for (const path of ['/healthz', '/v1/openapi.json']) {
        const r = await rawRequest(url, { method: 'GET', path, headers: json, bodySize: MiB - 1000 });
        expect(r.status).toBe(400);
        expect(JSON.parse(r.text)).toEqual({ error: { code: 'invalid_input', message: `body: ${path} takes no body` } });
        expect(connections.get(r.port)!.bytesRead).toBeLessThan(MiB);
      }
      expect(api.app.work.bodiesRead).toBe(before.bodiesRead);
    });

    it('four such requests at once, without a token: /healthz is answered meanwhile and nothing is parsed', async () => {
      const body = wideAndDeep(0.95 * MiB * SCALE);
      const before = { ...api.app.work };
      const attacks = Array.from({ length: 4 * SCALE }, (_, i) =>
        rawRequest(url, { method: 'POST', path: '/v1/tenants/default/seed', headers: { ...json, ...(i % 2 ? { authorization: `Bearer ${bogus()}` } : {}) }, bodySize: body.length, fill: (at, n) => body.slice(at, at + n) }),
      );
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      for (const r of await Promise.all(attacks)) expect(r.status).toBe(401);
      expect(api.app.work.bodiesRead).toBe(before.bodiesRead);
      expect(api.app.work.validatorSteps).toBe(before.validatorSteps);
    });

    it('with a valid token the body check is linear: a 1 MiB wide-and-deep body costs at most two steps per value', async () => {
      // Just under the server's 1 MiB default limit.
      const deep = wideAndDeep(0.95 * MiB);
      const values = (deep.match(/1/g)?.length ?? 0) + (deep.match(/\[/g)?.length ?? 0);
      const before = api.app.work.validatorSteps;
      const r = await fetch(`${url}/v1/tenants/default/departments`, { method: 'POST', headers: { ...json, authorization: `Bearer ${tokens.admin}` }, body: `{"name":"x","deep":${deep}}` });
      expect(r.status).toBe(400);
      const steps = api.app.work.validatorSteps - before;
      expect(steps).toBeGreaterThanOrEqual(values);
      expect(steps).toBeLessThanOrEqual(2 * values + 10);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/Unrecognized key: "deep"/);
    });
  });

  describe('defect 2: rate limits keyed by who is really calling', () => {
    let limited: InProcessApi;
    let limitedUrl: string;
    let admin: string;
    beforeAll(async () => {
      limited = await inProcessApi({ engine, rateLimit: { max: 20, timeWindowMs: 60_000 } });
      admin = (await (await tenantAdmin(limited.store)).createToken({ name: 'admin', role: 'admin' })).token;
      limitedUrl = await limited.listen();
    });
    afterAll(async () => {
      await limited.close();
    });
    const get = (token?: string) => fetch(`${limitedUrl}/v1/tenants/default/settings`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    it('a flood of made-up tokens from one address is limited as that address (each token new), and never costs a valid token its budget', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 30 * SCALE; i++) statuses.push((await get(bogus())).status);
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
      // The 429 says why and when to come back (its message was empty).
      const refused = await get(bogus());
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toEqual({ error: { code: 'unavailable', message: expect.stringMatching(/^rate limited: more than 20 requests in a minute from this address without a valid token; retry after \d+ s$/) } });
      // Without a token, and with malformed ones, the same address budget is spent.
      expect((await get()).status).toBe(429);
      expect((await get('not a token')).status).toBe(429);
      // A valid token from the same address counts against itself.
      expect((await get(admin)).status).toBe(200);
    });

    it('the counters are a store of @fastify/rate-limit\'s interface (to be shared across servers): it is given the address or the token, never a Bearer value', async () => {
      const keys: string[] = [];
      class RecordingStore {
        incr(key: string, cb: (err: Error | null, r: { current: number; ttl: number }) => void, timeWindow: number) {
          keys.push(key);
          cb(null, { current: 1, ttl: timeWindow });
        }
        child() {
          return this;
        }
      }
      const shared = await inProcessApi({ rateLimit: { max: 5, timeWindowMs: 60_000, store: RecordingStore as never } });
      const token = (await (await tenantAdmin(shared.store)).createToken({ name: 'admin', role: 'admin' })).token;
      const sharedUrl = await shared.listen();
      const fake = bogus();
      for (const h of [{}, { authorization: `Bearer ${fake}` }, { authorization: `Bearer ${token}` }] as Record<string, string>[]) await fetch(`${sharedUrl}/v1/tenants/default/settings`, { headers: h });
      await shared.close();
      expect(keys).toEqual(['address:127.0.0.1', 'address:127.0.0.1', expect.stringMatching(/^token:\d+$/)]);
      expect(keys.join()).not.toContain(fake.slice(4));
    });

    it('a valid token is limited by itself, whatever address it comes from; the CLI then says it is rate limited and when to retry, at once', async () => {
      let status = 0;
      for (let i = 0; i < 25 && status !== 429; i++) status = (await get(admin)).status;
      expect(status).toBe(429);
      const r = await runDeskctl(['settings', 'show'], { env: { DESKCTL_API_URL: limitedUrl, DESKCTL_TOKEN: admin, DESKCTL_TENANT: 'default' } });
      expect(r.exitCode).toBe(5);
      expect(r.stderr).toMatch(/^error: rate limited: more than 20 requests in a minute with this token; retry after \d+ s\n$/);
    });
  });

  describe('defect 3: every body refuses unknown keys, over every operation of the OpenAPI document', () => {
    type Schema = { type?: string; properties?: Record<string, Schema>; additionalProperties?: boolean | Schema; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[] };
    type Doc = { paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, { schema: Schema }> } }>> };
    let doc: Doc;
    // (/healthz and the document itself take no body either, nor does a path no operation has.)
    beforeAll(async () => {
      doc = (await (await fetch(`${url}/v1/openapi.json`)).json()) as Doc;
    });
    const operations = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
    const concrete = (path: string) => path.replace('{tenant}', 'default').replace(/\{(\w+)\}/g, (_, k: string) => (k === 'id' || k === 'ref' ? '1' : 'x'));

    /** Every object a body may hold: closed (additionalProperties false), or a map of values. */
    function openObjects(s: Schema, at: string, out: string[] = []): string[] {
      if (s.type === 'object' && s.properties && s.additionalProperties !== false) out.push(at);
      for (const [k, v] of Object.entries(s.properties ?? {})) openObjects(v, `${at}.${k}`, out);
      if (s.items) openObjects(s.items, `${at}[]`, out);
      if (typeof s.additionalProperties === 'object') openObjects(s.additionalProperties, `${at}.*`, out);
      for (const v of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) openObjects(v, at, out);
      return out;
    }

    it('every POST, PUT and PATCH documents its body, and no object in any body is open to unknown keys', () => {
      const writes = operations().filter((o) => ['POST', 'PUT', 'PATCH'].includes(o.method));
      expect(writes.length).toBeGreaterThan(20);
      for (const { op } of writes) {
        const schema = op.requestBody?.content['application/json']?.schema;
        expect(schema, `${op.operationId} documents no body`).toBeDefined();
        expect(openObjects(schema!, op.operationId), op.operationId).toEqual([]);
      }
    });

    it('an unknown key in the body of any operation is a 400 naming the key, and nothing is written', async () => {
      const before = fingerprint(file);
      for (const { path, method, op } of operations().filter((o) => o.method !== 'GET')) {
        const r = await fetch(`${url}${concrete(path)}`, { method, headers: { ...json, authorization: `Bearer ${tokens.admin}` }, body: JSON.stringify({ categroy: 'x' }) });
        const text = await r.text();
        expect(r.status, `${op.operationId}: ${text}`).toBe(400);
        // An operation without a body refuses one from its headers, before reading it.
        if (op.requestBody) expect(text, op.operationId).toContain('Unrecognized key: \\"categroy\\"');
        else expect(JSON.parse(text), op.operationId).toEqual({ error: { code: 'invalid_input', message: `body: ${op.operationId} takes no body` } });
      }
      expect(fingerprint(file)).toBe(before);
    });

    it('the keys of the issue: "categroy" and "visiblity" on a ticket, "internal" from a customer token; refused, no ticket opened', async () => {
      const before = fingerprint(file);
      const ticket = { requester: 'ana@matriz.example', department: 'Suporte', subject: 's', message: 'm' };
      const cases: [string, Record<string, unknown>, string][] = [
        [tokens.admin!, { ...ticket, categroy: 'Acesso' }, 'categroy'],
        [tokens.admin!, { ...ticket, visiblity: 'internal' }, 'visiblity'],
        [tokens.customer!, { department: 'Suporte', subject: 's', message: 'm', internal: true }, 'internal'],
        [tokens.admin!, { ...ticket, attachments: [{ name: 'a', size: 1, sha256: 'x', url: 'http://x' }] }, 'url'],
      ];
      for (const [token, body, key] of cases) {
        const r = await fetch(`${url}/v1/tenants/default/tickets`, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
        expect(r.status).toBe(400);
        expect(((await r.json()) as { error: { message: string } }).error.message).toContain(`Unrecognized key: "${key}"`);
      }
      expect(fingerprint(file)).toBe(before);
    });
  });

  describe('defect 4: text that is not valid Unicode, NUL, invisible and canonically equal names', () => {
    type Schema = { type?: string | string[]; properties?: Record<string, Schema>; additionalProperties?: boolean | Schema; items?: Schema; anyOf?: Schema[] };
    type Doc = { paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, { schema: Schema }> } }>> };

    /** Every place a body holds text, as a body with `bad` there (a map's key too): each with the path it must be refused by. */
    function placements(s: Schema, bad: string, path: string): [unknown, string][] {
      const types = ([] as string[]).concat(s.type ?? []);
      const out: [unknown, string][] = [];
      if (types.includes('string') || (!s.type && !s.anyOf && !s.properties)) out.push([bad, path]);
      for (const alt of s.anyOf ?? []) out.push(...placements(alt, bad, path));
      for (const [k, v] of Object.entries(s.properties ?? {})) for (const [value, at] of placements(v, bad, path ? `${path}.${k}` : k)) out.push([{ [k]: value }, at]);
      if (s.items) for (const [value, at] of placements(s.items, bad, `${path}[0]`)) out.push([[value], at]);
      if (typeof s.additionalProperties === 'object') {
        out.push([{ [`k${bad}`]: 'v' }, path || 'body']);
        for (const [value, at] of placements(s.additionalProperties, bad, `${path}.k`)) out.push([{ k: value }, at]);
      }
      return out;
    }

    it.each([
      ['a lone surrogate', '\ud800', 'not valid Unicode'],
      ['a lone low surrogate inside text', 'a\udfffb', 'not valid Unicode'],
      ['NUL', 'a\u0000b', 'contains a NUL character'],
    ])('%s in every text field of every body of the OpenAPI document: 400 naming the field, nothing written', async (_what, bad, message) => {
      const doc = (await (await fetch(`${url}/v1/openapi.json`)).json()) as Doc;
      const before = fingerprint(file);
      let tried = 0;
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const schema = op.requestBody?.content['application/json']?.schema;
          if (!schema) continue;
          for (const [body, at] of placements(schema, bad, '')) {
            if (at === '') continue;
            const r = await fetch(`${url}${path.replace('{tenant}', 'default').replace(/\{\w+\}/g, '1')}`, { method: method.toUpperCase(), headers: { ...json, authorization: `Bearer ${tokens.admin}` }, body: JSON.stringify(body) });
            const answer = (await r.json()) as { error: { message: string } };
            expect(r.status, `${op.operationId} ${at}`).toBe(400);
            expect(answer.error.message, `${op.operationId} ${JSON.stringify(body)}`).toMatch(new RegExp(`^${at.replace(/[.[\]*]/g, (c) => `\\${c}`)}: (the key .*: )?${message}`));
            tried++;
          }
        }
      }
      expect(tried).toBeGreaterThan(60);
      expect(fingerprint(file)).toBe(before);
    });

    it('names only of invisible characters are refused in every kind of name; visible ones with joiners are fine', async () => {
      const h = { ...json, authorization: `Bearer ${tokens.admin}` };
      const before = fingerprint(file);
      for (const name of ['\u200b', '\u200b\u200d\u2060', '\u3164', '\u202e\u202d', ' \u00a0 ', '\ufeff', '\u0301\u0301']) {
        for (const [path, body] of [
          ['departments', { name }],
          ['organizations', { name }],
          ['categories', { name, department: 'Suporte' }],
          ['customers', { email: 'x@y.example', name }],
          ['agents', { email: 'x@y.example', name }],
          ['tokens', { name, role: 'admin' }],
        ] as const) {
          const r = await fetch(`${url}/v1/tenants/default/${path}`, { method: 'POST', headers: h, body: JSON.stringify(body) });
          expect(r.status, `${path} ${JSON.stringify(name)}`).toBe(400);
          expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/^name: (must not be empty|must show something: it holds only invisible characters)$/);
        }
      }
      expect(fingerprint(file)).toBe(before);
      const ok = await fetch(`${url}/v1/tenants/default/departments`, { method: 'POST', headers: h, body: JSON.stringify({ name: '👩\u200d💻 Dev' }) });
      expect(ok.status).toBe(201);
    });

    it('NFC: a precomposed and a decomposed "Å" are one department, found and removed by either spelling', async () => {
      const h = { ...json, authorization: `Bearer ${tokens.admin}` };
      const composed = 'Suporte \u00c5';
      const decomposed = 'Suporte A\u030a';
      const first = await fetch(`${url}/v1/tenants/default/departments`, { method: 'POST', headers: h, body: JSON.stringify({ name: decomposed }) });
      expect(first.status).toBe(201);
      expect(((await first.json()) as { name: string }).name).toBe(composed);
      const again = await fetch(`${url}/v1/tenants/default/departments`, { method: 'POST', headers: h, body: JSON.stringify({ name: composed }) });
      expect(again.status).toBe(409);
      const category = await fetch(`${url}/v1/tenants/default/categories`, { method: 'POST', headers: h, body: JSON.stringify({ name: 'C', department: decomposed }) });
      expect(category.status).toBe(201);
      const removed = await fetch(`${url}/v1/tenants/default/departments/${encodeURIComponent(decomposed)}/categories/C`, { method: 'DELETE', headers: { authorization: h.authorization } });
      expect(removed.status).toBe(200);
      expect((await fetch(`${url}/v1/tenants/default/departments/${encodeURIComponent(decomposed)}`, { method: 'DELETE', headers: { authorization: h.authorization } })).status).toBe(200);
    });
  });

  describe('defect 5: no client holds a connection open', () => {
    it('a stalled head, a stalled body and an idle keep-alive connection are each closed by the server (with short timeouts); drain() cuts what is left', async () => {
      const short = await inProcessApi({ engine, timeouts: { headersMs: 300, requestMs: 600, idleMs: 300, checkEveryMs: 50 } });
      const shortUrl = await short.listen();
      const { hostname, port } = new URL(shortUrl);
      const open = (first: string) =>
        new Promise<string>((resolve) => {
          const socket = connect({ host: hostname, port: Number(port) });
          let answer = '';
          socket.on('connect', () => socket.write(first));
          socket.on('data', (d) => (answer += d.toString()));
          socket.on('error', () => {});
          socket.on('close', () => resolve(answer));
        });
      const [head, body, idle] = await Promise.all([
        open('GET /healthz HTTP/1.1\r\nhost: x\r\n'),
        open(`POST /v1/tenants/default/departments HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${bogus()}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{`),
        open('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n'),
      ]);
      expect(head).toMatch(/^(HTTP\/1\.1 408|$)/);
      expect(body).toMatch(/^HTTP\/1\.1 (401|408)/);
      expect(idle).toMatch(/^HTTP\/1\.1 200/);
      // A stalled body from a valid token: drain() does not wait for it past its grace.
      const admin = (await (await tenantAdmin(short.store)).createToken({ name: 'drain', role: 'admin' })).token;
      const pending = open(`POST /v1/tenants/default/departments HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${admin}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{`);
      expect((await fetch(`${shortUrl}/healthz`)).status).toBe(200);
      const { drain } = await import('../../src/server/app.js');
      const drained = await drain(short.app, 100);
      expect(drained.forced).toBeGreaterThanOrEqual(0);
      expect(await pending).toMatch(/^(HTTP\/1\.1 408|$)/);
      await short.close();
    });
  });

  describe('defect 6: the smaller ones', () => {
    const admin = () => ({ authorization: `Bearer ${tokens.admin}` });

    it('a token in a query string never reaches the request log (values redacted, names kept)', async () => {
      let logs = '';
      const logged = await inProcessApi({ logger: { level: 'info', stream: { write: (line: string) => void (logs += line) } } });
      const logUrl = await logged.listen();
      const secret = bogus();
      await fetch(`${logUrl}/v1/tenants/default/settings?token=${secret}&${secret}&limit=5`);
      await fetch(`${logUrl}/healthz?access_token=${secret}`);
      await logged.close();
      expect(logs).toContain('"url":"/v1/tenants/default/settings?token=[redacted]&[redacted]=[redacted]&limit=[redacted]"');
      expect(logs).not.toContain(secret.slice(4));
    });

    it('an Idempotency-Key compares what a request asks, not the order of its keys', async () => {
      const h = { ...json, ...admin(), 'idempotency-key': `order-${Math.random()}` };
      const a = { requester: 'ana@matriz.example', department: 'Suporte', subject: 'ordem', message: 'm', fields: { x: '1', y: '2' } };
      const b = { fields: { y: '2', x: '1' }, message: 'm', subject: 'ordem', department: 'Suporte', requester: 'ana@matriz.example' };
      const first = await fetch(`${url}/v1/tenants/default/tickets`, { method: 'POST', headers: h, body: JSON.stringify(a) });
      expect(first.status).toBe(201);
      const replay = await fetch(`${url}/v1/tenants/default/tickets`, { method: 'POST', headers: h, body: JSON.stringify(b) });
      expect(replay.status).toBe(201);
      expect(await replay.json()).toEqual(await first.json());
      const other = await fetch(`${url}/v1/tenants/default/tickets`, { method: 'POST', headers: h, body: JSON.stringify({ ...b, subject: 'outro' }) });
      expect(other.status).toBe(422);
    });

    it('a malformed token value (a line break, an emoji) is a bad token (exit 4), not an unreachable API, and is not printed', async () => {
      for (const token of ['dsk_abc\ndef', 'dsk_😀😀😀', 'dsk_a b']) {
        const r = await runDeskctl(['departments', 'list'], { env: { DESKCTL_API_URL: url, DESKCTL_TOKEN: token, DESKCTL_TENANT: 'default' } });
        expect(r.exitCode, r.stderr).toBe(4);
        expect(r.stderr).toMatch(/^error: the token is malformed: /);
        expect(r.stderr).not.toContain(token.slice(4, 7));
      }
    });

    it('ids in paths have one spelling: 0x3, +3, 03, "3 ", 1e3 are 400 naming the id', async () => {
      for (const bad of ['0x3', '%2B3', '03', '3%20', '1e3', '3.0', '00']) {
        for (const path of [`/drafts/${bad}`, `/tickets/${bad}/replies`]) {
          const method = path.endsWith('replies') ? 'POST' : 'GET';
          const r = await fetch(`${url}/v1/tenants/default${path}`, { method, headers: { ...admin(), ...(method === 'POST' ? json : {}) }, body: method === 'POST' ? JSON.stringify({ message: 'm' }) : undefined });
          expect(r.status, `${method} ${path}`).toBe(400);
          expect(await r.json()).toEqual({ error: { code: 'invalid_input', message: 'id: an id is a positive whole number' } });
        }
      }
      const ticket = await fetch(`${url}/v1/tenants/default/tickets/03`, { headers: admin() });
      expect(ticket.status).toBe(400);
      expect(await ticket.json()).toEqual({ error: { code: 'invalid_input', message: 'ref: an id is a positive whole number' } });
    });

    it('a body in another charset than UTF-8 is 415, never decoded as UTF-8', async () => {
      const before = fingerprint(file);
      const body = Buffer.from(JSON.stringify({ name: 'Vendas' }), 'utf16le');
      for (const type of ['application/json; charset=utf-16', 'application/json; charset="UTF-16LE"', 'application/json;charset=latin1']) {
        const r = await fetch(`${url}/v1/tenants/default/departments`, { method: 'POST', headers: { ...admin(), 'content-type': type }, body });
        expect(r.status, type).toBe(415);
        expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/^unsupported charset "[^"]+": send application\/json in UTF-8$/);
      }
      for (const type of ['application/json; charset=utf-8', 'application/json; charset="UTF-8"']) {
        const r = await fetch(`${url}/v1/tenants/default/departments`, { method: 'POST', headers: { ...admin(), 'content-type': type }, body: JSON.stringify({ name: `Charset ${type.length}` }) });
        expect(r.status, type).toBe(201);
      }
      expect(fingerprint(file)).not.toBe(before);
    });
  });
});
