import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ticketQuery, draftQuery } from '../../src/engine/views.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { LONG } from '../helpers/integrity.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/load.mjs', import.meta.url));

interface LoadReport {
  requests: number;
  errors: number;
  throughput: number;
  p50ms: number;
  p99ms: number;
  decided: number;
  pendingAfter: number;
  consistent: boolean;
  kinds: { kind: string; requests: number; errors: number }[];
  examples: string[];
}

/**
 * The load test (scripts/load.mjs; `node scripts/load.mjs` for the full run whose figures the
 * README records), short: a fixed number of mixed reads and bulk decisions over several
 * connections to `deskctl serve` on loopback. No error is allowed and every draft is decided at
 * most once; no time is asserted (the figures depend on the machine).
 */
describe('e2e: load on deskctl serve', () => {
  it('a bounded mix of reads and bulk decisions from several connections: zero errors, each draft decided at most once', async () => {
    const args = LONG ? [] : ['--requests', '600', '--connections', '6', '--tickets', '3000', '--drafts', '3000'];
    const r = await execa('node', [SCRIPT, ...args, '--json'], { reject: false, timeout: 600_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as LoadReport;
    expect(report.examples).toEqual([]);
    expect(report.errors).toBe(0);
    expect(report.requests).toBe(LONG ? 5000 : 600);
    expect(report.kinds.find((k) => k.kind === 'all')!.requests).toBe(report.requests);
    // Every kind of request took part.
    for (const k of report.kinds) expect(k.requests, k.kind).toBeGreaterThan(0);
    expect(report.decided).toBeGreaterThan(0);
    expect(report.consistent).toBe(true);
    expect(report.throughput).toBeGreaterThan(0);
    expect(report.p99ms).toBeGreaterThanOrEqual(report.p50ms);
  }, 600_000);

  it('a page of tickets or drafts reads the tenant in id order: SQLite never sorts all of a tenant for one page', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const raw = (q: { compile(): { sql: string; parameters: readonly unknown[] } }) => q.compile();
      for (const q of [
        raw(ticketQuery(store.db, 1).orderBy('t.id').where('t.id', '>', 100).limit(100)),
        raw(draftQuery(store.db, 1).orderBy('dr.id').where('dr.id', '>', 100).limit(100)),
      ]) {
        const { rows } = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]));
        const plan = rows.map((r) => r.detail).join('\n');
        expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
      }
    } finally {
      await store.close();
    }
  });
});
