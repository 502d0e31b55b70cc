import { homedir } from 'node:os';
import { join } from 'node:path';

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

export const CONFIG_FILE = 'config.json';
export const CREDENTIALS_FILE = 'credentials.json';
