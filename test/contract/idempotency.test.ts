import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { count } from '../helpers/db.js';
import { inProcessApi, tenantAdmin, type InProcessApi, engines } from '../helpers/backends.js';

describe.each(engines)('API idempotency of bulk chunks (R13) (%s)', (engine) => {
  let api: InProcessApi;
  let file: string;
  let store: Store;
  let url: string;
  let token: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = { DESKCTL_NOW: '2026-11-02T12:00:00.000Z' };
    api = await inProcessApi({ engine, env });
    ({ file, store } = api);
    const hd = await tenantAdmin(store, 'default', () => new Date(env.DESKCTL_NOW!));
    await hd.addDepartment('Suporte');
    await hd.addOrganization('Matriz');
    await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: 'ana@matriz.example', name: 'Ana', org: 'Matriz' });
    await hd.setSetting('approval.mode', 'all-departments');
    for (let i = 0; i < 30; i++) await hd.createTicket({ requester: 'ana@matriz.example', department: 'Suporte', subject: `s${i}`, message: 'm' });
    token = (await hd.createToken({ name: 'ci', role: 'admin' })).token;
    url = await api.listen();
  });
  afterAll(async () => {
    await api.close();
  });

  const post = (body: unknown, key?: string) =>
    fetch(`${url}/v1/tenants/default/drafts/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });

  it('R13: a chunk replayed with the same Idempotency-Key returns the first answer and creates no extra ticket', async () => {
    const chunk = { decision: 'approve', filter: {}, limit: 10, after: 0, count: true };
    const first = await post(chunk, 'chunk-1');
    expect(first.status).toBe(200);
    const firstBody = await first.json();
    expect(firstBody).toMatchObject({ remaining: 20 });
    expect(count(file, 'tickets')).toBe(10);
    const replay = await post(chunk, 'chunk-1');
    expect(await replay.json()).toEqual(firstBody);
    expect(count(file, 'tickets')).toBe(10);
    expect(count(file, 'drafts')).toBe(20);
    // Without the key, the same body is a new request: the next ten drafts.
    await post(chunk);
    expect(count(file, 'tickets')).toBe(20);
  });

  it('the same key with a different request is refused (422) and changes nothing', async () => {
    await post({ decision: 'reject', ids: [21] }, 'chunk-2');
    const reused = await post({ decision: 'reject', ids: [22] }, 'chunk-2');
    expect(reused.status).toBe(422);
    expect(await reused.json()).toEqual({ error: { code: 'invalid_input', message: 'Idempotency-Key "chunk-2" was already used for a different request' } });
    expect(count(file, 'draft_decisions', 'draft_id = 22')).toBe(0);
  });

  it('keys are forgotten after 24 hours', async () => {
    await post({ decision: 'reject', ids: [23] }, 'chunk-3');
    env.DESKCTL_NOW = '2026-11-03T12:00:01.000Z';
    const later = await post({ decision: 'reject', ids: [24] }, 'chunk-3');
    expect(later.status).toBe(200);
    expect(count(file, 'draft_decisions', 'draft_id = 24')).toBe(1);
  });
});
