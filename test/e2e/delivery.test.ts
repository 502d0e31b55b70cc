import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres } from '../helpers/postgres.js';
import { deskctl, e2eHelpdesk } from '../helpers/bin.js';
import { openStore } from '../../src/store/store.js';
import { notify, tenantIdBySlug } from '../../src/engine/context.js';
import { smtpError, smtpSink, type Sink } from '../helpers/smtp.js';

const T0 = '2026-12-01T09:00:00.000Z';
const AFTER_LEASE = '2026-12-01T09:10:00.000Z';

/** Queues `n` e-mails of the default tenant straight into the outbox (what tickets create would queue), through the engine's notify(). */
async function queueEmails(db: string, n: number, to = (i: number) => `cliente${i}@norte.example`): Promise<void> {
  const store = await openStore(db);
  try {
    const tenantId = await tenantIdBySlug(store, 'default');
    const ctx = { store, tenantId, actor: { kind: 'admin' as const, name: 'test' }, now: () => new Date(T0) };
    await store.write(
      (tx) =>
        notify(
          tx,
          ctx,
          Array.from({ length: n }, (_, i) => ({ kind: 'ticket_opened' as const, channel: 'email' as const, to: to(i), subject: `Chamado ${i}`, refType: 'ticket' as const, refId: 0 })),
        ),
      tenantId,
    );
  } finally {
    await store.close();
  }
}

async function outbox(db: string): Promise<{ id: number; status: string; message_id: string | null; to_address: string }[]> {
  const store = await openStore(db);
  try {
    return await store.db.selectFrom('notifications').select(['id', 'status', 'message_id', 'to_address']).orderBy('id').execute();
  } finally {
    await store.close();
  }
}

const messageIdOf = (raw: Buffer) => /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('latin1'))?.[1];

const ENGINES = hasPostgres ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

describe.each(ENGINES)('e2e (%s): notifications deliver through the built binary (R33)', (engine) => {
  let sink: Sink;
  const hd = e2eHelpdesk({ target: 'local', engine }, { DESKCTL_NOW: T0 });

  beforeAll(async () => {
    await hd.open();
    await hd.ok('settings', 'set', 'notifications.from', 'Central <ajuda@norte.example>');
  });
  afterEach(async () => {
    await sink?.close();
  });
  afterAll(() => hd.close());

  it('R33: a dispatcher killed with kill -9 mid-batch marks nothing it did not send; the re-run sends the rest, repeating only what was in flight, with the same Message-ID', async () => {
    const N = 150;
    await queueEmails(hd.env.DESKCTL_DB!, N);
    let killAt: (() => void) | undefined;
    const reached = new Promise<void>((r) => (killAt = r));
    sink = await smtpSink({ parse: false, delayMs: 15, onMessage: () => sink && sink.raw.length >= 40 && killAt!() });
    const env = { ...hd.env, DESKCTL_SMTP_URL: sink.url };
    const first = deskctl(['notifications', 'deliver'], { env });
    await reached;
    first.kill('SIGKILL');
    await first;
    const afterKill = await outbox(hd.env.DESKCTL_DB!);
    const received = new Set(sink.raw.map(messageIdOf));
    const delivered = afterKill.filter((n) => n.status === 'delivered');
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.length).toBeLessThan(N);
    // Nothing is marked delivered that the server did not accept.
    for (const n of delivered) expect(received.has(n.message_id!), `notification ${n.id}`).toBe(true);

    const second = await deskctl(['notifications', 'deliver', '-o', 'json'], { env: { ...env, DESKCTL_NOW: AFTER_LEASE } });
    expect(second.exitCode, second.stderr).toBe(0);
    const after = await outbox(hd.env.DESKCTL_DB!);
    expect(after.every((n) => n.status === 'delivered')).toBe(true);
    const ids = sink.raw.map(messageIdOf);
    expect(new Set(ids).size).toBe(N);
    // Repeats: only the messages in flight when the dispatcher died (at most the pool's size), same Message-ID.
    expect(ids.length - N).toBeLessThanOrEqual(5);
    expect(new Set(after.map((n) => n.message_id))).toEqual(new Set(ids));
  });

  it('R33: two dispatchers at once on one database send each notification once', async () => {
    const before = (await outbox(hd.env.DESKCTL_DB!)).length;
    const N = 120;
    await queueEmails(hd.env.DESKCTL_DB!, N, (i) => `dupla${i}@norte.example`);
    sink = await smtpSink({ parse: false, delayMs: 2 });
    const env = { ...hd.env, DESKCTL_SMTP_URL: sink.url };
    const runs = await Promise.all([deskctl(['notifications', 'deliver', '-o', 'json'], { env }), deskctl(['notifications', 'deliver', '-o', 'json'], { env })]);
    for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
    const reports = runs.map((r) => JSON.parse(r.stdout) as { delivered: number });
    expect(reports[0]!.delivered + reports[1]!.delivered).toBe(N);
    expect(sink.raw.length).toBe(N);
    expect(new Set(sink.raw.map(messageIdOf)).size).toBe(N);
    expect((await outbox(hd.env.DESKCTL_DB!)).slice(before).every((n) => n.status === 'delivered')).toBe(true);
  });

  it('R33: exit 3 when an attempt failed, 5 when no server answered or none is set, 0 when everything due went', async () => {
    await queueEmails(hd.env.DESKCTL_DB!, 1, () => 'recusado@norte.example');
    sink = await smtpSink({ rcpt: (a) => (a === 'recusado@norte.example' ? smtpError(550, 'no such user') : undefined) });
    const none = await deskctl(['notifications', 'deliver'], { env: { ...hd.env, DESKCTL_SMTP_URL: '' } });
    expect(none.exitCode, none.stderr).toBe(5);
    expect(none.stderr).toContain('DESKCTL_SMTP_URL');
    const down = await deskctl(['notifications', 'deliver'], { env: { ...hd.env, DESKCTL_SMTP_URL: 'smtp://127.0.0.1:1' } });
    expect(down.exitCode, down.stderr).toBe(5);
    const refused = await deskctl(['notifications', 'deliver'], { env: { ...hd.env, DESKCTL_SMTP_URL: sink.url, DESKCTL_NOW: AFTER_LEASE } });
    expect(refused.exitCode, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/1 failed/);
    const listed = await hd.json<{ to: string; lastError: string }[]>('notifications', 'list', '--failed');
    expect(listed).toEqual([expect.objectContaining({ to: 'recusado@norte.example', lastError: expect.stringContaining('550') })]);
    const again = await deskctl(['notifications', 'deliver'], { env: { ...hd.env, DESKCTL_SMTP_URL: sink.url, DESKCTL_NOW: AFTER_LEASE } });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('nothing was due');
  });
});
