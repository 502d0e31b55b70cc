import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deskctl, tempHome } from '../helpers/bin.js';
import { fingerprint } from '../helpers/db.js';
import { adminToken, rows, serveBinary, withDb } from '../helpers/integrity.js';
import { freshPgDatabase, hasPostgres } from '../helpers/postgres.js';
import { PHONE_NUMBER_ID, SECRETS, delivery, signed, textMessage } from '../helpers/whatsapp.js';

const stores = hasPostgres ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

/** A database of the store, and a home to run the binary in. */
async function setUp(store: 'sqlite' | 'postgres') {
  const home = tempHome();
  const pg = store === 'postgres' ? await freshPgDatabase() : undefined;
  const db = pg?.url ?? home.db;
  // The database exists (and is migrated) before a test holds it to "nothing written".
  expect((await deskctl(['tenants', 'list'], { env: { ...home.env, DESKCTL_DB: db } })).exitCode).toBe(0);
  return { home, db, env: { ...home.env, DESKCTL_DB: db }, dispose: async () => pg?.dispose() };
}

const secretsJson = JSON.stringify(SECRETS);
const noSecret = (what: string, text: string) => {
  for (const s of Object.values(SECRETS)) expect(text, what).not.toContain(s);
};

describe.each(stores)('e2e: the WhatsApp connection and webhook through the built binary (%s)', (store) => {
  it('R32: connect with the secrets on stdin, show, the handshake and refused deliveries on deskctl serve: no secret in any output or log, nothing written by a refusal', async () => {
    const { env, db, dispose } = await setUp(store);
    const key = randomBytes(32).toString('base64');
    const keyed = { ...env, DESKCTL_SECRETS_KEY: key };
    try {
      const outputs: { stdout: string; stderr: string; exitCode?: number }[] = [];
      const run = async (args: string[], o: { env?: Record<string, string>; input?: string } = {}) => {
        const r = await deskctl(args, { env: o.env ?? keyed, input: o.input });
        outputs.push(r);
        return r;
      };
      // Without --secrets-stdin, or with bad JSON: exit 2, nothing written.
      const before = fingerprint(db);
      expect((await run(['whatsapp', 'connect', '--phone-number-id', PHONE_NUMBER_ID])).exitCode).toBe(2);
      const bad = await run(['whatsapp', 'connect', '--phone-number-id', PHONE_NUMBER_ID, '--secrets-stdin'], { input: `{"appSecret":"${SECRETS.appSecret}","accessToken":"${SECRETS.accessToken}"` });
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr).toBe('error: stdin: not valid JSON; expected {"appSecret":"…","accessToken":"…","verifyToken":"…"}\n');
      const unknown = await run(['whatsapp', 'connect', '--phone-number-id', PHONE_NUMBER_ID, '--secrets-stdin', '-o', 'json'], { input: JSON.stringify({ ...SECRETS, [SECRETS.appSecret]: 1, verifyToken: '' }) });
      expect(unknown.exitCode).toBe(2);
      expect(unknown.stderr).toMatch(/stdin\.verifyToken: must not be empty; stdin: an unknown key/);
      expect(fingerprint(db)).toBe(before);

      const plain = await run(['whatsapp', 'connect', '--phone-number-id', PHONE_NUMBER_ID, '--display-number', '+55 11 3000-0000', '--secrets-stdin'], { env, input: secretsJson });
      expect(plain.exitCode, plain.stderr).toBe(0);
      expect(plain.stderr).toMatch(/warning: the WhatsApp secrets are stored in plain text in the database/);
      const c = await run(['whatsapp', 'connect', '--phone-number-id', PHONE_NUMBER_ID, '--display-number', '+55 11 3000-0000', '--secrets-stdin', '-o', 'json'], { input: `${secretsJson}\n` });
      expect(c.exitCode, c.stderr).toBe(0);
      expect(JSON.parse(c.stdout)).toMatchObject({ phoneNumberId: PHONE_NUMBER_ID, encrypted: true, changed: true, replaced: true });
      expect(c.stderr).toBe('');
      for (const format of ['table', 'json', 'csv']) {
        const s = await run(['whatsapp', 'show', '-o', format]);
        expect(s.exitCode, s.stderr).toBe(0);
        expect(s.stdout).toContain(PHONE_NUMBER_ID);
      }
      const shown = await run(['whatsapp', 'show']);
      expect(shown.stdout).toMatch(/^stored\tencrypted \(key [0-9a-f]{12}\)$/m);
      expect(shown.stdout).toMatch(/^app secret\tset$/m);
      // Without the key, or with another: said, never garbage.
      expect((await run(['whatsapp', 'show'], { env })).stderr).toMatch(/encrypted with key [0-9a-f]{12}; the key given here .* is another one, or none/);
      expect((await run(['whatsapp', 'show'], { env: { ...env, DESKCTL_SECRETS_KEY: 'short' } })).exitCode).toBe(2);
      await run(['audit', 'list', '-o', 'json']);

      const server = await serveBinary(keyed, ['--log-level', 'trace']);
      let logs = '';
      server.proc.stdout!.on('data', (b: Buffer) => (logs += b.toString()));
      try {
        const hook = `${server.url}/webhooks/whatsapp`;
        const challenge = await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(SECRETS.verifyToken)}&hub.challenge=8436104512`);
        expect([challenge.status, await challenge.text()]).toEqual([200, '8436104512']);
        expect((await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`)).status).toBe(403);
        const unchanged = fingerprint(db);
        const body = JSON.stringify(delivery({ contacts: [{ wa_id: '5511912345678', name: 'Ana' }], messages: [textMessage('5511912345678', 'wamid.e2e.1', 'Oi, preciso de ajuda')] }));
        const codes = [];
        for (const headers of [{ 'content-type': 'application/json' }, signed(body, 'wrong-secret'), { ...signed(body), 'x-hub-signature-256': 'sha256=00' }]) {
          codes.push((await fetch(hook, { method: 'POST', headers: headers as Record<string, string>, body })).status);
        }
        const other = JSON.stringify(delivery({ phoneNumberId: '999', messages: [textMessage('551', 'w', 'x')] }));
        codes.push((await fetch(hook, { method: 'POST', headers: signed(other), body: other })).status);
        const malformed = JSON.stringify(delivery({ messages: [{ from: '551', id: 'w', timestamp: 'x', type: 'text', text: { body: 'x' } }] }));
        codes.push((await fetch(hook, { method: 'POST', headers: signed(malformed), body: malformed })).status);
        expect(codes).toEqual([401, 401, 401, 404, 400]);
        expect(fingerprint(db)).toBe(unchanged);
        // Over the API: connect again with the secrets in the body (an admin token), show.
        const token = await adminToken(keyed);
        const api = { ...env, DESKCTL_DB: '', DESKCTL_API_URL: server.url, DESKCTL_TOKEN: token };
        delete (api as Record<string, string>).DESKCTL_DB;
        const remote = await run(['whatsapp', 'connect', '--phone-number-id', PHONE_NUMBER_ID, '--secrets-stdin', '-o', 'json'], { env: api, input: JSON.stringify({ ...SECRETS, accessToken: `${SECRETS.accessToken}-2` }) });
        expect(remote.exitCode, remote.stderr).toBe(0);
        expect(JSON.parse(remote.stdout)).toMatchObject({ encrypted: true, keyMatches: true, replaced: true });
        expect((await run(['whatsapp', 'show', '-o', 'json'], { env: api })).exitCode).toBe(0);
        const refused = await run(['whatsapp', 'connect', '--phone-number-id', PHONE_NUMBER_ID, '--secrets-stdin'], { env: api, input: JSON.stringify({ ...SECRETS, appSecret: ` ${SECRETS.appSecret}` }) });
        expect(refused.exitCode).toBe(2);
        expect(refused.stderr).toMatch(/^error: stdin\.appSecret: must not start or end/);
      } finally {
        server.proc.kill('SIGTERM');
        await server.proc;
      }
      const all = logs + server.output();
      expect(all).toMatch(/"url":"\/webhooks\/whatsapp\?hub\.mode=\[redacted\]&hub\.verify_token=\[redacted\]/);
      expect(all).toMatch(/"method":"PUT","url":"\/v1\/tenants\/default\/whatsapp\/connection"/);
      noSecret('server log', all);
      expect(all).not.toContain(`${SECRETS.accessToken}-2`);
      for (const r of outputs) noSecret(`${r.stdout}${r.stderr}`, r.stdout + r.stderr);

      const off = await run(['whatsapp', 'disconnect']);
      expect(off.exitCode).toBe(2);
      expect(off.stderr).toMatch(/refusing without --yes/);
      expect((await run(['whatsapp', 'disconnect', '--yes'])).stderr).toBe(`disconnected phone number id ${PHONE_NUMBER_ID}; its secrets are removed\n`);
      expect((await run(['whatsapp', 'disconnect', '--yes'])).stderr).toBe('not connected; nothing to remove\n');
    } finally {
      await dispose();
    }
  }, 180_000);
});

