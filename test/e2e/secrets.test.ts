import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deskctl, tempHome } from '../helpers/bin.js';
import { adminToken, serveBinary } from '../helpers/integrity.js';

/** Sends a raw request (headers of any size) and returns the status, never throwing on a reset. */
function raw(url: string, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/**
 * Secrets stay secret end to end: no token in the server's logs even at trace level, in any error
 * message, or in what the profile commands print; the credentials file is 0600 in a 0700 directory.
 */
describe('e2e: tokens never leak', () => {
  it('deskctl serve --log-level trace logs every request and never a token: not a valid one, a wrong one, a revoked one', async () => {
    const home = tempHome();
    const env = { ...home.env, DESKCTL_DB: home.db };
    for (const args of [
      ['departments', 'add', 'Suporte'],
      ['orgs', 'add', 'Matriz'],
      ['customers', 'add', 'gerente@matriz.example', '--name', 'G', '--org', 'Matriz', '--manager'],
      ['customers', 'add', 'ana@matriz.example', '--name', 'Ana', '--org', 'Matriz'],
      ['approval', 'set', 'all-departments'],
    ]) {
      const r = await deskctl(args, { env });
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const token = await adminToken(env, 'ops');
    const revoked = await adminToken(env, 'old');
    expect((await deskctl(['tokens', 'revoke', 'old'], { env })).exitCode).toBe(0);
    const wrong = `dsk_${'A'.repeat(43)}`;
    const server = await serveBinary(env, ['--log-level', 'trace', '--body-limit', '4096']);
    let logs = '';
    server.proc.stdout!.on('data', (b: Buffer) => (logs += b.toString()));
    try {
      const api = { ...home.env, DESKCTL_API_URL: server.url, DESKCTL_TENANT: 'default' };
      // Through the CLI: reads, a create, a bulk decision, refusals of every kind.
      const runs = [
        await deskctl(['drafts', 'list'], { env: { ...api, DESKCTL_TOKEN: token } }),
        await deskctl(['tickets', 'create', '--requester', 'ana@matriz.example', '--department', 'Suporte', '--subject', 's', '--message', 'm'], { env: { ...api, DESKCTL_TOKEN: token } }),
        await deskctl(['drafts', 'approve', '--all', '--yes'], { env: { ...api, DESKCTL_TOKEN: token } }),
        await deskctl(['departments', 'remove', 'Nenhum'], { env: { ...api, DESKCTL_TOKEN: token } }),
        await deskctl(['tenants', 'create', 'x'], { env: { ...api, DESKCTL_TOKEN: token } }),
        await deskctl(['drafts', 'list'], { env: { ...api, DESKCTL_TOKEN: wrong } }),
        await deskctl(['drafts', 'list'], { env: { ...api, DESKCTL_TOKEN: revoked } }),
        await deskctl(['drafts', 'list', '--tenant', 'other'], { env: { ...api, DESKCTL_TOKEN: token } }),
      ];
      expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 0, 1, 4, 4, 4, 1]);
      for (const r of runs) for (const t of [token, revoked, wrong]) expect(r.stdout + r.stderr).not.toContain(t.slice(4));
      // Straight at the server: oversized headers and bodies, bad JSON, a wrong content type.
      const auth = { authorization: `Bearer ${token}` };
      expect(await raw(server.url, '/v1/tenants/default/tickets', { ...auth, 'x-pad': 'x'.repeat(20_000) })).toBe(431);
      expect(await raw(server.url, '/v1/tenants/default/departments', { ...auth, 'content-type': 'application/json' }, 'POST', JSON.stringify({ name: 'x'.repeat(10_000) }))).toBe(413);
      expect(await raw(server.url, '/v1/tenants/default/departments', { ...auth, 'content-type': 'application/json' }, 'POST', '{"name":')).toBe(400);
      expect(await raw(server.url, '/v1/tenants/default/departments', { ...auth, 'content-type': 'text/plain' }, 'POST', 'x')).toBe(415);
      expect(await raw(server.url, `/v1/tenants/default/tickets/${'x'.repeat(5_000)}`, auth)).toBe(414);
      expect(await raw(server.url, '/v1/tenants/default/drafts', { authorization: `Bearer ${wrong}` })).toBe(401);
      expect(await raw(server.url, '/v1/tenants/default/drafts', { authorization: token })).toBe(401);
    } finally {
      server.proc.kill('SIGTERM');
      await server.proc;
    }
    const all = logs + server.output();
    // Trace logging really ran: every request is in it.
    expect(all).toMatch(/"msg":"incoming request"/);
    expect(all).toMatch(/"msg":"request completed"/);
    for (const t of [token, revoked, wrong]) {
      expect(all).not.toContain(t.slice(4));
      expect(all).not.toContain(Buffer.from(t).toString('base64'));
      // Not even as the bytes of a raw packet.
      expect(all).not.toContain(`${t.charCodeAt(4)},${t.charCodeAt(5)},${t.charCodeAt(6)},${t.charCodeAt(7)}`);
    }
  }, 120_000);

  it('profiles: the token is stored 0600 in a 0700 directory and never printed by profile list/show, in any format, nor in errors', async () => {
    const home = tempHome();
    const token = `dsk_${'Z9'.repeat(22)}`;
    const env = home.env;
    const add = await deskctl(['profile', 'add', 'staging', '--api', 'http://127.0.0.1:9', '--tenant', 'acme', '--token-stdin'], { env, input: `${token}\n` });
    expect(add.exitCode, add.stderr).toBe(0);
    const dir = join(home.dir, 'config', 'deskctl');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const creds = readdirSync(dir).filter((f) => /cred/.test(f));
    expect(creds).toHaveLength(1);
    expect(statSync(join(dir, creds[0]!)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, creds[0]!), 'utf8')).toContain(token);
    // The profile list (config.json) does not hold it.
    for (const f of readdirSync(dir).filter((x) => !/cred/.test(x))) expect(readFileSync(join(dir, f), 'utf8')).not.toContain(token.slice(4));
    const outputs = [
      await deskctl(['profile', 'list'], { env }),
      await deskctl(['profile', 'list', '-o', 'json'], { env }),
      await deskctl(['profile', 'list', '-o', 'csv'], { env }),
      await deskctl(['profile', 'show', 'staging'], { env }),
      await deskctl(['profile', 'show', 'staging', '-o', 'json'], { env }),
      await deskctl(['--profile', 'staging', 'profile', 'show', '-o', 'json'], { env }),
      // Unreachable (exit 5), and a bad command line on the profile (exit 2): the errors name the URL, not the token.
      await deskctl(['--profile', 'staging', 'drafts', 'list', '-o', 'json'], { env }),
      await deskctl(['--profile', 'staging', 'drafts', 'list', '--limit', 'x'], { env }),
      await deskctl(['help', 'environment'], { env }),
    ];
    expect(outputs.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0, 0, 5, 2, 0]);
    for (const r of outputs) expect(r.stdout + r.stderr).not.toContain(token.slice(4));
  }, 60_000);
});
