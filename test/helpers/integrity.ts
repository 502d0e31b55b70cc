import { expect } from 'vitest';
import { openDatabase } from '../../src/store/sqlite.js';
import { isPostgresUrl } from '../../src/config/database.js';
import { psql } from './postgres.js';
import { execa } from 'execa';
import { BIN, deskctl } from './bin.js';

/** A small seeded PRNG (mulberry32): random moments that can be replayed from the seed a failure prints. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: DESKCTL_TEST_SEED replays one, otherwise a new one each run. */
export const SEED = Number(process.env.DESKCTL_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));

export const LONG = process.env.DESKCTL_LONG_TESTS === '1';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens a database read-write (so a crashed writer's WAL is recovered), runs `fn`, closes it. */
export function withDb<T>(file: string, fn: (db: ReturnType<typeof openDatabase>) => T): T {
  const db = openDatabase(file);
  try {
    db.pragma('busy_timeout = 15000');
    return fn(db);
  } finally {
    db.close();
  }
}

/** A clean single-file copy of a database (VACUUM INTO): the template every run starts from. */
export function copyDb(from: string, to: string): void {
  withDb(from, (db) => db.prepare('VACUUM INTO ?').run(to));
}

/** The rows of a query on either store (a SQLite file, or a PostgreSQL URL through psql). */
export function rows<T = Record<string, unknown>>(file: string, query: string): T[] {
  if (isPostgresUrl(file)) return JSON.parse(psql(file, `SELECT coalesce(json_agg(q), '[]') FROM (${query}) q`)) as T[];
  return withDb(file, (db) => db.prepare(query).all() as T[]);
}
const firstColumn = (r: Record<string, unknown>) => Object.values(r)[0] as number;

/** `PRAGMA integrity_check` and `foreign_key_check` both clean (PostgreSQL checks its references on every write). */
export function expectIntact(file: string): void {
  if (isPostgresUrl(file)) return;
  withDb(file, (db) => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
}

export const ids = (file: string, sql: string): number[] => rows(file, sql).map(firstColumn);
export const scalar = (file: string, sql: string): number => Number(firstColumn(rows(file, sql)[0]!));

/**
 * The invariant of bulk decisions, whatever happened to the process deciding them: every draft of
 * `original` is either still pending, or was approved into exactly one ticket (with its decision
 * record, its draft_approved and ticket_opened notifications and its draft.approve audit row), or
 * was rejected exactly once (decision record, draft_rejected notification, draft.reject audit
 * row) — none lost, none doubled — and the database is intact.
 */
export function expectDecidedExactlyOnce(file: string, original: number[]): { pending: number; approved: number; rejected: number } {
  expectIntact(file);
  const col = (sql: string) => ids(file, sql);
  const one = (sql: string) => scalar(file, sql);
  /** How many times each value occurs (counted here rather than by correlated subqueries, which have no index to use). */
  const tally = (values: unknown[]) => values.reduce<Map<string, number>>((m, v) => m.set(String(v), (m.get(String(v)) ?? 0) + 1), new Map());
  const pending = col('SELECT id FROM drafts ORDER BY id');
  const tickets = rows<{ id: number; draft_id: number }>(file, 'SELECT id, draft_id FROM tickets WHERE draft_id IS NOT NULL ORDER BY draft_id');
  const approved = tickets.map((t) => t.draft_id);
  const rejected = col("SELECT draft_id FROM draft_decisions WHERE decision = 'rejected' ORDER BY draft_id");
  // None doubled: a draft became at most one ticket, and is in exactly one of the three sets.
  expect(new Set(approved).size, 'a draft became two tickets').toBe(approved.length);
  expect(new Set(rejected).size, 'a draft was rejected twice').toBe(rejected.length);
  const all = [...pending, ...approved, ...rejected].sort((a, b) => a - b);
  // None lost: together they are exactly the drafts we started with.
  expect(all).toEqual([...original].sort((a, b) => a - b));
  // Each approval carries its decision record, its two notifications and its audit row — exactly one of each.
  const decisions = rows<{ draft_id: number; ticket_id: number }>(file, "SELECT draft_id, ticket_id FROM draft_decisions WHERE decision = 'approved'");
  expect(decisions.length).toBe(approved.length);
  const decidedAs = new Map(decisions.map((d) => [d.draft_id, d.ticket_id]));
  const notes = rows<{ kind: string; ref_id: number }>(file, "SELECT kind, ref_id FROM notifications WHERE ref_type = 'ticket' AND kind IN ('draft_approved', 'ticket_opened')");
  const perTicket = tally(notes.map((n) => `${n.kind}:${n.ref_id}`));
  const audited = tally(col("SELECT entity_id FROM audit WHERE action = 'draft.approve'"));
  for (const t of tickets) {
    expect(decidedAs.get(t.draft_id), `decision record of draft ${t.draft_id}`).toBe(t.id);
    expect(perTicket.get(`draft_approved:${t.id}`) ?? 0, `draft_approved of ticket ${t.id}`).toBe(1);
    expect(perTicket.get(`ticket_opened:${t.id}`) ?? 0, `ticket_opened of ticket ${t.id}`).toBe(1);
    expect(audited.get(String(t.draft_id)) ?? 0, `draft.approve audit of draft ${t.draft_id}`).toBe(1);
  }
  expect(one("SELECT count(*) FROM notifications WHERE kind = 'draft_approved'")).toBe(approved.length);
  expect(one("SELECT count(*) FROM audit WHERE action = 'draft.approve'")).toBe(approved.length);
  expect(one("SELECT count(*) FROM notifications WHERE kind = 'draft_rejected'")).toBe(rejected.length);
  expect(one("SELECT count(*) FROM audit WHERE action = 'draft.reject'")).toBe(rejected.length);
  // Protocols stay unique per tenant.
  expect(one('SELECT count(*) FROM (SELECT tenant_id, protocol FROM tickets GROUP BY 1, 2 HAVING count(*) > 1) d')).toBe(0);
  return { pending: pending.length, approved: approved.length, rejected: rejected.length };
}

/** Polls `probe` every few milliseconds until it returns true or the process ends; bounded by `timeoutMs`. */
export async function waitFor(probe: () => boolean, ended: () => boolean, timeoutMs = 120_000): Promise<boolean> {
  // performance.now(): a monotonic clock (the wall clock of a CI machine may jump).
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (ended()) return false;
    try {
      if (probe()) return true;
    } catch {
      // the database may be busy for a moment (a checkpoint); look again
    }
    await sleep(3);
  }
  return false;
}

/** A template database of `n` pending drafts made by `deskctl generate --tickets 0 --drafts n` (organizations with managers). */
export async function draftsTemplate(env: Record<string, string>, file: string, n: number): Promise<number[]> {
  const r = await deskctl(['generate', '--tickets', '0', '--drafts', String(n), '--random-seed', 'crash'], { env: { ...env, DESKCTL_DB: file } });
  if (r.exitCode !== 0) throw new Error(`generate: ${r.stderr}`);
  const made = ids(file, 'SELECT id FROM drafts ORDER BY id');
  expect(made).toHaveLength(n);
  return made;
}

/** `deskctl serve` from the built binary on a free loopback port, with extra options; resolves once it listens. */
export async function serveBinary(env: Record<string, string>, args: string[] = []) {
  const proc = execa('node', [BIN, 'serve', '--port', '0', '--log-level', 'warn', '--rate-limit', '1000000', ...args], {
    env,
    extendEnv: true,
    reject: false,
    stdin: 'ignore',
    timeout: 600_000,
  });
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (b: Buffer) => {
      seen += b.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(seen);
      if (m) resolve(m[1]!);
    });
    void proc.then((r) => reject(new Error(`deskctl serve exited ${r.exitCode ?? r.signal}: ${seen}`)));
  });
  return { proc, url, output: () => seen };
}

/** An admin token for the tenant, made by `deskctl tokens create`. */
export async function adminToken(env: Record<string, string>, name = `t${Math.random().toString(36).slice(2)}`): Promise<string> {
  const r = await deskctl(['tokens', 'create', '--name', name, '--role', 'admin'], { env });
  if (r.exitCode !== 0) throw new Error(`tokens create: ${r.stderr}`);
  return r.stdout.trim();
}
