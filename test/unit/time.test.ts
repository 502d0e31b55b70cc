import { describe, expect, it } from 'vitest';
import { isoFormatter } from '../../src/core/time.js';

describe('isoFormatter', () => {
  const iso = isoFormatter();
  const same = (ms: number) => expect(iso(ms)).toBe(new Date(ms).toISOString());

  it('equals toISOString around day, month, year and leap-day boundaries', () => {
    for (const at of ['1970-01-01T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z']) {
      const ms = Date.parse(at);
      for (let d = -2_000; d <= 2_000; d += 1) same(ms + d);
      for (let d = -48; d <= 48; d++) same(ms + d * 3_600_000 + 7);
    }
  });

  it('equals toISOString across DST changes (the output is UTC, whatever the local clock did)', () => {
    for (const at of ['2026-03-08T07:00:00.000Z', '2026-11-01T06:00:00.000Z', '2018-11-04T03:00:00.000Z']) {
      const ms = Date.parse(at);
      for (let d = -7_200_000; d <= 7_200_000; d += 60_001) same(ms + d);
    }
  });

  it('equals toISOString for instants before 1970 and in any order', () => {
    let x = 123_456_789;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
      same(Math.floor((x / 2_147_483_648) * 4e12) - 1e12);
    }
  });

  it('cuts a fraction of a millisecond off as a Date does (a due time of forecastHours 0.3333333), never "undefined"', () => {
    const base = Date.parse('2026-01-01T10:00:00.000Z');
    for (const hours of [0.3333333, 0.1234567, 1 / 3, 2.5]) same(base + hours * 3_600_000);
    for (const ms of [1.5, -1.5, 999.9999, -0.25]) same(ms);
  });
});
