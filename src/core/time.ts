import { localMidnight } from './periods.js';

/** The current time; DESKCTL_NOW (an ISO-8601 instant) pins it for tests and reproducible runs. */
export function now(env: NodeJS.ProcessEnv = process.env): Date {
  const pinned = env.DESKCTL_NOW;
  if (pinned) {
    const d = new Date(pinned);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return new Date();
}

export const iso = (d: Date): string => d.toISOString();

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/**
 * The UTC instants [start, end) of the local day that contains `instant` in `timeZone` (R18 "due
 * today"): from one local midnight to the next, so DST days of 23 or 25 hours work.
 */
export function localDayBounds(instant: Date, timeZone: string): { start: Date; end: Date } {
  const day = localDate(instant, timeZone);
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 36 * 3_600_000);
  return { start: localMidnight(day, timeZone), end: localMidnight(localDate(next, 'UTC'), timeZone) };
}
