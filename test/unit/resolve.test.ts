import { describe, expect, it } from 'vitest';
import { memoryProfiles, type ConfigFile, type ProfileSource } from '../../src/config/profiles.js';
import { resolveTarget, type Resolution, type TargetFlags } from '../../src/config/resolve.js';

/** Two saved profiles: a local one (current) and an API one with a stored token. */
const config: ConfigFile = {
  current: 'home',
  profiles: {
    home: { db: '/p/home.db', tenant: 'acme' },
    staging: { api: 'https://staging.example', tenant: 'beta' },
    bare: { api: 'https://bare.example' },
    plain: { db: '/p/plain.db' },
  },
};
const store = memoryProfiles(config, { tokens: { staging: 'tok-staging' } });
const noCurrent = memoryProfiles({ profiles: config.profiles }, { tokens: { staging: 'tok-staging' } });
const HOME = { HOME: '/h' };
const DEFAULT_DB = '/h/.local/share/deskctl/helpdesk.db';

interface Case {
  name: string;
  flags?: TargetFlags;
  env?: Record<string, string>;
  profiles?: ProfileSource;
  expect: Partial<Resolution> | { error: RegExp };
}

// Flags beat environment variables, which beat the profile, which beats the default.
const cases: Case[] = [
  { name: 'nothing set: the default database and tenant', profiles: noCurrent, expect: { target: { kind: 'local', db: DEFAULT_DB }, tenant: 'default', profile: undefined, from: { target: 'default', tenant: 'default' } } },
  { name: 'XDG_DATA_HOME moves the default database', profiles: noCurrent, env: { XDG_DATA_HOME: '/x' }, expect: { target: { kind: 'local', db: '/x/deskctl/helpdesk.db' } } },
  { name: 'the current profile beats the default', expect: { target: { kind: 'local', db: '/p/home.db' }, tenant: 'acme', profile: 'home', from: { target: 'current profile home', tenant: 'current profile home' } } },
  { name: 'DESKCTL_DB beats the current profile, whose tenant then does not apply', env: { DESKCTL_DB: '/e.db' }, expect: { target: { kind: 'local', db: '/e.db' }, tenant: 'default', profile: undefined, from: { target: 'DESKCTL_DB', tenant: 'default' } } },
  { name: '--db beats DESKCTL_DB', flags: { db: '/f.db' }, env: { DESKCTL_DB: '/e.db' }, expect: { target: { kind: 'local', db: '/f.db' }, from: { target: '--db', tenant: 'default' } } },
  { name: 'DESKCTL_TENANT beats the current profile\'s tenant', env: { DESKCTL_TENANT: 'envt' }, expect: { target: { kind: 'local', db: '/p/home.db' }, tenant: 'envt', from: { target: 'current profile home', tenant: 'DESKCTL_TENANT' } } },
  { name: '--tenant beats DESKCTL_TENANT', flags: { tenant: 'flagt' }, env: { DESKCTL_TENANT: 'envt' }, expect: { tenant: 'flagt', from: { target: 'current profile home', tenant: '--tenant' } } },
  { name: 'DESKCTL_PROFILE beats the current profile', env: { DESKCTL_PROFILE: 'plain' }, expect: { target: { kind: 'local', db: '/p/plain.db' }, tenant: 'default', profile: 'plain', from: { target: 'DESKCTL_PROFILE=plain', tenant: 'default' } } },
  { name: 'DESKCTL_DB beats DESKCTL_PROFILE', env: { DESKCTL_PROFILE: 'plain', DESKCTL_DB: '/e.db' }, expect: { target: { kind: 'local', db: '/e.db' }, profile: undefined } },
  { name: '--profile is a flag: it beats DESKCTL_DB and DESKCTL_PROFILE', flags: { profile: 'plain' }, env: { DESKCTL_DB: '/e.db', DESKCTL_PROFILE: 'home' }, expect: { target: { kind: 'local', db: '/p/plain.db' }, profile: 'plain', from: { target: '--profile plain', tenant: 'default' } } },
  { name: '--profile\'s tenant beats DESKCTL_TENANT', flags: { profile: 'home' }, env: { DESKCTL_TENANT: 'envt' }, expect: { tenant: 'acme', from: { target: '--profile home', tenant: '--profile home' } } },
  { name: '--profile without a tenant leaves DESKCTL_TENANT in force', flags: { profile: 'plain' }, env: { DESKCTL_TENANT: 'envt' }, expect: { tenant: 'envt', from: { target: '--profile plain', tenant: 'DESKCTL_TENANT' } } },
  { name: '--tenant beats --profile\'s tenant', flags: { profile: 'home', tenant: 'flagt' }, expect: { tenant: 'flagt' } },
  { name: '--db beats --profile (and its tenant)', flags: { profile: 'home', db: '/f.db' }, expect: { target: { kind: 'local', db: '/f.db' }, tenant: 'default', profile: undefined } },
  { name: 'an API profile with its stored token', flags: { profile: 'staging' }, expect: { target: { kind: 'api', url: 'https://staging.example', token: 'tok-staging' }, tenant: 'beta', from: { target: '--profile staging', tenant: '--profile staging', token: '--profile staging' } } },
  { name: '--profile\'s stored token beats DESKCTL_TOKEN', flags: { profile: 'staging' }, env: { DESKCTL_TOKEN: 'tok-env' }, expect: { target: { kind: 'api', url: 'https://staging.example', token: 'tok-staging' } } },
  { name: 'DESKCTL_TOKEN beats the stored token of DESKCTL_PROFILE', env: { DESKCTL_PROFILE: 'staging', DESKCTL_TOKEN: 'tok-env' }, expect: { target: { kind: 'api', url: 'https://staging.example', token: 'tok-env' }, from: { target: 'DESKCTL_PROFILE=staging', tenant: 'DESKCTL_PROFILE=staging', token: 'DESKCTL_TOKEN' } } },
  { name: 'an API profile without a stored token takes DESKCTL_TOKEN', flags: { profile: 'bare' }, env: { DESKCTL_TOKEN: 'tok-env' }, expect: { target: { kind: 'api', url: 'https://bare.example', token: 'tok-env' } } },
  { name: 'an API profile with no token at all resolves without one (the command then exits 4)', flags: { profile: 'bare' }, expect: { target: { kind: 'api', url: 'https://bare.example', token: undefined }, from: { target: '--profile bare', tenant: 'default' } } },
  { name: 'DESKCTL_API_URL with DESKCTL_TOKEN', env: { DESKCTL_API_URL: 'http://127.0.0.1:8080', DESKCTL_TOKEN: 't' }, expect: { target: { kind: 'api', url: 'http://127.0.0.1:8080', token: 't' }, tenant: 'default', from: { target: 'DESKCTL_API_URL', tenant: 'default', token: 'DESKCTL_TOKEN' } } },
  { name: '--api beats the current profile', flags: { api: 'http://a.example' }, env: { DESKCTL_TOKEN: 't' }, expect: { target: { kind: 'api', url: 'http://a.example', token: 't' }, tenant: 'default' } },
  { name: 'a saved token never goes to a URL its profile does not name', flags: { api: 'https://evil.example' }, env: { DESKCTL_PROFILE: 'staging' }, expect: { target: { kind: 'api', url: 'https://evil.example', token: undefined }, tenant: 'default', profile: undefined } },
  { name: '--db with --api', flags: { db: '/f.db', api: 'http://a' }, expect: { error: /--db and --api are both set/ } },
  { name: 'DESKCTL_DB with DESKCTL_API_URL', profiles: noCurrent, env: { DESKCTL_DB: '/e.db', DESKCTL_API_URL: 'http://a' }, expect: { error: /DESKCTL_DB and DESKCTL_API_URL are both set/ } },
  { name: 'an unknown --profile, even when --db overrides it', flags: { profile: 'nope', db: '/f.db' }, expect: { error: /no profile named "nope" \(--profile\)/ } },
  { name: 'an unknown DESKCTL_PROFILE', env: { DESKCTL_PROFILE: 'nope' }, expect: { error: /no profile named "nope" \(DESKCTL_PROFILE\)/ } },
  { name: 'a current profile that was removed by hand', profiles: memoryProfiles({ current: 'gone' }), expect: { error: /current profile "gone" no longer exists/ } },
  { name: 'an --api that is not an http(s) URL', flags: { api: 'ftp://x' }, expect: { error: /--api: must be an http/ } },
  { name: 'a DESKCTL_API_URL that is not a URL', env: { DESKCTL_API_URL: 'staging' }, expect: { error: /DESKCTL_API_URL: not a URL/ } },
];

describe('target resolution: flags > environment > profile > default', () => {
  it.each(cases)('$name', (c) => {
    const run = () => resolveTarget(c.flags ?? {}, { ...HOME, ...c.env }, c.profiles ?? store);
    if ('error' in c.expect) {
      expect(run).toThrow(c.expect.error);
      return;
    }
    expect(run()).toMatchObject(c.expect);
  });

  it('reads no profile when flags and environment decide the target and tenant', () => {
    const untouchable: ProfileSource = {
      current: () => expect.unreachable('read the current profile'),
      get: () => expect.unreachable('read a profile'),
      token: () => expect.unreachable('read a token'),
      smtpUrl: () => expect.unreachable('read an SMTP URL'),
    };
    expect(resolveTarget({ db: '/f.db' }, HOME, untouchable).target).toEqual({ kind: 'local', db: '/f.db' });
    expect(resolveTarget({}, { ...HOME, DESKCTL_DB: '/e.db', DESKCTL_TENANT: 't' }, untouchable).tenant).toBe('t');
  });
});
