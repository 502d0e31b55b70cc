import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { engines, type Engine } from '../helpers/backends.js';
import { BIN, deskctl, deskctlJson, tempHome } from '../helpers/bin.js';
import { count, fingerprint } from '../helpers/db.js';
import { expectIntact, sleep } from '../helpers/integrity.js';
import { freshPgDatabase, hasPostgres, psql } from '../helpers/postgres.js';
import { openDatabase } from '../../src/store/sqlite.js';

/*
 * `deskctl generate` through the built binary, on each store: deterministic rows (the same on
 * SQLite and PostgreSQL for the same seed and clock), realistic shapes, references that hold,
 * sequences left past every id it wrote (later creates and approvals work), all or nothing when
 * interrupted, and bad input refused without writing.
 */
const NOW = '2026-11-02T12:00:00.000Z';
const ARGS = ['generate', '--orgs', '12', '--customers', '150', '--tickets', '3000', '--drafts', '25'];

/** A database for one run: a file in a temp home, or a fresh database on the test cluster. */
async function database(engine: Engine): Promise<{ db: string; env: Record<string, string>; dispose(): Promise<void> }> {
  const home = tempHome();
  if (engine === 'sqlite') return { db: home.db, env: { ...home.env, DESKCTL_DB: home.db, DESKCTL_NOW: NOW }, dispose: async () => undefined };
  const made = await freshPgDatabase();
  return { db: made.url, env: { ...home.env, DESKCTL_DB: made.url, DESKCTL_NOW: NOW }, dispose: made.dispose };
}

/** Rows no generated ticket may be (R9, and every column in its place), in each store's SQL. */
const BROKEN_TICKETS: Record<Engine, string[]> = {
  sqlite: [
    "channel = 'email' AND category_id IS NOT NULL",
    'solved_at < created_at OR closed_at < created_at',
    "(status IN ('solved', 'closed')) != (solved_at IS NOT NULL) OR (status = 'closed') != (closed_at IS NOT NULL)",
    'rating IS NOT NULL AND solved_at IS NULL',
    'rating NOT BETWEEN 1 AND 5',
    "visibility = 'internal' AND channel != 'agent'",
    "channel NOT IN ('panel', 'email', 'whatsapp', 'api', 'app', 'agent')",
    'round((julianday(due_at) - julianday(created_at)) * 24, 6) != 24',
    'updated_at != coalesce(closed_at, solved_at, created_at)',
    "protocol NOT GLOB substr(created_at, 1, 4) || '-[0-9][0-9][0-9][0-9][0-9][0-9]'",
    "created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'",
    "message != subject || '. Chamado sintético ' || (id - (SELECT min(id) FROM tickets) + 1) || '.'",
  ],
  postgres: [
    "channel = 'email' AND category_id IS NOT NULL",
    'solved_at < created_at OR closed_at < created_at',
    "(status IN ('solved', 'closed')) != (solved_at IS NOT NULL) OR (status = 'closed') != (closed_at IS NOT NULL)",
    'rating IS NOT NULL AND solved_at IS NULL',
    'rating NOT BETWEEN 1 AND 5',
    "visibility = 'internal' AND channel != 'agent'",
    "channel NOT IN ('panel', 'email', 'whatsapp', 'api', 'app', 'agent')",
    "due_at - created_at != interval '24 hours'",
    'updated_at != coalesce(closed_at, solved_at, created_at)',
    "protocol !~ ('^' || extract(year FROM created_at AT TIME ZONE 'UTC') || '-[0-9]{6}$')",
    "message != subject || '. Chamado sintético ' || (id - (SELECT min(id) FROM tickets) + 1) || '.'",
  ],
};

/** References the schema does not declare (a decision's ticket) or that SQLite's bulk load did not check one by one. */
const DANGLING = [
  "SELECT count(*) FROM draft_decisions d WHERE d.decision = 'approved' AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = d.ticket_id AND t.draft_id = d.draft_id)",
  'SELECT count(*) FROM tickets t WHERE t.draft_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM draft_decisions d WHERE d.draft_id = t.draft_id)',
  'SELECT count(*) FROM drafts WHERE id IN (SELECT draft_id FROM draft_decisions)',
  'SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = t.requester_id)',
  'SELECT count(*) FROM tickets t WHERE t.agent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = t.agent_id)',
  'SELECT count(*) FROM customers c WHERE c.organization_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = c.organization_id)',
];
/** One value of a query on a SQLite file, read-only. */
function readScalar(db: string, query: string): unknown {
  const d = openDatabase(db, { readonly: true });
  try {
    return d.prepare(query).pluck().get();
  } finally {
    d.close();
  }
}

const runs = new Map<Engine, { db: string; env: Record<string, string>; dispose(): Promise<void>; report: Record<string, number | string> }[]>();

