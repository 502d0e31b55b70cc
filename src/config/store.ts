import { chmodSync, mkdirSync } from 'node:fs';
import Conf from 'conf';
import { DeskctlError } from '../core/errors.js';
import { configDir, CREDENTIALS_FILE } from './paths.js';
import { memoryProfiles, type ConfigFile, type CredentialsFile, type Profile, type ProfileSource } from './profiles.js';

const PROFILE_SCHEMA = {
  type: 'object',
  properties: { db: { type: 'string' }, api: { type: 'string' }, tenant: { type: 'string' } },
  additionalProperties: false,
} as const;

export interface ProfileEntry {
  name: string;
  profile: Profile;
  current: boolean;
  /** Whether a token is stored for it (the token itself never leaves the store through this). */
  tokenSet: boolean;
  /** Its SMTP URL (`profile set-smtp`), password included: shown only through redactUrl(). */
  smtpUrl?: string;
}

function wrap<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DeskctlError) throw e;
    throw new DeskctlError('precondition_failed', `${file}: ${(e as Error).message} (fix or remove the file)`);
  }
}

/**
 * The saved profiles, written with conf: $XDG_CONFIG_HOME/deskctl/config.json (profiles and the
 * current one) and credentials.json (tokens, mode 0600, plain text). Only `deskctl profile` loads
 * this; every other command reads the same files through the light FileProfiles.
 */
export class ProfileStore {
  private readonly config: Conf<ConfigFile>;
  private readonly credentials: Conf<CredentialsFile>;

  private constructor(readonly dir: string) {
    // The directory holds a secret: only its owner may enter it (conf would create it 0777 & umask).
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.config = wrap(`${dir}/config.json`, () =>
      new Conf<ConfigFile>({
        cwd: dir,
        configName: 'config',
        accessPropertiesByDotNotation: false,
        schema: { current: { type: 'string' }, profiles: { type: 'object', additionalProperties: PROFILE_SCHEMA } },
      }),
    );
    this.credentials = wrap(this.credentialsPath, () =>
      new Conf<CredentialsFile>({
        cwd: dir,
        configName: 'credentials',
        accessPropertiesByDotNotation: false,
        configFileMode: 0o600,
        schema: { tokens: { type: 'object', additionalProperties: { type: 'string' } }, smtp: { type: 'object', additionalProperties: { type: 'string' } } },
      }),
    );
  }

  static open(env: NodeJS.ProcessEnv): ProfileStore {
    return new ProfileStore(configDir(env));
  }

  get configPath(): string {
    return this.config.path;
  }

  get credentialsPath(): string {
    return `${this.dir}/${CREDENTIALS_FILE}`;
  }

  private profiles(): Record<string, Profile> {
    return wrap(this.configPath, () => ({ ...(this.config.get('profiles') ?? {}) }));
  }

  private tokens(): Record<string, string> {
    return wrap(this.credentialsPath, () => ({ ...(this.credentials.get('tokens') ?? {}) }));
  }

  private smtpUrls(): Record<string, string> {
    return wrap(this.credentialsPath, () => ({ ...(this.credentials.get('smtp') ?? {}) }));
  }

  /** The SMTP URL stored for a profile, password included (never print it: redactUrl()). */
  smtpUrl(name: string): string | undefined {
    const all = this.smtpUrls();
    return Object.hasOwn(all, name) ? all[name] : undefined;
  }

  /** Stores (or, with undefined, removes) a profile's SMTP URL in credentials.json (mode 0600). */
  setSmtpUrl(name: string, url: string | undefined): 'set' | 'replaced' | 'removed' | 'unchanged' {
    const all = this.smtpUrls();
    const before = Object.hasOwn(all, name) ? all[name] : undefined;
    if (before === url) return 'unchanged';
    if (url === undefined) delete all[name];
    else all[name] = url;
    this.writeCredentials('smtp', all);
    return url === undefined ? 'removed' : before === undefined ? 'set' : 'replaced';
  }

  current(): string | undefined {
    return wrap(this.configPath, () => this.config.get('current'));
  }

  get(name: string): Profile | undefined {
    const all = this.profiles();
    return Object.hasOwn(all, name) ? all[name] : undefined;
  }

  hasToken(name: string): boolean {
    return Object.hasOwn(this.tokens(), name);
  }

  list(): ProfileEntry[] {
    const current = this.current();
    const tokens = this.tokens();
    const smtp = this.smtpUrls();
    return Object.entries(this.profiles())
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, profile]) => ({
        name,
        profile,
        current: name === current,
        tokenSet: Object.hasOwn(tokens, name),
        ...(Object.hasOwn(smtp, name) ? { smtpUrl: smtp[name] } : {}),
      }));
  }

  /** Saves a profile (and its token, when given); says whether anything changed. */
  save(name: string, profile: Profile, token: string | undefined): 'added' | 'replaced' | 'unchanged' {
    const profiles = this.profiles();
    const tokens = this.tokens();
    const before = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
    const sameProfile = before !== undefined && JSON.stringify(before) === JSON.stringify(profile);
    const sameToken = Object.hasOwn(tokens, name) ? tokens[name] === token : token === undefined;
    if (sameProfile && sameToken) return 'unchanged';
    if (token !== undefined) {
      tokens[name] = token;
      this.writeTokens(tokens);
    } else if (Object.hasOwn(tokens, name)) {
      delete tokens[name];
      this.writeTokens(tokens);
    }
    profiles[name] = profile;
    wrap(this.configPath, () => this.config.set('profiles', profiles));
    return before === undefined ? 'added' : 'replaced';
  }

  use(name: string | undefined): void {
    wrap(this.configPath, () => (name === undefined ? this.config.delete('current') : this.config.set('current', name)));
  }

  /** Removes a profile, its token and its SMTP URL; clears the current profile if it was this one. */
  remove(name: string): { wasCurrent: boolean; hadToken: boolean; hadSmtpUrl: boolean } {
    const profiles = this.profiles();
    delete profiles[name];
    const wasCurrent = this.current() === name;
    wrap(this.configPath, () => {
      this.config.set('profiles', profiles);
      if (wasCurrent) this.config.delete('current');
    });
    const tokens = this.tokens();
    const hadToken = Object.hasOwn(tokens, name);
    if (hadToken) {
      delete tokens[name];
      this.writeTokens(tokens);
    }
    const hadSmtpUrl = this.setSmtpUrl(name, undefined) === 'removed';
    return { wasCurrent, hadToken, hadSmtpUrl };
  }

  private writeTokens(tokens: Record<string, string>): void {
    this.writeCredentials('tokens', tokens);
  }

  private writeCredentials(key: keyof CredentialsFile, value: Record<string, string>): void {
    wrap(this.credentialsPath, () => {
      this.credentials.set(key, value);
      // conf creates the file 0600; make sure an older or hand-made file is tightened too.
      chmodSync(this.credentialsPath, 0o600);
    });
  }

  /** The same store as resolution sees it (for `profile show` without a name). */
  source(): ProfileSource {
    return memoryProfiles({ current: this.current(), profiles: this.profiles() }, { tokens: this.tokens(), smtp: this.smtpUrls() });
  }
}
