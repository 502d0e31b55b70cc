import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type OperationName } from '../../src/core/api.js';
import type { Store } from '../../src/store/store.js';
import { fingerprint } from '../helpers/db.js';
import { inProcessApi, tenantAdmin, type InProcessApi, engines } from '../helpers/backends.js';

/**
 * R1 as an attacker would test it: every id, name and e-mail of tenant A tried with tenant B's
 * tokens — through B's own paths, where only the ids are foreign — and the authorisation matrix
 * extended to every route the server has, to revoked tokens and to the other tenant's managers
 * and customers. Nothing of A is seen or changed.
 */
describe.each(engines)('tenant isolation and the rest of the authorisation matrix (R1) (%s)', (engine) => {
  let api: InProcessApi;
  let file: string;
  const env = { DESKCTL_NOW: '2026-11-02T12:00:00.000Z' };
  let store: Store;
  let url: string;
  const tok: Record<string, string> = {};
  /** Everything tenant A has, by kind. */
  const a = { tickets: [] as number[], protocols: [] as string[], drafts: [] as number[], rules: [] as number[], emails: [] as string[], orgs: [] as string[], departments: [] as string[], tokens: [] as string[] };

  const operator = (slug: string) => tenantAdmin(store, slug, () => new Date(env.DESKCTL_NOW));

  beforeAll(async () => {
    api = await inProcessApi({ engine, env });
    ({ file, store } = api);
    const hdA = await operator('default');
    await hdA.createTenant('tenant-b');
    // Tenant A: its own names, so that a name resolved in the wrong tenant would show.
    await hdA.addDepartment('Suporte A');
    await hdA.addCategory('Acesso A', 'Suporte A');
    await hdA.addOrganization('Matriz A');
    await hdA.addOrganization('Filial A', 'Matriz A');
    await hdA.addCustomer({ email: 'gerente@a.example', name: 'Gerente A', org: 'Matriz A', manager: true });
    await hdA.addCustomer({ email: 'cliente@a.example', name: 'Cliente A', org: 'Filial A' });
    await hdA.addAgent({ email: 'agente@a.example', name: 'Agente A', departments: ['Suporte A'] });
    await hdA.addRule({ department: 'Suporte A', scope: 'all' });
    await hdA.setSetting('approval.mode', 'departments');
    await hdA.setSetting('reopen.allowed', true);
    for (let i = 0; i < 6; i++) {
      const r = await hdA.createTicket({ requester: i % 2 ? 'cliente@a.example' : 'gerente@a.example', department: 'Suporte A', category: 'Acesso A', subject: `A ${i}`, message: 'segredo de A' });
      if (r.outcome === 'ticket') {
        a.tickets.push(r.ticket.id);
        a.protocols.push(r.ticket.protocol);
      } else a.drafts.push(r.draft.id);
    }
    await hdA.solveTickets([a.tickets[0]!], 'resolvido');
    a.rules = (await hdA.listRules()).map((r) => r.id);
    a.emails = ['gerente@a.example', 'cliente@a.example', 'agente@a.example'];
    a.orgs = ['Matriz A', 'Filial A'];
    a.departments = ['Suporte A'];
    tok.aAdmin = (await hdA.createToken({ name: 'a-admin', role: 'admin' })).token;
    tok.aManager = (await hdA.createToken({ name: 'a-manager', role: 'manager', customer: 'gerente@a.example' })).token;
    a.tokens = ['a-admin', 'a-manager'];

    // Tenant B: a tenant of its own with the same kinds of things under other names.
    const hdB = await operator('tenant-b');
    await hdB.addDepartment('Suporte B');
    await hdB.addOrganization('Matriz B');
    await hdB.addCustomer({ email: 'gerente@b.example', name: 'Gerente B', org: 'Matriz B', manager: true });
    await hdB.addCustomer({ email: 'cliente@b.example', name: 'Cliente B', org: 'Matriz B' });
    await hdB.createTicket({ requester: 'cliente@b.example', department: 'Suporte B', subject: 'B', message: 'm' });
    tok.bAdmin = (await hdB.createToken({ name: 'b-admin', role: 'admin' })).token;
    tok.bManager = (await hdB.createToken({ name: 'b-manager', role: 'manager', customer: 'gerente@b.example' })).token;
    tok.bCustomer = (await hdB.createToken({ name: 'b-customer', role: 'customer', customer: 'cliente@b.example' })).token;
    tok.bRevoked = (await hdB.createToken({ name: 'b-revoked', role: 'admin' })).token;
    await hdB.revokeToken('b-revoked');

    url = await api.listen(Object.values(tok));
  });
  afterAll(async () => {
    await api.close();
  });

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/v1/tenants/tenant-b${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text };
  };
  const enc = encodeURIComponent;

  it("R1: every id, protocol, name and e-mail of tenant A through tenant B's paths and tokens: not found, nothing of A in any answer, nothing written", async () => {
    const before = fingerprint(file);
    const attempts: [string, string, unknown?][] = [];
    for (const id of a.tickets) {
      attempts.push(['GET', `/tickets/${id}`], ['POST', `/tickets/${id}/replies`, { message: 'x' }], ['PUT', `/tickets/${id}/process`, { ref: 'P' }], ['PUT', `/tickets/${id}/rating`, { rating: 5 }]);
      attempts.push(['POST', '/tickets/solve', { ids: [id] }], ['POST', '/tickets/close', { ids: [id] }], ['POST', '/tickets/reopen', { ids: [id], message: 'x' }]);
    }
    for (const id of a.drafts) {
      attempts.push(['GET', `/drafts/${id}`], ['POST', '/drafts/decisions', { decision: 'approve', ids: [id] }], ['POST', '/drafts/decisions', { decision: 'reject', ids: [id] }]);
      attempts.push(['POST', '/drafts/decisions', { decision: 'approve', ids: [id], dryRun: true }]);
    }
    for (const id of a.rules) attempts.push(['POST', '/rules/remove', { ids: [id] }]);
    for (const email of a.emails) {
      attempts.push(['PATCH', `/customers/${enc(email)}`, { name: 'x' }], ['DELETE', `/customers/${enc(email)}`]);
      attempts.push(['GET', `/tickets?requester=${enc(email)}`], ['GET', `/drafts?requester=${enc(email)}`], ['GET', `/tickets?as=${enc(email)}`], ['GET', `/drafts?as=${enc(email)}`]);
      attempts.push(['POST', '/tickets', { requester: email, department: 'Suporte B', subject: 's', message: 'm' }]);
      attempts.push(['POST', '/drafts/decisions', { decision: 'approve', filter: {}, as: email }], ['POST', '/tokens', { name: 'steal', role: 'customer', customer: email }]);
    }
    for (const org of a.orgs) {
      attempts.push(['DELETE', `/organizations/${enc(org)}`], ['PUT', `/organizations/${enc(org)}/parent`, { parent: null }], ['GET', `/drafts?org=${enc(org)}`], ['GET', `/customers?org=${enc(org)}`]);
      attempts.push(['POST', '/customers', { email: 'novo@b.example', name: 'N', org }], ['POST', '/drafts/decisions', { decision: 'reject', filter: { org } }]);
    }
    for (const d of a.departments) {
      attempts.push(['DELETE', `/departments/${enc(d)}`], ['DELETE', `/departments/${enc(d)}/categories/${enc('Acesso A')}`], ['GET', `/categories?department=${enc(d)}`]);
      attempts.push(['POST', '/rules', { department: d, scope: 'all' }], ['POST', '/categories', { name: 'x', department: d }], ['GET', `/tickets?department=${enc(d)}`]);
    }
    for (const name of a.tokens) attempts.push(['DELETE', `/tokens/${enc(name)}`]);
    for (const protocol of a.protocols) attempts.push(['GET', `/tickets/${enc(protocol)}`]);

    const secrets = [...a.emails, ...a.orgs, ...a.departments, 'segredo de A', 'Acesso A', ...a.tokens];
    for (const token of [tok.bAdmin!, tok.bManager!, tok.bCustomer!]) {
      for (const [method, path, body] of attempts) {
        const r = await call(token, method, path, body);
        const what = `${method} ${path} ${JSON.stringify(body) ?? ''}`;
        // Refused, or (protocols are numbered per tenant) B's own ticket of that number: never A's.
        expect(r.status, `${what} → ${r.text}`).toBeGreaterThanOrEqual(200);
        expect(r.status, `${what} → ${r.text}`).toBeLessThan(500);
        // A's values the request did not itself carry (an error may quote what it was asked).
        for (const s of secrets.filter((x) => !decodeURIComponent(what).includes(x))) expect(r.text, `${what} answered with A's "${s}"`).not.toContain(s);
        if (r.status < 300 && method !== 'GET') {
          // A batch answer reports A's ids as not found (or forbidden), never done.
          const results = (JSON.parse(r.text) as { results?: { ok: boolean }[] }).results;
          if (results) expect(results.every((x) => !x.ok), `${what} → ${r.text}`).toBe(true);
          else if (!/dryRun/.test(r.text)) expect.fail(`${what} succeeded: ${r.text}`);
        }
        if (/^\/tickets\/\d+$/.test(path) || /^\/drafts\/\d+$/.test(path)) expect([403, 404]).toContain(r.status);
      }
    }
    expect(fingerprint(file)).toBe(before);
  }, 120_000);

  it("R1: B's lists, reports and exports contain nothing of A", async () => {
    const secrets = [...a.emails, ...a.orgs, ...a.departments, 'segredo de A', ...a.tokens];
    for (const path of ['/tickets', '/drafts', '/rules', '/departments', '/categories', '/organizations', '/customers', '/agents', '/tokens', '/notifications', '/audit', '/approval', '/settings', '/stats/tickets?by=organization,department,category,requester,agent', '/stats/approvals?by=org', '/stats/agents']) {
      const r = await call(tok.bAdmin!, 'GET', path);
      expect(r.status, `${path}: ${r.text}`).toBe(200);
      for (const s of secrets) expect(r.text, `${path} shows A's "${s}"`).not.toContain(s);
      const ids = [...r.text.matchAll(/"id":(\d+)/g)].map((m) => Number(m[1]));
      if (path === '/tickets') for (const id of ids) expect(a.tickets).not.toContain(id);
      if (path === '/drafts') for (const id of ids) expect(a.drafts).not.toContain(id);
      if (path === '/rules') for (const id of ids) expect(a.rules).not.toContain(id);
    }
    const tenants = await fetch(`${url}/v1/tenants`, { headers: { authorization: `Bearer ${tok.bAdmin}` } });
    expect(await tenants.json()).toEqual([expect.objectContaining({ slug: 'tenant-b' })]);
  });

  const names = Object.keys(API) as OperationName[];
  const pathOf = (name: OperationName, tenant: string) =>
    (API[name].global ? API[name].path : `/v1/tenants/:tenant${API[name].path}`).replace(/:(\w+)/g, (_, k: string) => (k === 'tenant' ? tenant : k === 'id' ? '1' : 'x'));

  it("R1: A's path with B's manager and customer tokens is 404 for every operation, and writes nothing", async () => {
    const before = fingerprint(file);
    for (const name of names.filter((n) => !API[n].global)) {
      for (const token of [tok.bManager!, tok.bCustomer!]) {
        const res = await fetch(`${url}${pathOf(name, 'default')}`, {
          method: API[name].method,
          headers: { authorization: `Bearer ${token}`, ...(API[name].method === 'GET' || API[name].method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
          body: API[name].method === 'GET' || API[name].method === 'DELETE' ? undefined : '{}',
        });
        expect(res.status, name).toBe(404);
        expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'tenant "default" not found' } });
      }
    }
    expect(fingerprint(file)).toBe(before);
  });

  it('a revoked token is 401 on every operation, on its own tenant too, and writes nothing', async () => {
    const before = fingerprint(file);
    for (const name of names) {
      for (const tenant of ['tenant-b', 'default']) {
        const res = await fetch(`${url}${pathOf(name, tenant)}`, { method: API[name].method, headers: { authorization: `Bearer ${tok.bRevoked}` } });
        expect(res.status, `${name} on ${tenant}`).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
      }
    }
    expect(fingerprint(file)).toBe(before);
  });

  it('the matrix covers every route the server has: the operation table, /healthz, /readyz, /v1/openapi.json and the WhatsApp webhook (GET, POST), nothing else', async () => {
    // printRoutes draws a tree; each method listed at a node is one route (HEAD comes with GET).
    const tree = api.app.printRoutes({ commonPrefix: false });
    const routes = [...tree.matchAll(/\(([A-Z, ]+)\)/g)].flatMap((m) => m[1]!.split(', ').filter((x) => x !== 'HEAD'));
    expect(routes.length).toBe(names.length + 5);
    for (const name of names) {
      const op = API[name];
      const path = op.global ? op.path : `/v1/tenants/:tenant${op.path}`;
      expect(api.app.hasRoute({ method: op.method, url: path }), `${op.method} ${path}`).toBe(true);
    }
    // The three routes outside the table answer without a token and carry nothing of a tenant.
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
    const doc = await (await fetch(`${url}/v1/openapi.json`)).text();
    for (const s of ['segredo de A', ...a.emails]) expect(doc).not.toContain(s);
  });
});
