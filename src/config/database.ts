/** What a database target (`--db`, DESKCTL_DB, a profile's db) names, and how it is shown. */

import { invalid } from '../core/errors.js';

/** `postgres://…` and `postgresql://…` name a PostgreSQL database; anything else is a SQLite file. */
export const isPostgresUrl = (target: string) => /^postgres(ql)?:\/\//i.test(target);

/**
 * Refuses a target that looks like a URL deskctl does not take (`postgres:/…`, `postgresql:host`,
 * `sqlite://…`): it is never a file made under a folder named after the scheme, with the
 * password in its path. Only its scheme is shown (the rest may hold a password).
 */
export function checkTarget(target: string): void {
  if (!isPostgresUrl(target) && /^[a-z][a-z0-9+.-]+:/i.test(target)) {
    throw invalid(`database: "${target.slice(0, target.indexOf(':') + 1)}…" is neither a PostgreSQL URL (postgres://user@host/database) nor a file path`);
  }
}

/** The URL parameters libpq and pg read secrets from. */
const SECRET_PARAMETERS = ['password', 'sslpassword', 'sslkey'];

/** Whether a PostgreSQL URL carries a password (in its user part or a parameter). */
export function hasPassword(target: string): boolean {
  if (!isPostgresUrl(target)) return false;
  try {
    const u = new URL(target);
    return u.password !== '' || SECRET_PARAMETERS.some((p) => u.searchParams.has(p));
  } catch {
    return target.includes('@');
  }
}

/**
 * A database target as it may be shown to people: a PostgreSQL URL without its password, whether
 * in the user part or a parameter (`postgres://deskctl:***@db:5432/helpdesk?password=***`); a
 * file as it is.
 */
export function displayTarget(target: string): string {
  if (!isPostgresUrl(target)) return target;
  try {
    const u = new URL(target);
    if (u.password) u.password = '***';
    for (const p of SECRET_PARAMETERS) if (u.searchParams.has(p)) u.searchParams.set(p, '***');
    return u.toString();
  } catch {
    // Not parseable: the scheme and the host part after the last @, without any parameters.
    const scheme = target.slice(0, target.indexOf('://') + 3);
    const rest = target.slice(target.lastIndexOf('@') + 1 || scheme.length).split('?')[0]!;
    return `${scheme}***@${rest}`;
  }
}