beforeAll(async () => {
  // Three databases per store: seeds a, a and b.
  await Promise.all(
    engines.map(async (engine) => {
      const made = await Promise.all([database(engine), database(engine), database(engine)]);
      const results = await Promise.all(made.map((m, i) => deskctl([...ARGS, '--random-seed', i < 2 ? 'a' : 'b', '-o', 'json'], { env: m.env })));
      for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
      runs.set(
        engine,
        made.map((m, i) => ({ ...m, report: JSON.parse(results[i]!.stdout) })),
      );
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const list of runs.values()) for (const r of list) await r.dispose();
});

/** What the CLI shows of every generated row (lists and statistics), as text. */
async function shown(env: Record<string, string>): Promise<string> {
  const out = await Promise.all(
    [['tickets', 'list', '-o', 'json'], ['customers', 'list', '-o', 'csv'], ['orgs', 'list', '-o', 'csv'], ['drafts', 'list', '-o', 'json'], ['stats', 'export', '--by', 'department,month', '--format', 'csv']].map((a) =>
      deskctl(a, { env }),
    ),
  );
  for (const r of out) expect(r.exitCode, r.stderr).toBe(0);
  return out.map((r) => r.stdout).join('\n');
}

describe.each(engines)('e2e: deskctl generate on %s', (engine) => {
  const run = (i: number) => runs.get(engine)![i]!;

  it('is deterministic: the same seed and clock give the same rows, another seed other rows', async () => {
    expect(run(0).report).toEqual(run(1).report);
    const [a, b, c] = await Promise.all([shown(run(0).env), shown(run(1).env), shown(run(2).env)]);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('has realistic shapes: branches, managers, every status, ratings, pending and decided drafts, and one audit row per kind', async () => {
    const { db, report } = run(0);
    const yes = engine === 'sqlite' ? '1' : 'true';
    expect(report).toMatchObject({ organizations: 12, customers: 150, tickets: 3000, drafts: 25 });
    expect(count(db, 'organizations', 'parent_id IS NOT NULL')).toBeGreaterThan(0);
    expect(count(db, 'customers', `is_manager = ${yes}`)).toBeGreaterThan(0);
    for (const s of ['open', 'in_progress', 'waiting', 'solved', 'closed']) expect(count(db, 'tickets', `status = '${s}'`), s).toBeGreaterThan(0);
    expect(count(db, 'tickets', 'rating IS NOT NULL')).toBeGreaterThan(0);
    expect(count(db, 'tickets', "visibility = 'internal'")).toBeGreaterThan(0);
    for (const broken of BROKEN_TICKETS[engine]) expect(count(db, 'tickets', broken), broken).toBe(0);
    expect(count(db, 'draft_decisions', "decision = 'approved'")).toBe(count(db, 'tickets', 'draft_id IS NOT NULL'));
    expect(count(db, 'draft_decisions', "decision = 'rejected'")).toBeGreaterThan(0);
    expect(count(db, 'audit')).toBeLessThan(12);
    // Months of history in the statistics, summing to every ticket.
    const months = await deskctlJson<{ month: string; opened: number }[]>(['stats', 'export', '--by', 'month', '--format', 'json'], { env: run(0).env });
    expect(months.length).toBeGreaterThanOrEqual(12);
    expect(months.reduce((n, m) => n + m.opened, 0)).toBe(3000);
  });

  it('writes only references that hold (decisions to their tickets, tickets to their people)', () => {
    const { db } = run(0);
    // SQLite's load skips the per-row foreign-key lookups: the whole file must pass the check anyway.
    if (engine === 'sqlite') expectIntact(db);
    for (const q of DANGLING) expect(engine === 'sqlite' ? Number(readScalar(db, q)) : Number(psql(db, q)), q).toBe(0);
  });

  it('leaves every sequence past the ids it wrote: a new ticket, a new draft and approving every draft work afterwards', async () => {
    const { db, env, dispose } = await database(engine);
    try {
      const g = await deskctl([...ARGS, '--random-seed', 'seq'], { env });
      expect(g.exitCode, g.stderr).toBe(0);
      const decided = count(db, 'draft_decisions');
      const customers = await deskctlJson<{ email: string; organization: string | null; manager: boolean; active: boolean }[]>(['customers', 'list'], { env });
      const eligible = customers.find((c) => c.organization && !c.manager && c.active)!.email;
      const t = await deskctl(['tickets', 'create', '--requester', customers[0]!.email, '--department', 'Suporte', '--subject', 's', '--message', 'm', '--channel', 'agent', '-o', 'json'], { env });
      expect(t.exitCode, t.stderr).toBe(0);
      // A new draft never takes the id of a decided one.
      const made = await deskctl(['seed', '-'], { env, input: `drafts:\n  - { ref: N-1, requester: ${eligible}, department: Suporte, subject: s, message: m }\n` });
      expect(made.exitCode, made.stderr).toBe(0);
      expect(count(db, 'drafts')).toBe(26);
      expect(count(db, 'drafts', 'id IN (SELECT draft_id FROM draft_decisions)')).toBe(0);
      const approved = await deskctl(['drafts', 'approve', '--all', '--yes', '-o', 'json'], { env });
      expect(approved.exitCode, approved.stderr).toBe(0);
      expect(count(db, 'drafts')).toBe(0);
      expect(count(db, 'draft_decisions')).toBe(decided + 26);
      expect(count(db, 'tickets')).toBe(3000 + 1 + 26);
      expect(count(db, 'tickets', 'protocol IN (SELECT protocol FROM tickets GROUP BY protocol HAVING count(*) > 1)')).toBe(0);
    } finally {
      await dispose();
    }
  });

  it('refuses a clock whose year of history would leave the years 0000 to 9999, writing nothing', async () => {
    const { db, env, dispose } = await database(engine);
    try {
      const late = { ...env, DESKCTL_NOW: '9999-12-31T12:00:00.000Z' };
      expect((await deskctl(['tenants', 'list'], { env: late })).exitCode).toBe(0);
      const before = fingerprint(db);
      const r = await deskctl(['generate', '--tickets', '10', '--customers', '5', '--orgs', '1', '--drafts', '0'], { env: late });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/^error: generate writes a year of history up to now: .* within the years 0000 to 9999\n$/);
      expect(fingerprint(db)).toBe(before);
    } finally {
      await dispose();
    }
  });

  it('fills only an empty tenant, and refuses otherwise (and bad input) without writing', async () => {
    const { db, env } = run(2);
    const before = fingerprint(db);
    const r = await deskctl(['generate', '--tickets', '10'], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/generate fills an empty tenant/);
    const bad = await deskctl(['generate', '--tickets', '-5'], { env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('error: tickets: must not be negative\n');
    expect(fingerprint(db)).toBe(before);
  });
});

describe.runIf(hasPostgres)('e2e: deskctl generate, SQLite and PostgreSQL', () => {
  it('gives the same rows on both stores for the same seed and clock', async () => {
    const [sqlite, postgres] = await Promise.all([shown(runs.get('sqlite')![0]!.env), shown(runs.get('postgres')![0]!.env)]);
    expect(postgres).toBe(sqlite);
    expect(runs.get('postgres')![0]!.report).toEqual(runs.get('sqlite')![0]!.report);
  });

  /** Starts a large generate, waits until its COPY of tickets is loading rows, then signals it. */
  async function interrupted(signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL') {
    const { db, env, dispose } = await database('postgres');
    try {
      expect((await deskctl(['tenants', 'list'], { env })).exitCode).toBe(0);
      const before = fingerprint(db);
      const proc = execa('node', [BIN, 'generate', '--tickets', '2000000', '--customers', '2000'], { env, extendEnv: true, reject: false, stdin: 'ignore', timeout: 300_000 });
      let ended = false;
      void proc.then(() => (ended = true));
      const name = new URL(db).pathname.slice(1);
      // PostgreSQL's own progress view: the tickets' COPY has rows in (in the uncommitted transaction).
      let loading = false;
      while (!ended && !loading) {
        await sleep(50);
        loading = Number(psql(db, `SELECT count(*) FROM pg_stat_progress_copy p JOIN pg_database d ON d.oid = p.datid WHERE d.datname = '${name}' AND p.relid = 'tickets'::regclass AND p.tuples_processed > 0`)) > 0;
      }
      expect(loading, 'the generate ended before its tickets were loading').toBe(true);
      proc.kill(signal);
      const r = await proc;
      if (signal === 'SIGKILL') expect(r.signal).toBe('SIGKILL');
      else {
        expect(r.exitCode, r.stderr).toBe(130);
        expect(r.stderr).toMatch(/interrupted: nothing was generated \(the transaction was rolled back\)/);
      }
      // Nothing of it is left (the server drops the transaction of a connection that went away).
      for (let i = 0; i < 100 && Number(psql(db, `SELECT count(*) FROM pg_stat_activity WHERE datname = '${name}' AND application_name = 'deskctl'`)) > 0; i++) await sleep(50);
      expect(fingerprint(db)).toBe(before);
      // And the database takes a generate afterwards.
      const again = await deskctl([...ARGS, '--random-seed', 'again'], { env });
      expect(again.exitCode, again.stderr).toBe(0);
      expect(count(db, 'tickets')).toBe(3000);
    } finally {
      await dispose();
    }
  }

  it('Ctrl-C (SIGINT) in the middle of the load rolls it back: nothing written', () => interrupted('SIGINT'), 300_000);
  it('SIGTERM in the middle of the load rolls it back: nothing written', () => interrupted('SIGTERM'), 300_000);
  it('kill -9 in the middle of the load leaves nothing either (one transaction)', () => interrupted('SIGKILL'), 300_000);
});
