import { DeskctlError, invalid } from '../core/errors.js';
import { defaultDbFile } from './paths.js';
import type { Profile, ProfileSource } from './profiles.js';

/** Where a command's helpdesk is: a local SQLite file, or a helpdesk HTTP API and its token. */
export type Target = { kind: 'local'; db: string } | { kind: 'api'; url: string; token?: string };

/** The global flags that choose the target. */
export interface TargetFlags {
  db?: string;
  api?: string;
  tenant?: string;
  profile?: string;
}

export interface Resolution {
  target: Target;
  tenant: string;
  /** The profile whose target is used, if any. */
  profile?: string;
  /** Where each setting came from, for people: `--db`, `DESKCTL_TENANT`, `--profile staging`, `current profile staging`, `default` ... */
  from: { target: string; tenant: string; token?: string };
}

/** One source of settings, highest first. A profile layer counts only when it supplies the target. */
interface Layer {
  label: (what: 'target' | 'tenant' | 'token') => string;
  target?: Target;
  tenant?: string;
  token?: string;
  profile?: string;
}

const set = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

export function apiUrl(url: string, from: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`${from}: not a URL (expected e.g. https://helpdesk.example.com)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid(`${from}: must be an http:// or https:// URL`);
  return url;
}

function targetOf(db: string | undefined, api: string | undefined, dbName: string, apiName: string): Target | undefined {
  if (db !== undefined && api !== undefined) throw invalid(`${dbName} and ${apiName} are both set; give one (a local database or an API)`);
  if (db !== undefined) return { kind: 'local', db };
  if (api !== undefined) return { kind: 'api', url: apiUrl(api, apiName) };
  return undefined;
}

function profileLayer(profiles: ProfileSource, name: string, how: string): Layer {
  const p: Profile | undefined = profiles.get(name);
  if (!p) {
    throw how === 'profile use'
      ? invalid(`the current profile "${name}" no longer exists; choose one with: deskctl profile use <name>`)
      : invalid(`no profile named "${name}" (${how}); see: deskctl profile list`);
  }
  const label = () => (how === 'profile use' ? `current profile ${name}` : how === '--profile' ? `--profile ${name}` : `${how}=${name}`);
  const target = targetOf(set(p.db), set(p.api), `profile "${name}": db`, `profile "${name}": api`);
  if (!target) throw new DeskctlError('precondition_failed', `profile "${name}" has neither a database nor an API URL; remove it and add it again`);
  return { label, target, tenant: set(p.tenant), token: target.kind === 'api' ? profiles.token(name) : undefined, profile: name };
}

/**
 * The one place that decides where a command goes. Highest first:
 *   1. flags: --db or --api, --tenant
 *   2. the profile named by --profile (a choice made on the command line counts as a flag)
 *   3. environment: DESKCTL_DB or DESKCTL_API_URL, DESKCTL_TENANT, DESKCTL_TOKEN
 *   4. the profile named by DESKCTL_PROFILE, else the current one (`deskctl profile use`)
 *   5. defaults: $XDG_DATA_HOME/deskctl/helpdesk.db and the tenant "default"
 * Each setting comes from the highest layer that has it, except that a profile's tenant and token
 * travel with its target: a profile whose target is overridden contributes nothing (so a saved
 * token is never sent to a URL the profile does not name). Profiles are read only when needed.
 */
export function resolveTarget(flags: TargetFlags, env: NodeJS.ProcessEnv, profiles: ProfileSource): Resolution {
  const flagTarget = targetOf(set(flags.db), set(flags.api), '--db', '--api');
  const flagProfile = set(flags.profile);
  // A profile named on the command line is checked even when --db/--api overrides it: a typo should not pass silently.
  const named = flagProfile === undefined ? undefined : profileLayer(profiles, flagProfile, '--profile');

  const layers: { isProfile: boolean; get: () => Layer | undefined }[] = [
    {
      isProfile: false,
      get: () => ({ label: (what) => (what === 'tenant' ? '--tenant' : set(flags.db) ? '--db' : '--api'), target: flagTarget, tenant: set(flags.tenant) }),
    },
    { isProfile: true, get: () => named },
    {
      isProfile: false,
      get: () => ({
        label: (what) => (what === 'tenant' ? 'DESKCTL_TENANT' : set(env.DESKCTL_DB) ? 'DESKCTL_DB' : 'DESKCTL_API_URL'),
        target: targetOf(set(env.DESKCTL_DB), set(env.DESKCTL_API_URL), 'DESKCTL_DB', 'DESKCTL_API_URL'),
        tenant: set(env.DESKCTL_TENANT),
      }),
    },
    {
      isProfile: true,
      get: () => {
        const fromEnv = set(env.DESKCTL_PROFILE);
        if (fromEnv !== undefined) return profileLayer(profiles, fromEnv, 'DESKCTL_PROFILE');
        const current = profiles.current();
        return current === undefined ? undefined : profileLayer(profiles, current, 'profile use');
      },
    },
    { isProfile: false, get: () => ({ label: () => 'default', target: { kind: 'local', db: defaultDbFile(env) }, tenant: 'default' }) },
  ];

  // The target: the highest layer that has one. A profile layer below it would not count, so it is never read.
  let owner: Layer | undefined;
  let tenantLayer: Layer | undefined;
  for (const layer of layers) {
    if (owner && layer.isProfile) continue;
    const l = layer.get();
    if (!l) continue;
    if (!owner && l.target) owner = l;
    if (!tenantLayer && l.tenant !== undefined && (!layer.isProfile || l === owner)) tenantLayer = l;
    if (owner && tenantLayer) break;
  }
  if (!owner || !tenantLayer) throw new Error('unreachable: the default layer has a target and a tenant');

  const from: Resolution['from'] = { target: owner.label('target'), tenant: tenantLayer.label('tenant') };

  let target = owner.target!;
  if (target.kind === 'api') {
    // Tokens: the profile named by --profile, then DESKCTL_TOKEN, then the target's own profile.
    const envToken = set(env.DESKCTL_TOKEN);
    const candidates: { token?: string; label: string }[] = [];
    if (named && owner === named) candidates.push({ token: named.token, label: named.label('token') });
    candidates.push({ token: envToken, label: 'DESKCTL_TOKEN' });
    if (owner.profile !== undefined && owner !== named) candidates.push({ token: owner.token, label: owner.label('token') });
    const tok = candidates.find((c) => c.token !== undefined);
    target = { kind: 'api', url: target.url, token: tok?.token };
    if (tok) from.token = tok.label;
  }
  return { target, tenant: tenantLayer.tenant!, profile: owner.profile, from };
}

/** The error for an API target without a token (exit 4). */
export function missingToken(r: Resolution): DeskctlError {
  const t = r.target as { url: string };
  const hint = r.profile
    ? `save one with: deskctl profile add ${r.profile} --api ${t.url} --token-stdin --force < token-file, or set DESKCTL_TOKEN`
    : 'set DESKCTL_TOKEN, or save the API in a profile: deskctl profile add NAME --api URL --token-stdin';
  return new DeskctlError('unauthenticated', `no token for the API at ${t.url} (target from ${r.from.target}); ${hint}`);
}
