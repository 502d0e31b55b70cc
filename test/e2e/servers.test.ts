import { describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-migrations.js';
import { deskctl, tempHome } from '../helpers/bin.js';
import { LONG, adminToken, expectDecidedExactlyOnce, ids, scalar, serveBinary, sleep } from '../helpers/integrity.js';
import { databaseUrl, freshPgDatabase, hasPostgres, pgAdminUrl, psql } from '../helpers/postgres.js';

/**
 * R43: several stateless `deskctl serve` on one PostgreSQL database, through the built binary.
 * Deciders spread over the servers decide every draft exactly once, even when one server is
 * killed mid-run; servers started together on an empty database migrate it once.
 */
const N = LONG ? 10_000 : 2_000;

describe.skipIf(!hasPostgres)('e2e: several servers on one PostgreSQL (R43)', () => {
  it('R43: two servers started at once on an empty database run each migration once', async () => {
    const name = `servers_${Date.now()}`;
    psql(pgAdminUrl, `CREATE DATABASE ${name}`);
    const url = databaseUrl(name);
    const home = tempHome();
    const env = { ...home.env, DESKCTL_DB: url };
    const servers = await Promise.all([serveBinary(env), serveBinary(env)]);
    try {
      expect(psql(url, 'SELECT string_agg(version::text, \',\' ORDER BY version) FROM deskctl_schema')).toBe(
        POSTGRES_MIGRATIONS.map((_, i) => i + 1).join(','),
      );
      // Both answer, on the same data: one default tenant.
      for (const s of servers) expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
      expect(psql(url, 'SELECT count(*) FROM tenants')).toBe('1');
    } finally {
      for (const s of servers) s.proc.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.proc));
      psql(pgAdminUrl, `DROP DATABASE ${name} WITH (FORCE)`);
    }
  }, 120_000);

  it(`R43/R13: eight deciders over three servers on ${N.toLocaleString('en-US')} drafts, one server killed mid-run: every draft decided exactly once`, async () => {
    const { url, dispose } = await freshPgDatabase();
    const home = tempHome();
    const dbEnv = { ...home.env, DESKCTL_DB: url };
    try {
      // A tenant whose requests wait for approval, and N pending drafts made in one statement.
      for (const args of [
        ['departments', 'add', 'Suporte'],
        ['departments', 'add', 'Financeiro'],
        ['orgs', 'add', 'Matriz'],
        ['customers', 'add', 'gerente@matriz.example', '--name', 'Gerente', '--org', 'Matriz', '--manager'],
        ['customers', 'add', 'ana@matriz.example', '--name', 'Ana', '--org', 'Matriz'],
        ['approval', 'set', 'all-departments'],
      ]) {
        const r = await deskctl(args, { env: dbEnv });
        expect(r.exitCode, r.stderr).toBe(0);
      }
      psql(
        url,
        `INSERT INTO drafts (tenant_id, requester_id, organization_id, department_id, subject, message, channel, created_at, updated_at)
         SELECT 1, c.id, c.organization_id, d.id, 'pedido ' || g, 'mensagem', 'panel', now(), now()
         FROM generate_series(1, ${N}) g
         JOIN customers c ON c.email = 'ana@matriz.example'
         JOIN departments d ON d.name = CASE WHEN g % 3 = 0 THEN 'Financeiro' ELSE 'Suporte' END`,
      );
      const original = ids(url, 'SELECT id FROM drafts ORDER BY id');
      expect(original).toHaveLength(N);

      const token = await adminToken(dbEnv);
      // Small chunks: many short transactions, so the deciders interleave rather than queue.
      const servers = await Promise.all([0, 1, 2].map(() => serveBinary({ ...dbEnv, DESKCTL_DECIDE_CHUNK: '50' })));
      const apiEnv = (i: number) => ({ ...home.env, DESKCTL_API_URL: servers[i % 3]!.url, DESKCTL_TOKEN: token, DESKCTL_DECIDE_CHUNK: '50' });
      const slice = (from: number, to: number) => original.slice(Math.floor(from * N), Math.floor(to * N));
      const cli = (i: number, args: string[], input?: number[]) => deskctl([...args, '-o', 'json'], { env: apiEnv(i), input: input?.join('\n'), timeout: 300_000 });
      const deciders = Promise.all([
        cli(0, ['drafts', 'approve', '--all', '--yes']),
        cli(1, ['drafts', 'approve', '--all', '--yes']),
        cli(2, ['drafts', 'reject', '--all', '--department', 'Financeiro', '--reason', 'duplicado', '--yes']),
        cli(3, ['drafts', 'approve', '-'], slice(0, 0.6)),
        cli(4, ['drafts', 'approve', '-'], slice(0.4, 1)),
        cli(5, ['drafts', 'reject', '-'], original.filter((_, i) => i % 4 === 0)),
        cli(6, ['drafts', 'approve', '--all', '--yes']),
        cli(7, ['drafts', 'reject', '--all', '--yes']),
      ]);
      // Once a tenth is decided, server 0 dies without a word (its deciders fail; the rest go on).
      for (let i = 0; i < 3000 && scalar(url, 'SELECT count(*) FROM draft_decisions') < N / 10; i++) await sleep(10);
      servers[0]!.proc.kill('SIGKILL');
      const done = await deciders;
      for (const s of servers.slice(1)) s.proc.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.proc));
      for (const [i, r] of done.entries()) {
        expect(r.stderr, `decider ${i}`).not.toMatch(/internal|deadlock|serializ/i);
        if (i % 3 === 0) {
          // Through the killed server: cut off (5), unless it had finished first.
          expect([0, 1, 3, 5], `decider ${i}: ${r.stderr}`).toContain(r.exitCode);
          continue;
        }
        // Through the servers that lived: 0, 1 or 3 by the counts — never a lock wait, a lost race
        // or a busy store surfacing to the user.
        expect([0, 1, 3], `decider ${i}: ${r.stderr}`).toContain(r.exitCode);
        expect(r.stderr, `decider ${i}`).not.toMatch(/too busy|stayed locked|no connection free|cannot reach/);
        const rep = JSON.parse(r.stdout) as { results: { ok: boolean; error?: { code: string } }[] };
        // Every failure of a surviving decider is a draft someone else decided first.
        for (const x of rep.results) if (!x.ok) expect(x.error!.code).toBe('not_found');
      }
      // The kill did cut a decider off mid-run.
      expect(done.filter((r, i) => i % 3 === 0 && r.exitCode === 5).length, 'a decider of the killed server was cut off').toBeGreaterThan(0);
      // A re-run decides what is left, and nothing twice.
      const rerun = await deskctl(['drafts', 'approve', '--all', '--yes', '-o', 'json'], { env: dbEnv });
      expect([0, 1]).toContain(rerun.exitCode);
      const again = await deskctl(['drafts', 'approve', '--all', '--yes', '-o', 'json'], { env: dbEnv });
      expect(JSON.parse(again.stdout)).toMatchObject({ requested: 0, succeeded: 0 });
      const outcome = expectDecidedExactlyOnce(url, original);
      expect(outcome.pending).toBe(0);
      expect(outcome.approved + outcome.rejected).toBe(N);
      expect(scalar(url, 'SELECT count(*) FROM tickets')).toBe(outcome.approved);
    } finally {
      await dispose();
    }
  }, 600_000);
});
