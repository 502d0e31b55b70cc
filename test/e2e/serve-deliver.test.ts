import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres } from '../helpers/postgres.js';
import { deskctl, e2eHelpdesk, startServer } from '../helpers/bin.js';
import { smtpSink, type Sink } from '../helpers/smtp.js';

const T0 = '2026-12-01T09:00:00.000Z';
const hoursAfter = (h: number) => new Date(Date.parse(T0) + h * 3_600_000 + 60_000).toISOString();
const PUSH_SECRET = 'a-push-secret-of-32-characters!!';
const ACCESS_TOKEN = 'EAAG-access-token-of-the-test';

/** A receiver on loopback keeping every request (a push URL, or a fake WhatsApp Cloud API answering a message id). */
async function receiver(answer: (req: IncomingMessage, body: Buffer) => unknown): Promise<{ url: string; got: { headers: IncomingMessage['headers']; path: string; body: Buffer }[]; server: Server }> {
  const got: { headers: IncomingMessage['headers']; path: string; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      got.push({ headers: req.headers, path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(req, body)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, server };
}

const ENGINES = hasPostgres ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

/**
 * R33 and R35 through the built binary: two `deskctl serve --deliver` on one database send every
 * kind over every channel (a real SMTP server, a push receiver checking the signature, a fake
 * WhatsApp Cloud API checking the bearer token), each notification once, and the reminders of a
 * pinned clock once per interval.
 */
describe.each(ENGINES)('e2e (%s): serve --deliver on two servers (R33, R35)', (engine) => {
  const hd = e2eHelpdesk({ target: 'local', engine }, { DESKCTL_NOW: T0, DESKCTL_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') });
  let sink: Sink;
  let push: Awaited<ReturnType<typeof receiver>>;
  let meta: Awaited<ReturnType<typeof receiver>>;
  let sent = 0;

  beforeAll(async () => {
    sink = await smtpSink();
    push = await receiver(() => ({ ok: true }));
    meta = await receiver(() => ({ messaging_product: 'whatsapp', messages: [{ id: `wamid.TEST${++sent}` }] }));
    await hd.open();
    for (const args of [
      ['departments', 'add', 'Suporte'],
      ['orgs', 'add', 'Matriz'],
      ['customers', 'add', 'gerente@matriz.example', '--name', 'Gerente Geral', '--org', 'Matriz', '--manager'],
      ['customers', 'add', 'ana@matriz.example', '--name', 'Ana', '--org', 'Matriz'],
      ['agents', 'add', 'chefe@help.example', '--name', 'Chefe', '--admin'],
      ['settings', 'set', 'notifications.from', 'Central de Ajuda <ajuda@help.example>'],
      ['settings', 'set', 'notifications.pushUrl', `${push.url}/push`],
      ['settings', 'set', 'approval.mode', 'all-departments'],
      ['settings', 'set', 'approval.remindAfterHours', '24'],
      ['settings', 'set', 'approval.escalateAfterHours', '48'],
      ['settings', 'set', 'whatsapp.ticket.department', 'Suporte'],
      ['settings', 'set', 'whatsapp.autoTicket', 'true'],
    ]) {
      await hd.ok(...args);
    }
    expect((await deskctl(['notifications', 'push-secret', '--stdin'], { env: hd.env, input: `${PUSH_SECRET}\n` })).exitCode).toBe(0);
    const secrets = JSON.stringify({ appSecret: 'app-secret-of-the-test', accessToken: ACCESS_TOKEN, verifyToken: 'verify-token-of-the-test' });
    const connect = await deskctl(['whatsapp', 'connect', '--phone-number-id', '106540352242922', '--secrets-stdin'], { env: hd.env, input: secrets });
    expect(connect.exitCode, connect.stderr).toBe(0);
    await hd.ok('tickets', 'create', '--requester', 'ana@matriz.example', '--department', 'Suporte', '--subject', 'Acesso à VPN', '--message', 'Preciso de acesso.');
    await hd.ok('whatsapp', 'receive', '--from', '+55 21 98888-0001', '--text', 'Olá');
  });
  afterAll(async () => {
    await sink.close();
    push.server.close();
    meta.server.close();
    await hd.close();
  });

  /** Two servers with --deliver at `now`, until every notification is out of pending; then stopped (SIGTERM). */
  async function twoServersAt(now: string): Promise<void> {
    const env = { ...hd.env, DESKCTL_NOW: now, DESKCTL_SMTP_URL: sink.url, DESKCTL_WHATSAPP_API_URL: meta.url };
    const servers = await Promise.all([startServer(env, 'default', ['--deliver']), startServer(env, 'default', ['--deliver'])]);
    try {
      for (let i = 0; ; i++) {
        const pending = JSON.parse((await deskctl(['notifications', 'list', '--pending', '-o', 'json'], { env: hd.env })).stdout) as unknown[];
        if (pending.length === 0) break;
        if (i > 150) throw new Error(`still pending: ${JSON.stringify(pending)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      for (const s of servers) s.proc.kill('SIGTERM');
      for (const s of servers) expect((await s.proc).exitCode).toBe(0);
    }
  }

  const list = async (kind: string) => JSON.parse((await deskctl(['notifications', 'list', '--kind', kind, '-o', 'json'], { env: hd.env })).stdout) as { to: string; channel: string; status: string }[];
  const messageIds = () => sink.received.map((m) => m.messageId);

  it('R33: every kind goes out over its channel once, from two servers at once; R35: the first reminder at 24 h', async () => {
    await twoServersAt(hoursAfter(24));
    expect(await list('draft_pending')).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'email', status: 'delivered' }), expect.objectContaining({ channel: 'push', status: 'delivered' })]));
    const reminders = await list('draft_reminder');
    expect(reminders.map((n) => `${n.to} ${n.channel} ${n.status}`).sort()).toEqual(['gerente@matriz.example email delivered', 'gerente@matriz.example push delivered']);
    expect(await list('draft_escalated')).toEqual([]);
    // E-mail: each Message-ID once, words from the pt-BR templates, both parts.
    expect(new Set(messageIds()).size).toBe(messageIds().length);
    expect(sink.received.length).toBe(2); // draft_pending and draft_reminder to the manager
    for (const m of sink.received) {
      expect(m.from?.text).toContain('ajuda@help.example');
      expect(m.text).toContain('Acesso à VPN');
      expect(m.html).toContain('Acesso à VPN');
    }
    // Push: signed with the tenant's secret over the exact bytes.
    expect(push.got).toHaveLength(2);
    for (const p of push.got) {
      expect(p.path).toBe('/push');
      expect(p.headers['x-deskctl-signature-256']).toBe(`sha256=${createHmac('sha256', PUSH_SECRET).update(p.body).digest('hex')}`);
      expect(JSON.parse(p.body.toString())).toMatchObject({ tenant: 'default', to: 'gerente@matriz.example' });
    }
    // WhatsApp: the flow's reply through the Cloud API with the connection's token; the id answered is kept.
    expect(meta.got).toHaveLength(1);
    expect(meta.got[0]!.path).toBe('/106540352242922/messages');
    expect(meta.got[0]!.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(JSON.parse(meta.got[0]!.body.toString())).toMatchObject({ messaging_product: 'whatsapp', to: '5521988880001', type: 'text' });
    const conversation = JSON.parse((await deskctl(['conversations', 'show', '1', '-o', 'json'], { env: hd.env })).stdout) as { messages: { direction: string; status: string | null }[] };
    expect(conversation.messages.find((m) => m.direction === 'out')).toMatchObject({ status: 'sent' });
  });

  it('R35: the second interval reminds once more, and the escalation to the admin agents comes once', async () => {
    await twoServersAt(hoursAfter(48));
    expect((await list('draft_reminder')).length).toBe(4);
    expect((await list('draft_escalated')).map((n) => `${n.to} ${n.status}`)).toEqual(['chefe@help.example delivered']);
    // A third pair of servers in the same interval queues nothing new.
    await twoServersAt(hoursAfter(49));
    expect((await list('draft_reminder')).length).toBe(4);
    expect((await list('draft_escalated')).length).toBe(1);
    expect(new Set(messageIds()).size).toBe(messageIds().length);
    expect(push.got).toHaveLength(3);
  });
});
