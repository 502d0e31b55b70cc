import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/sqlite.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { deskctl, tempHome } from '../helpers/bin.js';
import { fingerprint } from '../helpers/db.js';
import {
  LONG,
  SEED,
  adminToken,
  copyDb,
  draftsTemplate,
  expectDecidedExactlyOnce,
  expectIntact,
  prng,
  scalar,
  serveBinary,
  sleep,
  waitFor,
} from '../helpers/integrity.js';

/**
 * Crash safety: deskctl killed with SIGKILL (no handler, no cleanup) at random moments. Whatever
 * the moment, every draft is pending or decided exactly once with all that goes with it, seed and
 * generate are all or nothing, and the database passes integrity_check. The moments come from a
 * seeded PRNG; a failure names the seed, and DESKCTL_TEST_SEED=<seed> replays it.
 * DESKCTL_LONG_TESTS=1 kills at many more moments.
 */
const DRAFTS = 20_000;
const rand = prng(SEED);
const NOW = '2026-11-02T12:00:00.000Z';

/** A count of rows through a read-only connection of our own (the writer is another process). */
function counter(file: string, sql: string) {
  const db = openDatabase(file, { readonly: true });
  db.pragma('busy_timeout = 1000');
  const stmt = db.prepare(sql).pluck();
  return { read: () => stmt.get() as number, close: () => db.close() };
}

interface Moment {
  /** Kill once this many tickets exist, or after this many milliseconds. */
  tickets?: number;
  ms?: number;
  /** Drafts per transaction (DESKCTL_DECIDE_CHUNK). */
  chunk: number;
}

function plan(n: number): Moment[] {
  const out: Moment[] = [];
  for (let i = 0; i < n; i++) {
    const chunk = [20, 50, 100, 250][Math.floor(rand() * 4)]!;
    // Mostly "after k tickets" (lands mid-run whatever the machine's speed), some at a blind time (start-up included).
    out.push(i % 3 === 2 ? { ms: Math.floor(rand() * 1_500), chunk } : { tickets: 1 + Math.floor(rand() * DRAFTS * 0.8), chunk });
  }
  return out;
}

