import { existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** $HOME from the run's environment (so tests can isolate it), the OS's idea of home otherwise. */
function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/** Where profiles and credentials live: $XDG_CONFIG_HOME/deskctl, i.e. ~/.config/deskctl. */
export function configDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(home(env), '.config'), 'deskctl');
}

/** The embedded default database: $XDG_DATA_HOME/deskctl/helpdesk.db, i.e. ~/.local/share/deskctl/helpdesk.db. */
export function defaultDbFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_DATA_HOME || join(home(env), '.local', 'share'), 'deskctl', 'helpdesk.db');
}

/** Compiled-code caches of the built CLI: $XDG_CACHE_HOME/deskctl/code, i.e. ~/.cache/deskctl/code. */
export function codeCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(home(env), '.cache'), 'deskctl', 'code');
}

export const CONFIG_FILE = 'config.json';
export const CREDENTIALS_FILE = 'credentials.json';

/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns on a file system that
 * refuses new entries with ENOENT, such as /proc (`--db /proc/x/h.db` hung the CLI). A folder
 * another process made in the meantime is fine. `mode` (before the umask) for each folder it makes.
 */
export function makeDirectories(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d, mode === undefined ? undefined : { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
}
