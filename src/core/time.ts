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
 * today"). Found by measuring the zone's offset at local midnight, so DST days of 23 or 25 hours work.
 */
export function localDayBounds(instant: Date, timeZone: string): { start: Date; end: Date } {
  const day = localDate(instant, timeZone);
  const start = zonedMidnight(day, timeZone);
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 36 * 3_600_000);
  const end = zonedMidnight(localDate(next, 'UTC'), timeZone);
  return { start, end };
}

function zonedMidnight(day: string, timeZone: string): Date {
  const utcGuess = Date.parse(`${day}T00:00:00Z`);
  let t = utcGuess - offsetMs(new Date(utcGuess), timeZone);
  t = utcGuess - offsetMs(new Date(t), timeZone);
  return new Date(t);
}

function offsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}
