/*
 * Time-zone arithmetic for statistics. SQLite knows no time zones, so the engine asks this module
 * for the zone's UTC offsets over the range of the data (a handful of segments between DST
 * transitions) and turns them into a CASE expression: set-based and fast, and right on both sides
 * of a transition.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in whole minutes (e.g. -180 for America/Sao_Paulo today). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The UTC instant at which a local calendar date (YYYY-MM-DD) begins in the zone. */
export function localMidnight(date: string, timeZone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  let t = guess - offsetMinutes(guess, timeZone) * 60_000;
  t = guess - offsetMinutes(t, timeZone) * 60_000;
  // A zone that skips midnight (a DST jump at 00:00) begins the day at the first instant after the gap.
  if (new Date(t + offsetMinutes(t, timeZone) * 60_000).toISOString().slice(0, 10) !== date) {
    t = guess - offsetMinutes(guess, timeZone) * 60_000;
  }
  return new Date(t);
}

/** The date after a YYYY-MM-DD date. */
export const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export interface OffsetSegment {
  /** The segment ends (exclusive) at this UTC instant, as an ISO string; null for the last one. */
  until: string | null;
  offsetMinutes: number;
}

/**
 * The zone's offsets between two instants: one segment per stretch of constant offset, ending at
 * each transition (found to the second by bisection). A zone without DST yields one segment.
 */
export function offsetSegments(fromMs: number, toMs: number, timeZone: string): OffsetSegment[] {
  const DAY = 86_400_000;
  const segments: OffsetSegment[] = [];
  let t = Math.floor(fromMs / 60_000) * 60_000;
  let current = offsetMinutes(t, timeZone);
  while (t < toMs) {
    const next = Math.min(t + DAY, toMs);
    const o = offsetMinutes(next, timeZone);
    if (o !== current) {
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetMinutes(mid, timeZone) === current) lo = mid;
        else hi = mid;
      }
      segments.push({ until: new Date(hi).toISOString(), offsetMinutes: current });
      current = o;
    }
    t = next;
  }
  segments.push({ until: null, offsetMinutes: current });
  return segments;
}
