import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deskctl, tempHome } from '../helpers/bin.js';
import { fingerprint } from '../helpers/db.js';
import { adminToken, serveBinary } from '../helpers/integrity.js';
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
