import type { Profile } from '../../config/profiles.js';
import { displayTarget } from '../../config/database.js';

/** A profile as deskctl prints it: never its token, only whether one is stored. */
export interface ProfileView {
  name: string;
  current: boolean;
  kind: 'local' | 'api';
  db: string | null;
  api: string | null;
  tenant: string | null;
  tokenSet: boolean;
}

export function view(name: string, p: Profile, current: boolean, tokenSet: boolean): ProfileView {
  return {
    name,
    current,
    kind: p.api ? 'api' : 'local',
    db: p.db === undefined ? null : displayTarget(p.db),
    api: p.api ?? null,
    tenant: p.tenant ?? null,
    tokenSet: p.api ? tokenSet : false,
  };
}

export const tokenText = (v: ProfileView) => (v.kind === 'local' ? '-' : v.tokenSet ? 'set' : 'not set');
export const targetText = (v: ProfileView) => (v.kind === 'local' ? v.db! : v.api!);
