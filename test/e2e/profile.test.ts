import { statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, deskctl, tempHome } from '../helpers/bin.js';

const TOKEN = 'dk_staging_0123456789abcdef';

/**
 * A new user on the built binary: a local profile and an API profile, `profile use`, and every
 * command going where the profile says. "staging" is a stand-in HTTP server that records what it
 * is asked and refuses every request (401), so this tests where deskctl goes, not the API.
 */
describe('profiles through the built binary', () => {
  const home = tempHome();
  const env = { ...home.env };
  const seen: { method?: string; url?: string; auth?: string }[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization });
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'unauthenticated', message: 'staging says no' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('profile add/use: every command goes to the current profile; DESKCTL_PROFILE and --profile override it', async () => {
    const local = await deskctl(['profile', 'add', 'local', '--db', home.db], { env });
    expect(local.exitCode, local.stderr).toBe(0);
    const add = await deskctl(['profile', 'add', 'staging', '--api', url, '--token-stdin'], { env, input: `${TOKEN}\n` });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(add.stderr).toContain('token stored in plain text');
    expect(statSync(join(home.dir, 'config', 'deskctl', 'credentials.json')).mode & 0o777).toBe(0o600);

    const use = await deskctl(['profile', 'use', 'staging'], { env });
    expect(use.stderr).toBe('now using profile staging\n');

    for (const argv of [['approval', 'show'], ['drafts', 'list'], ['departments', 'list', '-o', 'json']]) {
      const before = seen.length;
      const r = await deskctl(argv, { env });
      expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(4);
      expect(r.stderr.split('\n')[0]).toBe('error: staging says no');
      expect(seen.length).toBeGreaterThan(before);
      expect(seen.at(-1)).toMatchObject({ auth: `Bearer ${TOKEN}`, url: expect.stringMatching(/^\/v1\//) });
    }

    // The environment beats the current profile; a flag beats the environment.
    const viaEnv = await deskctl(['departments', 'list'], { env: { ...env, DESKCTL_PROFILE: 'local' } });
    expect(viaEnv.exitCode, viaEnv.stderr).toBe(0);
    expect(viaEnv.stdout).toBe('id\tname\tcategories\n');
    const before = seen.length;
    const viaFlag = await deskctl(['--profile', 'local', 'departments', 'list'], { env: { ...env, DESKCTL_PROFILE: 'staging' } });
    expect(viaFlag.exitCode, viaFlag.stderr).toBe(0);
    const viaDb = await deskctl(['departments', 'list'], { env: { ...env, DESKCTL_DB: home.db } });
    expect(viaDb.exitCode, viaDb.stderr).toBe(0);
    expect(seen.length).toBe(before);

    // Where commands go, and why, without the token.
    const show = await deskctl(['profile', 'show'], { env });
    expect(show.stdout).toContain(`api\t${url}   (from current profile staging)`);
    expect(show.stdout).toContain('token\tset   (from current profile staging)');
    const list = await deskctl(['profile', 'list', '-o', 'json'], { env });
    for (const text of [add.stdout, add.stderr, use.stdout, show.stdout, show.stderr, list.stdout, list.stderr]) expect(text).not.toContain(TOKEN);
  });

  it('without a token an API target exits 4 before sending anything', async () => {
    const before = seen.length;
    const r = await deskctl(['--api', url, 'drafts', 'list'], { env: { ...env, DESKCTL_TOKEN: '' } });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/^error: no token for the API at http:\/\/127\.0\.0\.1:\d+ \(target from --api\); set DESKCTL_TOKEN/);
    expect(seen.length).toBe(before);
  });

  it('piping into a reader that stops early is quiet (no EPIPE stack)', async () => {
    const { execa } = await import('execa');
    const r = await execa('bash', ['-c', 'node "$0" help environment | true; node "$0" completion bash | head -1; echo "exit ${PIPESTATUS[0]}"', BIN], {
      reject: false,
      env,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/exit 0$/);
  });
});
