import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DeskctlError } from '../core/errors.js';
import { CONFIG_FILE, CREDENTIALS_FILE } from './paths.js';

/** A saved target: a local database or an API URL, plus an optional tenant. The token is kept apart. */
export interface Profile {
  db?: string;
  api?: string;
  tenant?: string;
}

/** What config.json holds (written by conf; see store.ts). */
export interface ConfigFile {
  current?: string;
  profiles?: Record<string, Profile>;
}

/**
 * What credentials.json (mode 0600) holds, by profile name: the tokens of API profiles, and the
 * SMTP URLs (with their passwords) saved with `deskctl profile set-smtp`.
 */
export interface CredentialsFile {
  tokens?: Record<string, string>;
  smtp?: Record<string, string>;
}

/** Read access to the saved profiles: what target resolution needs, and nothing more. */
export interface ProfileSource {
  /** The profile chosen with `deskctl profile use`, if any. */
  current(): string | undefined;
  get(name: string): Profile | undefined;
  /** The stored token of an API profile. */
  token(name: string): string | undefined;
  /** The SMTP URL stored for a profile (src/config/smtp.ts reads it). */
  smtpUrl(name: string): string | undefined;
}

export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const PROFILE_NAME_RULE = 'a profile name is 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit';

const own = <T>(record: Record<string, T> | undefined, key: string): T | undefined =>
  record && Object.hasOwn(record, key) ? record[key] : undefined;

/** Profiles kept in memory (tests, and the resolution table). */
export function memoryProfiles(config: ConfigFile = {}, credentials: CredentialsFile = {}): ProfileSource {
  return {
    current: () => config.current,
    get: (name) => own(config.profiles, name),
    token: (name) => own(credentials.tokens, name),
    smtpUrl: (name) => own(credentials.smtp, name),
  };
}

function readJson<T>(file: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DeskctlError('precondition_failed', `cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as T;
  } catch {
    // reported below
  }
  throw new DeskctlError('precondition_failed', `${file} is not a valid deskctl configuration file (fix or remove it)`);
}

/**
 * The saved profiles, read straight from the files conf writes. Every command resolves its target
 * through this, so it is deliberately tiny: loading conf itself (and its JSON-schema validator)
 * would cost more than the rest of a command's start-up. The files are read only when needed.
 */
export class FileProfiles implements ProfileSource {
  private config?: ConfigFile;
  private credentials?: CredentialsFile;

  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  private cfg(): ConfigFile {
    this.config ??= readJson<ConfigFile>(join(this.dir, CONFIG_FILE)) ?? {};
    return this.config;
  }

  current(): string | undefined {
    const c = this.cfg().current;
    return typeof c === 'string' && c ? c : undefined;
  }

  get(name: string): Profile | undefined {
    return own(this.cfg().profiles, name);
  }

  names(): string[] {
    return Object.keys(this.cfg().profiles ?? {}).sort((a, b) => a.localeCompare(b));
  }

  token(name: string): string | undefined {
    const t = own(this.creds().tokens, name);
    return typeof t === 'string' && t ? t : undefined;
  }

  smtpUrl(name: string): string | undefined {
    const u = own(this.creds().smtp, name);
    return typeof u === 'string' && u ? u : undefined;
  }

  private creds(): CredentialsFile {
    if (!this.credentials) {
      const file = join(this.dir, CREDENTIALS_FILE);
      this.credentials = readJson<CredentialsFile>(file) ?? {};
      try {
        if (process.platform !== 'win32' && statSync(file).mode & 0o077) {
          this.warn(`${file} can be read by other users; run: chmod 600 ${file}`);
        }
      } catch {
        // no file: nothing to warn about
      }
    }
    return this.credentials;
  }
}