/** A SQL count on the test's database, SQLite or PostgreSQL. */
async function countIn(db: string, sql: string): Promise<number> {
  if (db.startsWith('postgres')) {
    const { psql } = await import('../helpers/postgres.js');
    return Number(psql(db, sql));
  }
  const { count } = await import('../helpers/db.js');
  const m = /^SELECT count\(\*\) FROM (\w+)(?: WHERE (.*))?$/.exec(sql);
  if (!m) throw new Error(`countIn: ${sql}`);
  return count(db, m[1]!, m[2] ?? '1');
}

/** A statement on the test's database (set-up a test cannot make otherwise). */
async function execIn(db: string, sql: string): Promise<void> {
  if (db.startsWith('postgres')) {
    const { psql } = await import('../helpers/postgres.js');
    psql(db, sql);
  } else withDb(db, (d) => d.exec(sql));
}

/** A tenant whose customers' first WhatsApp message opens a ticket (R25), connected to WhatsApp. */
async function autoTicketTenant(env: Record<string, string>, phones: [email: string, phone: string][]) {
  for (const args of [
    ['departments', 'add', 'Suporte'],
    ...phones.map(([email, phone]) => ['customers', 'add', email, '--name', email.split('@')[0]!, '--phone', phone]),
    ['settings', 'set', 'whatsapp.ticket.department', 'Suporte'],
    ['settings', 'set', 'whatsapp.ticket.title', 'Atendimento WhatsApp'],
    ['settings', 'set', 'whatsapp.autoTicket', 'true'],
  ]) {
    const r = await deskctl(args, { env });
    expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  }
  const c = await deskctl(['whatsapp', 'connect', '--phone-number-id', PHONE_NUMBER_ID, '--secrets-stdin'], { env, input: secretsJson });
  expect(c.exitCode, c.stderr).toBe(0);
}

