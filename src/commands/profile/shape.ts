import type { Profile } from '../../config/profiles.js';
import { displayTarget } from '../../config/database.js';
import { redactUrl } from '../../config/smtp.js';

/** A profile as deskctl prints it: never its token, only whether one is stored; its SMTP URL without the password. */
export interface ProfileView {
  name: string;
  current: boolean;
  kind: 'local' | 'api';
  db: string | null;
  api: string | null;
  tenant: string | null;
  tokenSet: boolean;
  /** The SMTP URL saved with `profile set-smtp`, its password shown as ***. */
  smtp: string | null;
}

export function view(name: string, p: Profile, current: boolean, tokenSet: boolean, smtpUrl?: string): ProfileView {
  return {
    name,
    current,
    kind: p.api ? 'api' : 'local',
    db: p.db === undefined ? null : displayTarget(p.db),
    api: p.api ?? null,
    tenant: p.tenant ?? null,
    tokenSet: p.api ? tokenSet : false,
    smtp: smtpUrl === undefined ? null : redactUrl(smtpUrl),
  };
}

export const tokenText = (v: ProfileView) => (v.kind === 'local' ? '-' : v.tokenSet ? 'set' : 'not set');
export const targetText = (v: ProfileView) => (v.kind === 'local' ? v.db! : v.api!);
