import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { serverBinaries } from '../../scripts/pg-cluster.mjs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { TEMPLATE } from '../setup/postgres.js';


/** The test cluster's admin URL, or '' where no PostgreSQL is available (its suites are skipped). */
export const pgAdminUrl: string = inject('pgUrl') ?? '';
export const hasPostgres = pgAdminUrl !== '';

/** The URL of another database on the test cluster. */
export function databaseUrl(name: string): string {
  const u = new URL(pgAdminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** psql beside the server binaries (Debian's /usr/bin/psql is a Perl wrapper that costs a start of its own). */
const PSQL = ((bin) => (bin && existsSync(join(bin, 'psql')) ? join(bin, 'psql') : 'psql'))(serverBinaries());

/** Runs SQL through psql and returns its unaligned output (the tests' synchronous look into a database). */
export function psql(url: string, query: string): string {
  const r = spawnSync(PSQL, [url, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}

/** A new database with deskctl's schema (a copy of the template); dispose() drops it. */
export async function freshPgDatabase(): Promise<{ url: string; dispose(): Promise<void> }> {
  const name = `t_${randomUUID().replace(/-/g, '')}`;
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE} STRATEGY FILE_COPY`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(name),
    async dispose() {
      const c = new pg.Client({ connectionString: pgAdminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

const tablesOf = new Map<string, string[]>();

/**
 * A fingerprint of every row of every table of deskctl's schema, in one query (the rate-limit
 * counters excepted: they count requests, refused ones too, and hold no data).
 */
export function pgFingerprint(url: string): string {
  let tables = tablesOf.get(url);
  if (!tables) {
    tables = psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('rate_limits') ORDER BY tablename").split('\n');
    tablesOf.set(url, tables);
  }
  const rows = tables.map((t) => `SELECT '${t}:' || row_to_json(x)::text AS r FROM "${t}" x`).join(' UNION ALL ');
  return psql(url, `SELECT md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) FROM (${rows}) s`);
}
