/** What a database target (`--db`, DESKCTL_DB, a profile's db) names, and how it is shown. */

/** `postgres://…` and `postgresql://…` name a PostgreSQL database; anything else is a SQLite file. */
export const isPostgresUrl = (target: string) => /^postgres(ql)?:\/\//i.test(target);

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