describe.each(stores)('e2e: deliveries as WhatsApp sends them, through the built binary (%s)', (store) => {
  it('R31, R32: signed deliveries open a ticket and add to it; one delivery replayed ten times at once has one effect', async () => {
    const { env, db, dispose } = await setUp(store);
    try {
      await autoTicketTenant(env, [['ana@norte.example', '+55 11 91234-5678']]);
      const server = await serveBinary(env);
      try {
        const hook = `${server.url}/webhooks/whatsapp`;
        const first = JSON.stringify(delivery({ contacts: [{ wa_id: '5511912345678', name: 'Ana' }], messages: [textMessage('5511912345678', 'wamid.first', 'Não consigo acessar o sistema')] }));
        // At least once, and all at once: ten copies of one delivery in parallel.
        const codes = await Promise.all(Array.from({ length: 10 }, () => fetch(hook, { method: 'POST', headers: signed(first), body: first }).then((r) => r.status)));
        expect(codes).toEqual(Array(10).fill(200));
        expect(await countIn(db, "SELECT count(*) FROM whatsapp_messages WHERE direction = 'in' AND wa_id = 'wamid.first'")).toBe(1);
        expect(await countIn(db, 'SELECT count(*) FROM tickets')).toBe(1);
        expect(await countIn(db, 'SELECT count(*) FROM conversations')).toBe(1);
        const replies = await countIn(db, "SELECT count(*) FROM notifications WHERE channel = 'whatsapp'");
        // Several messages of several types in one delivery, as WhatsApp batches them.
        const more = JSON.stringify(
          delivery({
            contacts: [{ wa_id: '5511912345678', name: 'Ana' }],
            messages: [
              { from: '5511912345678', id: 'wamid.img', timestamp: '1796212900', type: 'image', image: { id: '1013859600285441', mime_type: 'image/jpeg', sha256: 'x', caption: 'a tela do erro' } },
              { from: '5511912345678', id: 'wamid.loc', timestamp: '1796212901', type: 'location', location: { latitude: -23.56, longitude: -46.65 } },
              textMessage('5511912345678', 'wamid.txt', 'Obrigada', '1796212902'),
            ],
          }),
        );
        expect((await fetch(hook, { method: 'POST', headers: signed(more), body: more })).status).toBe(200);
        expect(await countIn(db, "SELECT count(*) FROM whatsapp_messages WHERE direction = 'in'")).toBe(4);
        expect(await countIn(db, 'SELECT count(*) FROM tickets')).toBe(1);
        // Replayed later: nothing more.
        expect((await fetch(hook, { method: 'POST', headers: signed(more), body: more })).status).toBe(200);
        expect(await countIn(db, "SELECT count(*) FROM whatsapp_messages WHERE direction = 'in'")).toBe(4);
        expect(await countIn(db, "SELECT count(*) FROM notifications WHERE channel = 'whatsapp'")).toBeGreaterThanOrEqual(replies);
        // R32: statuses update the outbound message they name (WhatsApp's id, given when it was sent;
        // set here, since sending is not this test's), in any order: a late "delivered" never undoes "read".
        const outbound = await countIn(db, "SELECT count(*) FROM whatsapp_messages WHERE direction = 'out'");
        expect(outbound).toBeGreaterThan(0);
        await execIn(db, "UPDATE whatsapp_messages SET wa_id = 'wamid.out.' || id WHERE direction = 'out'");
        const ids = db.startsWith('postgres')
          ? (await import('../helpers/postgres.js')).psql(db, "SELECT min(wa_id) FROM whatsapp_messages WHERE direction = 'out'")
          : rows<{ w: string }>(db, "SELECT min(wa_id) AS w FROM whatsapp_messages WHERE direction = 'out'")[0]!.w;
        for (const status of ['read', 'delivered']) {
          const s = JSON.stringify(delivery({ statuses: [{ id: ids, status, timestamp: '1796213000', recipient_id: '5511912345678' }] }));
          expect((await fetch(hook, { method: 'POST', headers: signed(s), body: s })).status).toBe(200);
        }
        expect(await countIn(db, `SELECT count(*) FROM whatsapp_messages WHERE wa_id = '${ids}' AND status = 'read'`)).toBe(1);
        // A signature that does not match changes nothing, even for a new message.
        const before = fingerprint(db);
        const forged = JSON.stringify(delivery({ messages: [textMessage('5511912345678', 'wamid.forged', 'x')] }));
        expect((await fetch(hook, { method: 'POST', headers: signed(forged, 'forged-secret'), body: forged })).status).toBe(401);
        expect(fingerprint(db)).toBe(before);
      } finally {
        server.proc.kill('SIGTERM');
        await server.proc;
      }
    } finally {
      await dispose();
    }
  }, 180_000);
});

