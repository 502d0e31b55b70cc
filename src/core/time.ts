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

const DAY_MS = 86_400_000;
const pad2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const pad3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * toISOString for the years 0 to 9999, several times faster: a bulk load formats millions of
 * instants, most of them on a few hundred days, so the date part is looked up per day and only the
 * time of day is built. A fraction of a millisecond is cut off, as a Date does.
 */
export function isoFormatter(): (ms: number) => string {
  const dates = new Map<number, string>();
  return (instant) => {
    const ms = Math.trunc(instant);
    const day = Math.floor(ms / DAY_MS);
    let date = dates.get(day);
    if (date === undefined) {
      date = new Date(day * DAY_MS).toISOString().slice(0, 11);
      dates.set(day, date);
    }
    const t = ms - day * DAY_MS;
    const seconds = Math.floor(t / 1000);
    return `${date}${pad2[Math.floor(seconds / 3600)]}:${pad2[Math.floor(seconds / 60) % 60]}:${pad2[seconds % 60]}.${pad3[t - seconds * 1000]}Z`;
  };
}

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
