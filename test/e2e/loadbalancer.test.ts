import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/pg-cluster.mjs';
import { deskctl, tempHome } from '../helpers/bin.js';
import { adminToken, serveBinary, sleep } from '../helpers/integrity.js';
import { freshPgDatabase, hasPostgres } from '../helpers/postgres.js';

/**
 * The README's deployment, as written: examples/nginx.conf (nginx from Debian's packages) in
 * front of three `deskctl serve` on one PostgreSQL database. Requests through nginx reach every
 * server, see the same data, and a token's rate limit counts its requests on all of them (R43).
 */
const NGINX = spawnSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' }).stdout.trim().split('\n')[0] ?? '';

describe.skipIf(!hasPostgres || !NGINX)('e2e: nginx in front of three servers on one PostgreSQL (examples/nginx.conf)', () => {
  it('R43: requests through the load balancer reach every server, and a token is limited across all of them', async () => {
    const { url: db, dispose } = await freshPgDatabase();
    const home = tempHome();
    const env = { ...home.env, DESKCTL_DB: db };
    const LIMIT = 30;
    const servers = await Promise.all([0, 1, 2].map(() => serveBinary(env, ['--rate-limit', String(LIMIT), '--trust-proxy', '127.0.0.1'])));
    const port = await freePort();
    const ports = servers.map((s) => new URL(s.url).port);
    const conf = readFileSync(new URL('../../examples/nginx.conf', import.meta.url), 'utf8')
      .replace('listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`)
      .replace('127.0.0.1:8081', `127.0.0.1:${ports[0]}`)
      .replace('127.0.0.1:8082', `127.0.0.1:${ports[1]}`)
      .replace('127.0.0.1:8083', `127.0.0.1:${ports[2]}`);
    expect(conf).toContain(`:${ports[2]}`);
    const file = join(home.dir, 'nginx.conf');
    writeFileSync(file, conf);
    const nginx = execa(NGINX, ['-p', home.dir, '-c', file, '-g', 'daemon off;'], { reject: false, stdin: 'ignore' });
    try {
      const lb = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 200; i++) {
        if ((await fetch(`${lb}/readyz`).catch(() => null))?.status === 200) break;
        await sleep(25);
      }
      const token = await adminToken(env);
      const api = { ...home.env, DESKCTL_API_URL: lb, DESKCTL_TOKEN: token };
      // The data is one: what one server writes, the next request (another server) reads.
      for (const name of ['Suporte', 'Financeiro', 'Vendas']) {
        const r = await deskctl(['departments', 'add', name], { env: api });
        expect(r.exitCode, r.stderr).toBe(0);
      }
      const listed = await deskctl(['departments', 'list', '-o', 'json'], { env: api });
      expect((JSON.parse(listed.stdout) as { name: string }[]).map((d) => d.name).sort()).toEqual(['Financeiro', 'Suporte', 'Vendas']);

      // One token, many requests through nginx (round robin over the three): the limit is the
      // token's on all servers together, so no more than LIMIT in the window get through.
      let ok = 0;
      let limited = 0;
      for (let i = 0; i < LIMIT + 15; i++) {
        const r = await fetch(`${lb}/v1/tenants/default/departments`, { headers: { authorization: `Bearer ${token}` } });
        if (r.status === 200) ok++;
        else if (r.status === 429) limited++;
        await r.body?.cancel();
      }
      // The CLI calls above counted too; what matters: the three servers did not each allow LIMIT.
      expect(ok).toBeLessThanOrEqual(LIMIT);
      expect(limited).toBeGreaterThan(0);
      expect(ok + limited).toBe(LIMIT + 15);
    } finally {
      nginx.kill('SIGQUIT');
      await nginx;
      for (const s of servers) s.proc.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.proc));
      await dispose();
    }
  }, 120_000);
});