describe.skipIf(!hasPostgres)('e2e: two servers on one PostgreSQL (R31)', () => {
  it("R31: a new phone's first messages arriving at the same moment on two servers start one conversation", async () => {
    const { env, db, dispose } = await setUp('postgres');
    const PHONES = 12;
    try {
      await autoTicketTenant(env, Array.from({ length: PHONES }, (_, i) => [`c${i}@x.example`, `+55 11 9${String(10000000 + i)}`] as [string, string]));
      const servers = await Promise.all([serveBinary(env), serveBinary(env)]);
      try {
        for (let i = 0; i < PHONES; i++) {
          const from = `55119${String(10000000 + i)}`;
          // Two different first messages of one phone, one to each server, at once.
          const bodies = [0, 1].map((k) => JSON.stringify(delivery({ messages: [textMessage(from, `wamid.race.${i}.${k}`, `mensagem ${k}`)] })));
          const codes = await Promise.all(servers.map((s, k) => fetch(`${s.url}/webhooks/whatsapp`, { method: 'POST', headers: signed(bodies[k]!), body: bodies[k]! }).then((r) => r.status)));
          expect(codes).toEqual([200, 200]);
        }
        expect(await countIn(db, 'SELECT count(*) FROM conversations')).toBe(PHONES);
        expect(await countIn(db, 'SELECT count(*) FROM tickets')).toBe(PHONES);
        expect(await countIn(db, "SELECT count(*) FROM whatsapp_messages WHERE direction = 'in'")).toBe(2 * PHONES);
      } finally {
        for (const s of servers) s.proc.kill('SIGTERM');
        await Promise.all(servers.map((s) => s.proc));
      }
    } finally {
      await dispose();
    }
  }, 180_000);
});
