import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { expect } from 'vitest';
import type { Engine } from './backends.js';
import { freshPgDatabase, hasPostgres } from './postgres.js';

export const BIN = fileURLToPath(new URL('../../bin/deskctl.cjs', import.meta.url));

const SHARED_CACHE = join(tmpdir(), 'deskctl-test-cache');

/** A temporary home for one end-to-end run: its own HOME, XDG dirs and database. */
export function tempHome(): { dir: string; db: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-e2e-'));
  return {
    dir,
    db: join(dir, 'helpdesk.db'),
    env: {
      HOME: dir,
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      // The built CLI's code caches are shared by every run of the tests, as by a user's runs.
      XDG_CACHE_HOME: SHARED_CACHE,
      NO_COLOR: '1',
    },
  };
}

/** Runs the built binary (bin/deskctl.cjs over dist/) as a user would, never throwing on a non-zero exit. */
export function deskctl(args: string[], o: { env?: Record<string, string>; input?: string; timeout?: number } = {}) {
  return execa('node', [BIN, ...args], {
    env: o.env,
    extendEnv: true,
    input: o.input,
    stdin: o.input === undefined ? 'ignore' : 'pipe',
    reject: false,
    timeout: o.timeout ?? 60_000,
    // A run past its time is killed outright: one stuck in a loop would never see a SIGTERM.
    killSignal: 'SIGKILL',
    stripFinalNewline: false,
  });
}

/** Runs the binary and parses its stdout as JSON (the command must succeed). */
export async function deskctlJson<T = unknown>(args: string[], o: { env?: Record<string, string>; input?: string } = {}): Promise<T> {
  const r = await deskctl([...args, '-o', 'json'], o);
  if (r.exitCode !== 0) throw new Error(`deskctl ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export type Running = ResultPromise;

/**
 * Starts `deskctl serve` (the built binary) on 127.0.0.1 and a free port over the database in
 * `env`, with an admin token for the tenant made by `tokens create`; `args`: more flags of serve.
 */
export async function startServer(env: Record<string, string>, tenant = 'default', args: string[] = []): Promise<{ url: string; token: string; proc: ReturnType<typeof deskctl> }> {
  const made = await deskctl(['--tenant', tenant, 'tokens', 'create', '--name', `e2e-${Date.now()}`, '--role', 'admin'], { env });
  if (made.exitCode !== 0) throw new Error(`tokens create: ${made.stderr}`);
  const token = made.stdout.trim();
  const proc = execa('node', [BIN, 'serve', '--port', '0', '--log-level', 'warn', ...args], { env, extendEnv: true, reject: false, stdin: 'ignore', timeout: 300_000 });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    proc.stderr!.on('data', (b: Buffer) => {
      seen += b.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(seen);
      if (m) resolve(m[1]!);
    });
    void proc.then((r) => reject(new Error(`deskctl serve exited ${r.exitCode}: ${seen}`)));
  });
  return { url, token, proc };
}

/** The four places an end-to-end story runs: locally and against `deskctl serve`, on SQLite and on PostgreSQL. */
export const E2E_TARGETS = (hasPostgres ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const)).flatMap((engine) => (['local', 'remote'] as const).map((target) => ({ target, engine })));

/**
 * One end-to-end story's helpdesk: a temporary home and database (a file, or a fresh PostgreSQL
 * database), and for `remote` a `deskctl serve` over it with an admin token. `run`, `json` and `ok`
 * call the built binary against it; `open()` in a beforeAll, `close()` in an afterAll (it answers
 * the server's exit code, null locally).
 */
export function e2eHelpdesk(o: { target: 'local' | 'remote'; engine: Engine }, extraEnv: Record<string, string> = {}) {
  const home = tempHome();
  const local: Record<string, string> = { ...home.env, DESKCTL_DB: home.db, ...extraEnv };
  let server: ReturnType<typeof deskctl> | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  const h = {
    home,
    /** What the commands run with (the API's URL and token for `remote`). */
    env: local,
    /** The environment of the database itself (what `deskctl serve` runs with). */
    local,
    run: (...args: string[]) => deskctl(args, { env: h.env }),
    json: <T>(...args: string[]) => deskctlJson<T>(args, { env: h.env }),
    async ok(...args: string[]) {
      const r = await h.run(...args);
      expect(r.exitCode, `deskctl ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    },
    async open(): Promise<void> {
      if (o.engine === 'postgres') {
        const made = await freshPgDatabase();
        local.DESKCTL_DB = made.url;
        dropDatabase = made.dispose;
      }
      if (o.target === 'remote') {
        const { url, token, proc } = await startServer(local);
        server = proc;
        h.env = { ...home.env, ...extraEnv, DESKCTL_API_URL: url, DESKCTL_TOKEN: token };
      }
    },
    async close(): Promise<number | null> {
      await dropDatabase?.();
      if (!server) return null;
      server.kill('SIGTERM');
      return (await server).exitCode ?? null;
    },
  };
  return h;
}
