import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { inject } from 'vitest';

const TEMPLATE = 'deskctl_template';

/** The test cluster's admin URL, or '' where no PostgreSQL is available (its suites are skipped). */
export const pgAdminUrl: string = inject('pgUrl') ?? '';
export const hasPostgres = pgAdminUrl !== '';

/** The URL of another database on the test cluster. */
export function databaseUrl(name: string): string {
  const u = new URL(pgAdminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs SQL through psql and returns its unaligned output (the tests' synchronous look into a database). */
export function psql(url: string, query: string): string {
  const r = spawnSync('psql', [url, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8', maxBuffer: 1 << 30 });
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
