/*
 * Vitest's global set-up: a throwaway PostgreSQL cluster for the PostgreSQL backends of the suites
 * (initdb and pg_ctl from the installed server binaries, a free port on 127.0.0.1, a temp folder
 * removed afterwards), or the server DESKCTL_TEST_PG_URL names. A template database holds
 * deskctl's migrated schema, so each test's fresh database is a copy of it.
 *
 * Where no PostgreSQL binaries are installed, the PostgreSQL suites are skipped, loudly.
 */
import type { TestProject } from 'vitest/node';
import { serverBinaries, startCluster } from '../../scripts/pg-cluster.mjs';
import { openPostgresStore } from '../../src/store/postgres.js';

export const TEMPLATE = 'deskctl_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The admin URL of the test cluster (its `postgres` database), or '' without PostgreSQL. */
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.DESKCTL_TEST_PG_URL;
  if (given) {
    await prepareTemplate(given);
    project.provide('pgUrl', given);
    return async () => undefined;
  }
  const bin = serverBinaries();
  if (!bin) {
    process.stderr.write(
      '\n*** No PostgreSQL server binaries (initdb, pg_ctl) found: the PostgreSQL backends are SKIPPED. ***\n' +
        '*** Install Debian\'s postgresql package, or set DESKCTL_TEST_PG_URL to a server to test against. ***\n\n',
    );
    project.provide('pgUrl', '');
    return async () => undefined;
  }
  const cluster = await startCluster(bin, ['max_connections=300']);
  try {
    await prepareTemplate(cluster.url);
  } catch (e) {
    cluster.stop();
    throw e;
  }
  project.provide('pgUrl', cluster.url);
  return async () => cluster.stop();
}

/** The template database every test's database is copied from: deskctl's schema, migrated once. */
async function prepareTemplate(adminUrl: string): Promise<void> {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${TEMPLATE}`;
  const store = await openPostgresStore(u.toString());
  await store.close();
}