describe(`e2e: crash safety — SIGKILL at random moments (seed ${SEED})`, () => {
  const home = tempHome();
  const template = join(home.dir, 'drafts-template.db');
  let original: number[] = [];

  beforeAll(async () => {
    original = await draftsTemplate(home.env, template, DRAFTS);
  }, 120_000);

  const moments = plan(LONG ? 12 : 3);
  const midRun: boolean[] = [];

  it.each(moments.map((m, i) => [i, m] as const))(
    `R13/R22: drafts approve --all on ${DRAFTS.toLocaleString('en-US')} drafts killed at moment %i %o: every draft pending or exactly one ticket with its notifications and audit row`,
    async (i, m) => {
      const file = join(home.dir, `approve-${i}.db`);
      copyDb(template, file);
      const env = { ...home.env, DESKCTL_DB: file, DESKCTL_DECIDE_CHUNK: String(m.chunk) };
      const proc = deskctl(['drafts', 'approve', '--all', '--yes', '-o', 'json'], { env, timeout: 300_000 });
      let ended = false;
      void proc.then(() => (ended = true));
      if (m.tickets !== undefined) {
        const tickets = counter(file, 'SELECT count(*) FROM tickets');
        try {
          await waitFor(() => tickets.read() >= m.tickets!, () => ended);
        } finally {
          tickets.close();
        }
      } else {
        await sleep(m.ms!);
      }
      proc.kill('SIGKILL');
      const r = await proc;
      expect(r.signal === 'SIGKILL' || r.exitCode === 0, `seed ${SEED}: ${r.stderr}`).toBe(true);

      const state = expectDecidedExactlyOnce(file, original);
      expect(state.rejected).toBe(0);
      if (m.tickets !== undefined) midRun.push(state.approved > 0 && state.pending > 0);

      // What the kill left pending is decided by the next run, and nothing twice.
      const rest = await deskctl(['drafts', 'approve', '--all', '--yes', '-o', 'json'], { env, timeout: 300_000 });
      expect(rest.exitCode, rest.stderr).toBe(0);
      expect((JSON.parse(rest.stdout) as { succeeded: number }).succeeded).toBe(state.pending);
      expect(expectDecidedExactlyOnce(file, original)).toEqual({ pending: 0, approved: DRAFTS, rejected: 0 });
    },
    300_000,
  );

  it('at least one kill landed in the middle of the run (some drafts decided, some pending)', () => {
    expect(midRun.length).toBeGreaterThan(0);
    expect(midRun.some(Boolean), `seed ${SEED}: ${JSON.stringify(midRun)}`).toBe(true);
  });

  /**
   * All or nothing: a one-transaction command killed at a random moment of its run leaves the
   * database exactly as before or exactly as a complete run leaves it (same clock, same data).
   */
  async function allOrNothing(name: string, args: string[], prepare: (file: string) => Promise<void>, kills: number) {
    const base = join(home.dir, `${name}-base.db`);
    await prepare(base);
    const env = (file: string) => ({ ...home.env, DESKCTL_DB: file, DESKCTL_NOW: NOW });
    const full = join(home.dir, `${name}-full.db`);
    copyDb(base, full);
    const started = performance.now();
    const ok = await deskctl(args, { env: env(full), timeout: 300_000 });
    const took = performance.now() - started;
    expect(ok.exitCode, ok.stderr).toBe(0);
    const before = fingerprint(base);
    const after = fingerprint(full);
    expect(after).not.toBe(before);
    const outcomes: string[] = [];
    for (let k = 0; k < kills; k++) {
      // Somewhere in the run as the complete one took it (start-up is the first ~10-20%); when
      // this run was quicker and had finished, again with half the delay (bounded).
      let delay = Math.floor(took * (0.25 + 0.5 * rand()));
      for (let attempt = 0; attempt < 5; attempt++) {
        const file = join(home.dir, `${name}-kill-${k}-${attempt}.db`);
        copyDb(base, file);
        const proc = deskctl(args, { env: env(file), timeout: 300_000 });
        await sleep(delay);
        proc.kill('SIGKILL');
        const r = await proc;
        expectIntact(file);
        const now = fingerprint(file);
        expect([before, after], `${name} killed after ${delay} ms of ${Math.round(took)} (seed ${SEED}): ${r.stderr}`).toContain(now);
        outcomes.push(r.signal === 'SIGKILL' ? (now === before ? 'nothing' : 'all') : 'finished');
        if (r.signal === 'SIGKILL') break;
        delay = Math.floor(delay / 2);
      }
    }
    return outcomes;
  }

  it('seed killed mid-way: the tenant is exactly as before or exactly seeded (one transaction)', async () => {
    const fixture = join(home.dir, 'big-fixture.json');
    const n = 3_000;
    const f = {
      settings: { 'approval.mode': 'departments' },
      departments: [{ name: 'Suporte', categories: ['Acesso', 'Rede'] }],
      organizations: [{ name: 'Matriz' }, { name: 'Norte', parent: 'Matriz' }],
      customers: [{ email: 'gerente@matriz.example', name: 'Gerente', organization: 'Matriz', manager: true }] as object[],
      rules: [{ department: 'Suporte', category: 'Acesso' }],
      tickets: [] as object[],
    };
    for (let i = 0; i < n; i++) {
      f.customers.push({ email: `c${i}@norte.example`, name: `Cliente ${i}`, organization: 'Norte' });
      // Half go through approval into drafts (R7), half open at once: both paths inside the one transaction.
      f.tickets.push({ ref: `T-${i}`, requester: `c${i}@norte.example`, department: 'Suporte', category: i % 2 ? 'Acesso' : 'Rede', subject: `Pedido ${i}`, message: 'm' });
    }
    writeFileSync(fixture, JSON.stringify(f));
    const outcomes = await allOrNothing('seed', ['seed', fixture, '-o', 'json'], async (file) => {
      const r = await deskctl(['departments', 'list'], { env: { ...home.env, DESKCTL_DB: file } });
      expect(r.exitCode, r.stderr).toBe(0);
    }, LONG ? 8 : 2);
    // The kills landed while it ran (not after it had finished).
    expect(outcomes.filter((o) => o !== 'finished').length, outcomes.join()).toBeGreaterThan(0);
  }, 300_000);

  it('generate killed mid-way: the tenant is exactly as before or exactly generated (one transaction)', async () => {
    const outcomes = await allOrNothing(
      'generate',
      ['generate', '--tickets', '60000', '--drafts', '500', '--random-seed', 'kill', '-o', 'json'],
      async (file) => {
        const r = await deskctl(['tenants', 'list'], { env: { ...home.env, DESKCTL_DB: file } });
        expect(r.exitCode, r.stderr).toBe(0);
      },
      LONG ? 8 : 2,
    );
    expect(outcomes.filter((o) => o !== 'finished').length, outcomes.join()).toBeGreaterThan(0);
  }, 300_000);

  it('deskctl serve killed in the middle of bulk requests: each request (chunk) is all or nothing; a new server finishes the rest exactly once', async () => {
    const file = join(home.dir, 'serve-kill.db');
    copyDb(template, file);
    const env = { ...home.env, DESKCTL_DB: file };
    const token = await adminToken(env);
    let server = await serveBinary(env);
    // Requests of 2,000 drafts (DESKCTL_DECIDE_CHUNK), so that the kill falls among many of them.
    const clientEnv = (url: string) => ({ ...home.env, DESKCTL_API_URL: url, DESKCTL_TOKEN: token, DESKCTL_DECIDE_CHUNK: '2000' });
    const client = deskctl(['drafts', 'approve', '--all', '--yes', '-o', 'json'], { env: clientEnv(server.url), timeout: 300_000 });
    let ended = false;
    void client.then(() => (ended = true));
    const target = 1 + Math.floor(rand() * DRAFTS * 0.6);
    const tickets = counter(file, 'SELECT count(*) FROM tickets');
    try {
      await waitFor(() => tickets.read() >= target, () => ended);
    } finally {
      tickets.close();
    }
    server.proc.kill('SIGKILL');
    await server.proc;
    const r = await client;
    // The client cannot reach the server any more (exit 5), or had finished just before.
    expect([0, 5], r.stderr).toContain(r.exitCode);
    const state = expectDecidedExactlyOnce(file, original);
    // A request decides a chunk of 2,000 in one transaction: never a part of one.
    expect(state.approved % 2_000, `seed ${SEED}`).toBe(0);

    // One big request (10,000 drafts, one transaction) killed while in flight: all of it or none of it.
    server = await serveBinary(env);
    const big = fetch(`${server.url}/v1/tenants/default/drafts/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve', filter: {}, limit: 10_000 }),
    }).then(
      (res) => res.status,
      () => 'connection lost',
    );
    await sleep(Math.floor(rand() * 300));
    server.proc.kill('SIGKILL');
    await server.proc;
    await big;
    const mid = expectDecidedExactlyOnce(file, original);
    expect([state.approved, Math.min(DRAFTS, state.approved + 10_000)], `seed ${SEED}`).toContain(mid.approved);

    // A new server and the same command finish the rest, deciding nothing twice.
    server = await serveBinary(env);
    try {
      const rest = await deskctl(['drafts', 'approve', '--all', '--yes', '-o', 'json'], { env: clientEnv(server.url), timeout: 300_000 });
      expect(rest.exitCode, rest.stderr).toBe(0);
      expect((JSON.parse(rest.stdout) as { succeeded: number }).succeeded).toBe(mid.pending);
    } finally {
      server.proc.kill('SIGTERM');
      await server.proc;
    }
    expect(expectDecidedExactlyOnce(file, original)).toEqual({ pending: 0, approved: DRAFTS, rejected: 0 });
    expect(scalar(file, 'SELECT count(*) FROM tickets')).toBe(DRAFTS);
  }, 300_000);
});
