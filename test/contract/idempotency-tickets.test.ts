import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHttpHelpdesk } from '../../src/client/http.js';
import type { Store } from '../../src/store/store.js';
import { count, fingerprint } from '../helpers/db.js';
import { inProcessApi, tenantAdmin, type InProcessApi, engines } from '../helpers/backends.js';

/**
 * Idempotency-Key on POST …/tickets: the key is stored in the ticket's own transaction, so a
 * retried create — same key, same body — answers the first answer and opens nothing twice, even
 * when the first answer was lost on the way back; the same key with another body is 422.
 */
describe.each(engines)('API idempotency of ticket creation (%s)', (engine) => {
  let api: InProcessApi;
  let file: string;
  const env = { DESKCTL_NOW: '2026-11-02T12:00:00.000Z' };
  let store: Store;
  let url: string;
  let token: string;

  beforeAll(async () => {
    api = await inProcessApi({ engine, env });
    ({ file, store } = api);
    const hd = await tenantAdmin(store, 'default', () => new Date(env.DESKCTL_NOW));
    await hd.addDepartment('Suporte');
    await hd.addDepartment('Financeiro');
    await hd.addOrganization('Matriz');
    await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: 'ana@matriz.example', name: 'Ana', org: 'Matriz' });
    await hd.addRule({ department: 'Financeiro', scope: 'all' });
    await hd.setSetting('approval.mode', 'departments');
    await hd.createTicket({ requester: 'ana@matriz.example', department: 'Financeiro', subject: 'pending', message: 'm' });
    token = (await hd.createToken({ name: 'ci', role: 'admin' })).token;
    url = await api.listen([token]);
  });
  afterAll(async () => {
    await api.close();
  });

  const post = (body: unknown, key?: string, path = '/tickets') =>
    fetch(`${url}/v1/tenants/default${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
      body: JSON.stringify(body),
    });
  const ticket = (subject: string, department = 'Suporte') => ({ requester: 'ana@matriz.example', department, subject, message: 'm' });

  it('a create replayed with the same key answers the first answer and opens one ticket', async () => {
    const before = count(file, 'tickets');
    const first = await post(ticket('uma vez'), 'create-1');
    expect(first.status).toBe(201);
    const body = await first.json();
    const replay = await post(ticket('uma vez'), 'create-1');
    expect(replay.status).toBe(201);
    expect(await replay.json()).toEqual(body);
    expect(count(file, 'tickets')).toBe(before + 1);
    expect(count(file, 'notifications', "kind = 'ticket_opened'")).toBe(before + 1);
    // Without a key, the same body is a new request.
    await post(ticket('uma vez'));
    expect(count(file, 'tickets')).toBe(before + 2);
  });

  it('a request that became a draft (R7) is replayed as that draft, not a second one', async () => {
    const drafts = count(file, 'drafts');
    const first = (await (await post(ticket('aprovação', 'Financeiro'), 'draft-1')).json()) as { outcome: string; draft: { id: number } };
    expect(first.outcome).toBe('draft');
    expect(await (await post(ticket('aprovação', 'Financeiro'), 'draft-1')).json()).toEqual(first);
    expect(count(file, 'drafts')).toBe(drafts + 1);
    expect(count(file, 'notifications', `kind = 'draft_pending' AND ref_id = ${first.draft.id}`)).toBe(2);
  });

  it('eight identical requests at once with one key open exactly one ticket and all get its answer', async () => {
    const before = count(file, 'tickets');
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(ticket('corrida'), key).then(async (r) => ({ status: r.status, body: await r.text() }))));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(count(file, 'tickets')).toBe(before + 1);
  });

  it('the same key with another body, or on another operation, is 422 and writes nothing; a malformed key is 400', async () => {
    await post(ticket('primeiro'), 'create-2');
    const before = fingerprint(file);
    const other = await post(ticket('segundo'), 'create-2');
    expect(other.status).toBe(422);
    expect(await other.json()).toEqual({ error: { code: 'invalid_input', message: 'Idempotency-Key "create-2" was already used for a different request' } });
    const elsewhere = await post({ decision: 'reject', ids: [999] }, 'create-2', '/drafts/decisions');
    expect(elsewhere.status).toBe(422);
    for (const key of ['x'.repeat(256), 'com espaço', 'acentuação']) {
      const bad = await post(ticket('chave'), key);
      expect(bad.status, key).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^Idempotency-Key: /);
    }
    expect(fingerprint(file)).toBe(before);
  });

  it('a refused create stores no key: the same request may be sent again', async () => {
    const refused = await post({ ...ticket('nada'), department: 'Inexistente' }, 'create-3');
    expect(refused.status).toBe(404);
    const again = await post(ticket('agora sim'), 'create-3');
    expect(again.status).toBe(201);
  });

  it('keys are forgotten after 24 hours', async () => {
    const before = count(file, 'tickets');
    await post(ticket('ontem'), 'create-4');
    env.DESKCTL_NOW = '2026-11-03T12:00:01.000Z';
    await post(ticket('ontem'), 'create-4');
    expect(count(file, 'tickets')).toBe(before + 2);
    env.DESKCTL_NOW = '2026-11-02T12:00:00.000Z';
  });

  /** A proxy in front of the server that loses the answer to the first request matching `lose` (the connection drops after the server has answered). */
  async function lossyProxy(lose: (method: string, path: string) => boolean): Promise<{ url: string; lost: () => number; close: () => Promise<void> }> {
    let lost = 0;
    const target = new URL(url);
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const forward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            if (lost === 0 && lose(req.method!, req.url!)) {
              lost++;
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode!, answer.headers);
            res.end(Buffer.concat(body));
          });
        });
        forward.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    return { url: `http://127.0.0.1:${port}`, lost: () => lost, close: () => new Promise((r) => server.close(() => r())) };
  }

  it('the client retries a create whose answer was lost, under the same key: one ticket', async () => {
    const proxy = await lossyProxy((m, p) => m === 'POST' && p.endsWith('/tickets'));
    const remote = await openHttpHelpdesk({ url: proxy.url, token, tenant: 'default' });
    try {
      const before = count(file, 'tickets');
      const made = await remote.createTicket(ticket('resposta perdida'));
      expect(proxy.lost()).toBe(1);
      expect(made.outcome).toBe('ticket');
      expect(count(file, 'tickets')).toBe(before + 1);
      expect(count(file, 'tickets', "subject = 'resposta perdida'")).toBe(1);
    } finally {
      await remote.close();
      await proxy.close();
    }
  });

  it('the client retries a bulk chunk whose answer was lost, under the same key: each draft decided once', async () => {
    for (let i = 0; i < 5; i++) await post(ticket(`lote ${i}`, 'Financeiro'));
    const pending = count(file, 'drafts');
    const proxy = await lossyProxy((m, p) => m === 'POST' && p.endsWith('/drafts/decisions'));
    const remote = await openHttpHelpdesk({ url: proxy.url, token, tenant: 'default' });
    try {
      const tickets = count(file, 'tickets');
      const report = await remote.decideDrafts({ decision: 'approve', filter: {} });
      expect(proxy.lost()).toBe(1);
      expect(report).toMatchObject({ succeeded: pending, failed: 0 });
      expect(count(file, 'tickets')).toBe(tickets + pending);
      expect(count(file, 'drafts')).toBe(0);
    } finally {
      await remote.close();
      await proxy.close();
    }
  });
});
