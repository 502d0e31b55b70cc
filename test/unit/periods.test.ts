import { describe, expect, it } from 'vitest';
import { localMidnight, offsetMinutes, offsetSegments } from '../../src/core/periods.js';

describe("R23: periods in the tenant's time zone", () => {
  it('a zone without DST is one segment', () => {
    expect(offsetSegments(Date.parse('2020-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'), 'UTC')).toEqual([{ until: null, offsetMinutes: 0 }]);
    // Brazil has had no DST since 2019.
    expect(offsetSegments(Date.parse('2025-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'), 'America/Sao_Paulo')).toEqual([{ until: null, offsetMinutes: -180 }]);
  });

  it('DST transitions are found to the second (New York, 2026)', () => {
    expect(offsetSegments(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-12-31T00:00:00Z'), 'America/New_York')).toEqual([
      { until: '2026-03-08T07:00:00.000Z', offsetMinutes: -300 },
      { until: '2026-11-01T06:00:00.000Z', offsetMinutes: -240 },
      { until: null, offsetMinutes: -300 },
    ]);
  });

  it('São Paulo when it still had DST: the day that skipped midnight begins at 01:00 local', () => {
    const segments = offsetSegments(Date.parse('2018-10-01T00:00:00Z'), Date.parse('2019-03-01T00:00:00Z'), 'America/Sao_Paulo');
    expect(segments).toEqual([
      { until: '2018-11-04T03:00:00.000Z', offsetMinutes: -180 },
      { until: '2019-02-17T02:00:00.000Z', offsetMinutes: -120 },
      { until: null, offsetMinutes: -180 },
    ]);
    expect(localMidnight('2018-11-04', 'America/Sao_Paulo').toISOString()).toBe('2018-11-04T03:00:00.000Z');
    expect(localMidnight('2018-11-05', 'America/Sao_Paulo').toISOString()).toBe('2018-11-05T02:00:00.000Z');
  });

  it('local midnight and offsets east and west of UTC', () => {
    expect(localMidnight('2026-10-01', 'America/Sao_Paulo').toISOString()).toBe('2026-10-01T03:00:00.000Z');
    expect(localMidnight('2026-10-01', 'Asia/Kolkata').toISOString()).toBe('2026-09-30T18:30:00.000Z');
    expect(localMidnight('2026-10-01', 'Pacific/Kiritimati').toISOString()).toBe('2026-09-30T10:00:00.000Z');
    expect(offsetMinutes(Date.parse('2026-07-01T00:00:00Z'), 'Europe/Lisbon')).toBe(60);
  });
});
