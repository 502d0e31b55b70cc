/*
 * Vitest's global set-up: a throwaway PostgreSQL cluster for the PostgreSQL backends of the suites
 * (initdb and pg_ctl from the installed server binaries, a free port on 127.0.0.1, a temp folder
 * removed afterwards), or the server DESKCTL_TEST_PG_URL names. A template database holds
 * deskctl's migrated schema, so each test's fresh database is a copy of it.
 *
 * Where no PostgreSQL binaries are installed, the PostgreSQL suites are skipped, loudly.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPostgresStore } from '../../src/store/postgres.js';

export const TEMPLATE = 'deskctl_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The admin URL of the test cluster (its `postgres` database), or '' without PostgreSQL. */
    pgUrl: string;
  }
}

/** The folder of initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin. */
function serverBinaries(): string | null {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return join(onPath, '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
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
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-pg-'));
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
  const asRoot = userInfo().uid === 0;
  const as = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  const data = join(dir, 'data');
  const port = await freePort();
  const run = (cmd: string, args: string[]) => {
    const [c, a] = as(join(bin, cmd), args);
    const r = spawnSync(c, a, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await prepareTemplate(url);
  } catch (e) {
    run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  project.provide('pgUrl', url);
  return async () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
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
