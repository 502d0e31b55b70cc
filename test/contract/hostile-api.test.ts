import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type OperationName } from '../../src/core/api.js';
import type { Store } from '../../src/store/store.js';
import { fingerprint } from '../helpers/db.js';
import { NAMES_A_PLACE, hostileJson, hostileString, mutation, mutate, runs } from '../helpers/hostile.js';
import { inProcessApi, tenantAdmin, type InProcessApi, engines } from '../helpers/backends.js';

/**
 * Hostile input at the API: random and mutated bodies, query strings and path values for every
 * operation, raw bytes that are not UTF-8, nesting deeper than any body needs, bodies over the
 * limit and content types that are not JSON. Never a 5xx or a stack trace; a refusal is a 4xx in
 * the contract's error shape that says where the problem is, and writes nothing.
 */
describe.each(engines)('API under hostile input (property-based) (%s)', (engine) => {
  let api: InProcessApi;
  let file: string;
  // A fixed clock: a token's last-use stamp is written once, so every refusal can be held to writing nothing.
  const env = { DESKCTL_NOW: '2026-11-02T12:00:00.000Z' };
  let store: Store;
  let url: string;
  let token: string;

  beforeAll(async () => {
    api = await inProcessApi({ engine, env, bodyLimit: 256 * 1024 });
    ({ file, store } = api);
    const hd = await tenantAdmin(store, 'default', () => new Date(env.DESKCTL_NOW));
    await hd.addDepartment('Suporte');
    await hd.addCategory('Acesso', 'Suporte');
    await hd.addOrganization('Matriz');
    await hd.addOrganization('Norte', 'Matriz');
    await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: 'ana@norte.example', name: 'Ana', org: 'Norte' });
    await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso' });
    await hd.setSetting('approval.mode', 'departments');
    for (let i = 0; i < 20; i++) await hd.createTicket({ requester: 'ana@norte.example', department: 'Suporte', category: i % 2 ? 'Acesso' : null, subject: `s${i}`, message: 'm' });
    token = (await hd.createToken({ name: 'hostile-test-admin-7f3a', role: 'admin' })).token;
    url = await api.listen([token]);
  });
  afterAll(async () => {
    await api.close();
  });

  /** A well-formed call of each operation that takes a body: what the mutations start from. */
  const BODIES: Partial<Record<OperationName, { params?: Record<string, string>; body: unknown }>> = {
    setSetting: { params: { key: 'response.forecastHours' }, body: { value: 8 } },
    addRule: { body: { department: 'Suporte', scope: 'none' } },
    removeRules: { body: { ids: [1] } },
    removeRuleMatching: { body: { department: 'Suporte', scope: 'all' } },
    addDepartment: { body: { name: 'Financeiro' } },
    addCategory: { body: { name: 'Rede', department: 'Suporte' } },
    addOrganization: { body: { name: 'Sul', parent: 'Matriz' } },
    setOrganizationParent: { params: { name: 'Norte' }, body: { parent: 'Matriz' } },
    addCustomer: { body: { email: 'novo@x.example', name: 'Novo', org: 'Norte', manager: false, phone: '+55 11 1234' } },
    setCustomer: { params: { email: 'ana@norte.example' }, body: { name: 'Ana', org: 'Norte', active: true } },
    addAgent: { body: { email: 'agente@x.example', name: 'Agente', departments: ['Suporte'], admin: false } },
    createTicket: {
      body: { requester: 'ana@norte.example', department: 'Suporte', category: 'Acesso', subject: 's', message: 'm', channel: 'api', fields: { k: 'v' }, attachments: [{ name: 'a.png', size: 1, sha256: 'ab' }] },
    },
    solveTickets: { body: { ids: [1], message: 'ok' } },
    assignTickets: { body: { ids: [1], agent: null } },
    closeTickets: { body: { ids: [1] } },
    reopenTickets: { body: { ids: [1], message: 'again' } },
    replyTicket: { params: { id: '1' }, body: { message: 'hi' } },
    linkProcess: { params: { id: '1' }, body: { ref: 'P-1' } },
    rateTicket: { params: { id: '1' }, body: { rating: 5, comment: 'ok' } },
    decideDrafts: { body: { decision: 'reject', filter: { department: 'Suporte', category: 'Acesso', olderThanMs: 0 }, reason: 'r', limit: 2 } },
    createToken: { body: { name: 'n', role: 'customer', customer: 'ana@norte.example' } },
    seed: { body: { fixture: { departments: [{ name: 'Suporte', categories: ['Acesso'] }], customers: [{ email: 'ana@norte.example', name: 'Ana' }] }, dryRun: true } },
    generate: { body: { tickets: 1, drafts: 1 } },
  };

  const send = async (method: string, path: string, body?: string | Uint8Array, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...headers }, body });
    const text = await res.text();
    return { status: res.status, text };
  };
  // A lone surrogate cannot be percent-encoded: it goes as U+FFFD, as any client would send it.
  const encode = (v: string) => encodeURIComponent(Buffer.from(v, 'utf8').toString('utf8'));
  const pathOf = (name: OperationName, params: Record<string, string> = {}) =>
    (API[name].global ? API[name].path : `/v1/tenants/:tenant${API[name].path}`).replace(/:(\w+)/g, (_, k: string) => encode(k === 'tenant' ? 'default' : (params[k] ?? 'x')));

  /** The contract for any answer: no 5xx, a refusal is {error:{code,message}} that is not internal, names a place when it is a 400, and wrote nothing. */
  function expectSafe(r: { status: number; text: string }, before: string, what: string) {
    expect(r.status, `${what} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
    expect(r.status, `${what}: a valid token is never refused as unauthenticated`).not.toBe(401);
    expect(r.text).not.toMatch(/\n\s+at /);
    if (r.status < 400) return;
    const body = JSON.parse(r.text) as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).not.toBe('internal');
    expect(body.error.message).not.toMatch(/internal error/);
    if (r.status === 400) expect(body.error.message, what).toMatch(NAMES_A_PLACE);
    expect(fingerprint(file), `${what} was refused (${r.status}) but wrote`).toBe(before);
  }

  const withBody = Object.keys(BODIES) as OperationName[];

  it('mutated bodies of every operation that takes one: a 4xx naming the field, nothing written; never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withBody), mutation, async (name, m) => {
        const sample = BODIES[name]!;
        const body = mutate(sample.body, m);
        const before = fingerprint(file);
        const r = await send(API[name].method, pathOf(name, sample.params), JSON.stringify(body ?? null), { 'content-type': 'application/json' });
        expectSafe(r, before, `${name} ${JSON.stringify(body)?.slice(0, 200)}`);
      }),
      { numRuns: runs(150, 3_000) },
    );
  }, 300_000);

  it('hostile path values (names, e-mails, ids, protocols, keys): a 4xx or an answer, never a 5xx', async () => {
    const withParams = (Object.keys(API) as OperationName[]).filter((n) => /:(?!tenant)\w+/.test(API[n].path) && !API[n].global);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withParams), hostileString, async (name, value) => {
        const params = Object.fromEntries([...API[name].path.matchAll(/:(\w+)/g)].map((m) => [m[1]!, value]));
        const sample = BODIES[name];
        const before = fingerprint(file);
        const r = await send(API[name].method, pathOf(name, params), sample ? JSON.stringify(sample.body) : undefined, sample ? { 'content-type': 'application/json' } : {});
        expectSafe(r, before, `${name} with ${JSON.stringify(value).slice(0, 100)}`);
      }),
      { numRuns: runs(100, 2_000) },
    );
  }, 300_000);

  it('hostile query strings on every list and report: 200 or a 400 naming the parameter, never a 5xx', async () => {
    const reads = (Object.keys(API) as OperationName[]).filter((n) => API[n].method === 'GET' && !API[n].global && !API[n].path.includes(':'));
    const key = fc.oneof(fc.constantFrom('limit', 'after', 'as', 'org', 'department', 'category', 'status', 'requester', 'since', 'by', 'metrics', 'from', 'to', 'kind', 'pending', 'olderThanMs', 'managers', 'includeChildren'), hostileString);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...reads), fc.array(fc.tuple(key, hostileString), { maxLength: 3 }), async (name, pairs) => {
        const qs = new URLSearchParams(pairs.map(([k, v]): [string, string] => [k.slice(0, 300), v.slice(0, 300)]));
        const before = fingerprint(file);
        const r = await send('GET', `${pathOf(name)}?${qs}`);
        expectSafe(r, before, `${name}?${qs.toString().slice(0, 200)}`);
      }),
      { numRuns: runs(100, 2_000) },
    );
  }, 300_000);

  it('a body that is not valid UTF-8 is a 400 and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withBody), fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Uint8Array.from(b, (x) => 0x80 | (x & 0x3f) | ((x & 1) << 6))), fc.nat(), async (name, bad, at) => {
        // Continuation bytes and 0xC0-0xFF leads on their own are never valid UTF-8.
        const text = Buffer.from(JSON.stringify(BODIES[name]!.body));
        const cut = at % (text.length + 1);
        const bytes = Buffer.concat([text.subarray(0, cut), Buffer.from([0xff]), Buffer.from(bad), text.subarray(cut)]);
        const before = fingerprint(file);
        const r = await send(API[name].method, pathOf(name, BODIES[name]!.params), bytes, { 'content-type': 'application/json' });
        expect(r.status).toBe(400);
        expect(JSON.parse(r.text)).toEqual({ error: { code: 'invalid_input', message: 'body: not valid UTF-8' } });
        expect(fingerprint(file)).toBe(before);
      }),
      { numRuns: runs(30, 500) },
    );
  });

  it('nesting deeper than 64 levels is a 400 naming where, at any depth a body within the limit can reach; never a stack overflow', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withBody), fc.integer({ min: 65, max: 40_000 }), fc.boolean(), async (name, depth, arrays) => {
        const [open, close] = arrays ? ['[', ']'] : ['{"a":', '}'];
        const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
        const before = fingerprint(file);
        // Deep under an unknown key too: what the schema would strip must still be refused, since the
        // idempotency hash and the logs walk the whole body.
        const r = await send(API[name].method, pathOf(name, BODIES[name]!.params), `{"deep":${deep}}`, { 'content-type': 'application/json', 'idempotency-key': 'deep' });
        expect(r.status, r.text.slice(0, 200)).toBe(400);
        expect((JSON.parse(r.text) as { error: { message: string } }).error.message).toMatch(/^body\.deep[.[].*: nested more than 64 levels deep$/);
        expect(fingerprint(file)).toBe(before);
      }),
      { numRuns: runs(15, 200) },
    );
  }, 120_000);

  it('a body over the limit is 413, a JSON prefix cut short 400, a content type that is not JSON 415; nothing written', async () => {
    const before = fingerprint(file);
    for (const name of withBody) {
      const { params, body } = BODIES[name]!;
      const path = pathOf(name, params);
      const huge = await send(API[name].method, path, JSON.stringify({ ...(body as object), pad: 'x'.repeat(300 * 1024) }), { 'content-type': 'application/json' });
      // The fixture route takes up to 64 MiB; there a huge body is checked like any other.
      if (name === 'seed') expect(huge.status).toBe(400);
      else expect(huge.status, name).toBe(413);
      const text = JSON.stringify(body);
      for (const cut of [1, Math.floor(text.length / 2), text.length - 1]) {
        const r = await send(API[name].method, path, text.slice(0, cut), { 'content-type': 'application/json' });
        expect(r.status, `${name} cut at ${cut}`).toBe(400);
      }
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json', 'application/jsonp']) {
        const r = await send(API[name].method, path, text, { 'content-type': type });
        expect(r.status, `${name} as ${type}`).toBe(415);
        expect(JSON.parse(r.text)).toEqual({ error: { code: 'invalid_input', message: 'unsupported content type: send application/json' } });
      }
      const none = await send(API[name].method, path, text);
      expect(none.status, `${name} without a content type`).toBe(415);
    }
    expect(fingerprint(file)).toBe(before);
  }, 120_000);

  it('a mistyped key is refused, never ignored: a decision whose filter says "departmnet" decides nothing (it would have decided every draft)', async () => {
    const before = fingerprint(file);
    const h = { 'content-type': 'application/json' };
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/drafts/decisions', { decision: 'approve', filter: { departmnet: 'Suporte' } }, /^filter: Unrecognized key: "departmnet"/],
      ['POST', '/drafts/decisions', { decision: 'reject', filter: {}, limt: 1 }, /^Unrecognized key: "limt"/],
      ['POST', '/drafts/decisions', { decision: 'approve', idz: [1] }, /Unrecognized key: "idz"/],
      ['POST', '/customers', { email: 'x@y.example', name: 'X', organisation: 'Matriz' }, /Unrecognized key: "organisation"/],
      ['PATCH', '/customers/ana%40norte.example', { actve: false }, /Unrecognized key: "actve"/],
      ['POST', '/tickets/solve', { ids: [1], mesage: 'x' }, /Unrecognized key: "mesage"/],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await send(method, `/v1/tenants/default${path}`, JSON.stringify(body), h);
      expect(r.status, `${path} ${r.text}`).toBe(400);
      expect((JSON.parse(r.text) as { error: { message: string } }).error.message).toMatch(message);
    }
    for (const query of ['/drafts?departmnet=Suporte', '/tickets?stauts=open', '/notifications?kind=nope', '/audit?since=ontem', '/customers?organisation=x', '/stats/tickets?by=department&form=2026-01-01']) {
      const r = await send('GET', `/v1/tenants/default${query}`);
      expect(r.status, `${query} ${r.text}`).toBe(400);
    }
    expect(fingerprint(file)).toBe(before);
  });

  it('a path segment longer than the router takes, or malformed percent-encoding, is answered in the contract shape', async () => {
    const long = await send('GET', `/v1/tenants/default/tickets/${'x'.repeat(5_000)}`);
    expect(long.status).toBe(414);
    expect(JSON.parse(long.text)).toEqual({ error: { code: 'invalid_input', message: 'path: a segment is longer than 4096 characters' } });
    const bad = await send('GET', '/v1/tenants/default/tickets/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect((JSON.parse(bad.text) as { error: { code: string } }).error.code).toBe('invalid_input');
    const headers = await send('GET', '/v1/tenants/default/tickets', undefined, { 'x-pad': 'x'.repeat(20_000) });
    expect(headers.status).toBe(431);
    expect(JSON.parse(headers.text)).toEqual({ error: { code: 'invalid_input', message: 'request headers too large' } });
  });

  it('names as long as allowed, in any script, round-trip through path parameters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('ç', '😀', 'a', "'", '%', ' '), async (ch) => {
        let name = 'D';
        while (name.length + ch.length <= 200) name += ch;
        const h = { 'content-type': 'application/json' };
        const add = await send('POST', '/v1/tenants/default/departments', JSON.stringify({ name }), h);
        expect(add.status, add.text.slice(0, 200)).toBe(201);
        const removed = await send('DELETE', `/v1/tenants/default/departments/${encodeURIComponent(name.trim())}`);
        expect(removed.status, removed.text.slice(0, 200)).toBe(200);
      }),
      { numRuns: 6 },
    );
  });

  it('hostile JSON values anywhere in a ticket request are refused by path or stored as given, never half-written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), hostileJson, { maxKeys: 3 }), async (fields) => {
        const before = fingerprint(file);
        const r = await send('POST', '/v1/tenants/default/tickets', JSON.stringify({ requester: 'gerente@matriz.example', department: 'Suporte', subject: 's', message: 'm', fields }), {
          'content-type': 'application/json',
        });
        expectSafe(r, before, JSON.stringify(fields).slice(0, 200));
        if (r.status === 201) {
          const t = JSON.parse(r.text) as { outcome: string; ticket: { id: number } };
          const shown = (await (await fetch(`${url}/v1/tenants/default/tickets/${t.ticket.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { fields: unknown };
          expect(shown.fields).toEqual(fields);
        }
      }),
      { numRuns: runs(40, 800) },
    );
  });
});
