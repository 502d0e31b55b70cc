import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHttpHelpdesk } from '../../src/client/http.js';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { API } from '../../src/core/api.js';
import type { Store } from '../../src/store/store.js';
import { fingerprint } from '../helpers/db.js';
import { inProcessApi, tenantAdmin, type InProcessApi, engines } from '../helpers/backends.js';

describe.each(engines)('the API server: limits, pages and documents (%s)', (engine) => {
  let api: InProcessApi;
  let file: string;
  let store: Store;
  let url: string;
  let token: string;
  let remote: Helpdesk;
  const DRAFTS = 2_345;

  beforeAll(async () => {
    api = await inProcessApi({ engine, bodyLimit: 64 * 1024, rateLimit: { max: 40, timeWindowMs: 60_000 } });
    ({ file, store } = api);
    const hd = await tenantAdmin(store);
    await hd.addDepartment('Suporte');
    await hd.addOrganization('Matriz');
    await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: 'ana@matriz.example', name: 'Ana', org: 'Matriz' });
    await hd.setSetting('approval.mode', 'all-departments');
    for (let i = 0; i < DRAFTS; i++) await hd.createTicket({ requester: 'ana@matriz.example', department: 'Suporte', subject: `s${i}`, message: 'm' });
    token = (await hd.createToken({ name: 'ci', role: 'admin' })).token;
    url = await api.listen();
    remote = await openHttpHelpdesk({ url, token, tenant: 'default' });
  });
  afterAll(async () => {
    await remote.close();
    await api.close();
  });

  it('lists are paged on the wire and followed transparently by the client', async () => {
    const page = await fetch(`${url}/v1/tenants/default/drafts?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await page.json()) as { items: { id: number }[]; next: number | null };
    expect(body.items).toHaveLength(1000);
    expect(body.next).toBe(body.items.at(-1)!.id);
    const all = await remote.listDrafts({});
    expect(all).toHaveLength(DRAFTS);
    expect(new Set(all.map((d) => d.id)).size).toBe(DRAFTS);
    const some = await remote.listDrafts({ limit: 1500 });
    expect(some.map((d) => d.id)).toEqual(all.slice(0, 1500).map((d) => d.id));
  });

  it('/healthz answers without a token; /v1/openapi.json documents every operation', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const doc = (await (await fetch(`${url}/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.openapi).toBe('3.1.0');
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ids.sort()).toEqual(Object.keys(API).sort());
  });

  it('a body over the limit is 413, a wrong content type 415, and nothing is written', async () => {
    const before = fingerprint(file);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const big = await fetch(`${url}/v1/tenants/default/departments`, { method: 'POST', headers, body: JSON.stringify({ name: 'x'.repeat(100_000) }) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: { code: 'invalid_input', message: 'request body too large' } });
    const text = await fetch(`${url}/v1/tenants/default/departments`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: 'name=x' });
    expect(text.status).toBe(415);
    const broken = await fetch(`${url}/v1/tenants/default/departments`, { method: 'POST', headers, body: '{"name":' });
    expect(broken.status).toBe(400);
    const invalid = await fetch(`${url}/v1/tenants/default/customers`, { method: 'POST', headers, body: JSON.stringify({ email: 'not-an-email', name: 'X' }) });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: { code: 'invalid_input', message: 'email: invalid e-mail' } });
    expect(fingerprint(file)).toBe(before);
  });

  it('past its rate limit a token gets 429 with Retry-After', async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const r = await fetch(`${url}/v1/tenants/default/settings`, { headers: { authorization: `Bearer ${token}` } });
      if (r.status === 429) limited = r;
    }
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited!.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    // Another token has its own budget.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
