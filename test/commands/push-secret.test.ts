import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite.js';
import { runDeskctl } from '../helpers/run.js';

/** `deskctl notifications push-secret` in-process: the secret from stdin only, never printed, sealed at rest (R33). */
describe('commands: notifications push-secret (R33)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-push-secret-'));
  const db = join(dir, 'helpdesk.db');
  const KEY = randomBytes(32).toString('base64');
  const env = { DESKCTL_DB: db, DESKCTL_NOW: '2026-11-02T12:00:00.000Z', XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
  const SECRET = 'c0ffee-push-secret-9a8b7c6d5e4f3a2b';
  const run = (argv: string[], o: { stdin?: string; key?: boolean; tty?: boolean } = {}) =>
    runDeskctl(['notifications', 'push-secret', ...argv], { env: { ...env, ...(o.key ? { DESKCTL_SECRETS_KEY: KEY } : {}) }, stdin: o.stdin, tty: o.tty });
  const rows = () => {
    const d = openDatabase(db, { readonly: true });
    try {
      return d.prepare('SELECT * FROM tenant_secrets').all() as { name: string; value: string; encrypted: number }[];
    } finally {
      d.close();
    }
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('R33: without an option it says whether a secret is set; empty or short stdin is exit 2 and writes nothing; the secret is never an argument', async () => {
    const shown = await run([]);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toContain('push secret\tnot set');
    expect(shown.stderr).toContain('warning: no push secret is set');
    for (const stdin of ['', '\n']) expect(await run(['--stdin'], { stdin })).toMatchObject({ exitCode: 2, stderr: 'error: stdin: empty; pipe the push secret in (openssl rand -hex 32 | deskctl notifications push-secret --stdin)\n' });
    const short = await run(['--stdin'], { stdin: 'abc123\n' });
    expect(short).toMatchObject({ exitCode: 2, stderr: 'error: secret: at least 16 characters (make one with: openssl rand -hex 32)\n' });
    const given = await run([SECRET]);
    expect(given.exitCode).toBe(2);
    expect(given.stderr + given.stdout).not.toContain(SECRET);
    expect(await run(['--stdin', '--clear'], { stdin: SECRET })).toMatchObject({ exitCode: 2, stderr: 'error: --stdin and --clear exclude each other: give one\n' });
    expect(rows()).toEqual([]);
  });

  it('R33: --stdin sets it (one trailing line break dropped), in plain text without a key, sealed with one; nothing printed holds it', async () => {
    const plain = await run(['--stdin'], { stdin: `${SECRET}\n` });
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('push secret set, stored in plain text');
    expect(plain.stderr).toContain('warning: the push secret is stored in plain text');
    expect(rows()).toMatchObject([{ name: 'push', value: SECRET, encrypted: 0 }]);
    const sealed = await run(['--stdin', '-o', 'json'], { stdin: `${SECRET}\r\n`, key: true });
    expect(sealed.exitCode, sealed.stderr).toBe(0);
    expect(JSON.parse(sealed.stdout)).toMatchObject({ set: true, encrypted: true, changed: true, replaced: true });
    const [row] = rows();
    expect(row!.encrypted).toBe(1);
    expect(row!.value).toMatch(/^v1\./);
    expect(row!.value).not.toContain(SECRET);
    const shown = await run(['-o', 'json'], { key: true });
    expect(JSON.parse(shown.stdout)).toMatchObject({ set: true, encrypted: true, keyMatches: true });
    const audit = await runDeskctl(['audit', 'list', '-o', 'json'], { env });
    for (const r of [plain, sealed, shown, audit]) expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('R33: --clear asks on a terminal, refuses off one without --yes (exit 2), and removes it with --yes', async () => {
    const refused = await run(['--clear']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe('error: Remove the push secret (push notifications wait until one is set again): refusing without --yes when not on a terminal\n');
    const declined = await run(['--clear'], { tty: true });
    expect(declined.exitCode).toBe(1);
    expect(rows()).toHaveLength(1);
    expect(await run(['--clear', '--yes'])).toMatchObject({ exitCode: 0, stderr: 'push secret removed; push notifications wait until one is set again\n' });
    expect(await run(['--clear', '--yes'])).toMatchObject({ exitCode: 0, stderr: 'no push secret is set; nothing to remove\n' });
    expect(rows()).toEqual([]);
  });
});
