/** What a database target (`--db`, DESKCTL_DB, a profile's db) names, and how it is shown. */

/** `postgres://…` and `postgresql://…` name a PostgreSQL database; anything else is a SQLite file. */
export const isPostgresUrl = (target: string) => /^postgres(ql)?:\/\//i.test(target);

/**
 * A database target as it may be shown to people: a PostgreSQL URL without its password
 * (`postgres://deskctl:***@db:5432/helpdesk`); a file as it is.
 */
export function displayTarget(target: string): string {
  if (!isPostgresUrl(target)) return target;
  try {
    const u = new URL(target);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Not parseable: show only the scheme and what follows the last @ (never what precedes it).
    const at = target.lastIndexOf('@');
    return at < 0 ? target.replace(/:[^:/@]*$/, '') : `${target.slice(0, target.indexOf('://') + 3)}***@${target.slice(at + 1)}`;
  }
}

