import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '../helpers/db.js';
import { inProcessApi, tenantAdmin, type InProcessApi } from '../helpers/backends.js';
import { hasPostgres, pgAdminUrl, psql } from '../helpers/postgres.js';

/**
 * R43 in one process: two API servers on one PostgreSQL database, as two `deskctl serve` behind a
 * load balancer would be. An Idempotency-Key sent to both at once is honoured once; a token's rate
 * limit counts its requests on both.
 */
describe.skipIf(!hasPostgres)('two API servers on one PostgreSQL database (R43)', () => {
  let a: InProcessApi;
  let b: InProcessApi;
  const urls: string[] = [];
  let token: string;
  const LIMIT = 40;

  beforeAll(async () => {
    a = await inProcessApi({ engine: 'postgres', rateLimit: { max: LIMIT, timeWindowMs: 60_000 } });
    b = await inProcessApi({ file: a.file, rateLimit: { max: LIMIT, timeWindowMs: 60_000 } });
    const hd = await tenantAdmin(a.store);
    await hd.addDepartment('Suporte');
    await hd.addDepartment('Financeiro');
    await hd.addOrganization('Matriz');
    await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: 'ana@matriz.example', name: 'Ana', org: 'Matriz' });
    await hd.setSetting('approval.mode', 'all-departments');
    for (let i = 0; i < 20; i++) await hd.createTicket({ requester: 'ana@matriz.example', department: 'Suporte', subject: `d${i}`, message: 'm' });
    token = (await hd.createToken({ name: 'ci', role: 'admin' })).token;
    urls.push(await a.listen([token]), await b.listen());
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const post = (server: number, path: string, body: unknown, key: string) =>
    fetch(`${urls[server % 2]}/v1/tenants/default${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });

  it('R43: eight identical creates under one Idempotency-Key, split over both servers at once, open one request (a draft, as approval applies) with one answer', async () => {
    const before = count(a.file, 'drafts');
    const body = { requester: 'ana@matriz.example', department: 'Financeiro', subject: 'uma vez só', message: 'm' };
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(i, '/tickets', body, 'across-servers-1')));
    const texts = await Promise.all(answers.map((r) => r.text()));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(texts).size).toBe(1);
    expect(count(a.file, 'drafts')).toBe(before + 1);
    expect(count(a.file, 'audit', "action = 'draft.create'")).toBe(before + 1);
  });

  it('R43/R13: one decision chunk sent to both servers under one key decides each draft once, and both answer the same', async () => {
    const answers = await Promise.all([0, 1, 2, 3].map((i) => post(i, '/drafts/decisions', { decision: 'approve', filter: { department: 'Suporte' }, after: 0, limit: 10 }, 'chunk-1')));
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { results: { ok: boolean }[] }[];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const x of bodies) expect(x).toEqual(bodies[0]);
    expect(bodies[0]!.results.filter((r) => r.ok)).toHaveLength(10);
    expect(count(a.file, 'tickets', 'draft_id IS NOT NULL')).toBe(10);
    expect(count(a.file, 'draft_decisions')).toBe(10);
  });

  it("R43: a token's rate limit counts its requests on both servers together", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 10; i++) {
      const r = await fetch(`${urls[i % 2]}/v1/tenants/default/departments`, { headers: { authorization: `Bearer ${token}` } });
      statuses.push(r.status);
      await r.body?.cancel();
    }
    // The requests of the tests above counted too: at most LIMIT in the window, whichever server.
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
  });
});

describe.skipIf(!hasPostgres)('a server whose PostgreSQL database stops answering (R43)', () => {
  it('/healthz stays 200, /readyz says 503 at once, requests are unavailable (503, exit 5), and all comes back with the database', async () => {
    const api = await inProcessApi({ engine: 'postgres' });
    const name = new URL(api.file).pathname.slice(1);
    try {
      const hd = await tenantAdmin(api.store);
      const token = (await hd.createToken({ name: 'ops', role: 'admin' })).token;
      const url = await api.listen([token]);
      const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect((await get('/readyz')).status).toBe(200);
      // The database takes no connections, and those the server had are cut.
      psql(pgAdminUrl, `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      psql(pgAdminUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      expect((await get('/healthz')).status).toBe(200);
      const ready = await get('/readyz');
      expect(ready.status).toBe(503);
      const call = await get('/v1/tenants/default/departments');
      expect(call.status).toBe(503);
      expect(((await call.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      psql(pgAdminUrl, `ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      expect((await get('/readyz')).status).toBe(200);
      expect((await get('/v1/tenants/default/departments')).status).toBe(200);
    } finally {
      psql(pgAdminUrl, `ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await api.close();
    }
  });
});
