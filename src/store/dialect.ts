import { sql, type Kysely, type RawBuilder } from 'kysely';
import { offsetSegments } from '../core/periods.js';
import type { DB } from './types.js';

/** A calendar period of the statistics (R23), in the tenant's zone. */
export type Period = 'day' | 'week' | 'month';

/** The instants a statistics query covers ([from, to), ISO strings or open). */
export interface TimeRange {
  from: string | null;
  to: string | null;
}

/**
 * The SQL that SQLite and PostgreSQL spell differently, one function per concern. Everything else
 * the engine writes is SQL both understand (Kysely's builder, or raw SQL kept to the common part).
 */
export interface Dialect {
  /** A list of ids bound as ONE parameter, as the operand of `IN` (a chunk of 10,000 ids is one value, not 10,000). */
  ids(ids: readonly number[]): RawBuilder<number>;
  /** The same for texts (fixture refs). */
  texts(values: readonly string[]): RawBuilder<string>;
  /** An ISO-8601 instant bound as a parameter, typed as the store's time columns are. */
  instant(iso: string): RawBuilder<string>;
  /** Hours from `earlier` to `later` (two instants), as a fractional number. */
  hoursBetween(later: RawBuilder<unknown>, earlier: RawBuilder<unknown>): RawBuilder<number>;
  /** A JSON object as text, from keys and SQL values (audit details built inside a statement). */
  jsonObject(entries: readonly [key: string, value: RawBuilder<unknown>][]): RawBuilder<string>;
  /** The protocol `<year>-<seq padded to 6>` (R17) from an SQL integer expression. */
  protocol(year: number, seq: RawBuilder<unknown>): RawBuilder<string>;
  /**
   * How an instant is named as a period of the tenant's zone (`2026-11-02`, `2026-W45`,
   * `2026-11`), right across DST. SQLite knows no zones, so its version reads the range of the
   * tenant's ticket times first; PostgreSQL converts with AT TIME ZONE.
   */
  localPeriods(db: Kysely<DB>, tenantId: number, timeZone: string, range: TimeRange, nowMs: number): Promise<(period: Period, ts: RawBuilder<unknown>) => RawBuilder<string>>;
  /**
   * A text to sort by, byte by byte (SQLite's order): PostgreSQL would otherwise sort by the
   * database's collation (`en_US`: case and accents folded), and the two stores' lists would differ.
   */
  orderText(value: RawBuilder<unknown>): RawBuilder<unknown>;
  /**
   * Sets the page cache of the connection for one job (SQLite: `PRAGMA cache_size`; PostgreSQL's
   * buffers are the server's, so nothing); the function returned puts the setting back.
   */
  pageCache(db: Kysely<DB>, kib: number): Promise<() => Promise<void>>;
}

const SQLITE_PERIOD_FORMAT: Record<Period, string> = { day: '%Y-%m-%d', week: '%G-W%V', month: '%Y-%m' };

export const sqliteDialect: Dialect = {
  ids: (ids) => sql<number>`(SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  texts: (values) => sql<string>`(SELECT value FROM json_each(${JSON.stringify(values)}))`,
  instant: (iso) => sql<string>`${iso}`,
  hoursBetween: (later, earlier) => sql<number>`((julianday(${later}) - julianday(${earlier})) * 24)`,
  jsonObject: (entries) => sql<string>`json_object(${sql.join(entries.flatMap(([k, v]) => [sql.lit(k), v]))})`,
  protocol: (year, seq) => sql<string>`printf('%d-%06d', ${year}, ${seq})`,
  orderText: (value) => value,
  async localPeriods(db, tenantId, timeZone, range, nowMs) {
    // The zone's UTC offsets over the data's range are a few segments between DST transitions,
    // written as a CASE of strftime modifiers ('-180 minutes').
    const bounds = await db
      .selectFrom('tickets')
      .select((eb) => [eb.fn.min('created_at').as('lo'), eb.fn.max('created_at').as('hi')])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    const known = (xs: (string | null | undefined)[]) => xs.filter((x): x is string => Boolean(x)).map(Date.parse);
    const lo = Math.min(nowMs, ...known([bounds?.lo, range.from])) - 2 * 86_400_000;
    const hi = Math.max(nowMs, ...known([bounds?.hi, range.to])) + 400 * 86_400_000;
    const segments = offsetSegments(lo, hi, timeZone);
    const mod = (minutes: number) => `${minutes >= 0 ? '+' : ''}${minutes} minutes`;
    const modifier =
      segments.length === 1
        ? () => sql`${mod(segments[0]!.offsetMinutes)}`
        : (ts: RawBuilder<unknown>) =>
            sql`CASE ${sql.join(
              segments.map((s) => (s.until === null ? sql`ELSE ${mod(s.offsetMinutes)}` : sql`WHEN ${ts} < ${s.until} THEN ${mod(s.offsetMinutes)}`)),
              sql` `,
            )} END`;
    return (period, ts) => sql<string>`strftime(${SQLITE_PERIOD_FORMAT[period]}, ${ts}, ${modifier(ts)})`;
  },
  async pageCache(db, kib) {
    const before = (await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(db)).rows[0]?.cache_size ?? -2000;
    await sql.raw(`PRAGMA cache_size = ${-Math.trunc(kib)}`).execute(db);
    return async () => {
      await sql.raw(`PRAGMA cache_size = ${Math.trunc(before)}`).execute(db);
    };
  },
};

const POSTGRES_PERIOD_FORMAT: Record<Period, string> = { day: 'YYYY-MM-DD', week: 'IYYY-"W"IW', month: 'YYYY-MM' };

export const postgresDialect: Dialect = {
  // pg sends a JavaScript array as one array literal.
  ids: (ids) => sql<number>`(SELECT unnest(CAST(${ids} AS bigint[])))`,
  texts: (values) => sql<string>`(SELECT unnest(CAST(${values} AS text[])))`,
  instant: (iso) => sql<string>`CAST(${iso} AS timestamptz)`,
  hoursBetween: (later, earlier) => sql<number>`(extract(epoch FROM (${later} - ${earlier})) / 3600)`,
  jsonObject: (entries) => sql<string>`CAST(json_build_object(${sql.join(entries.flatMap(([k, v]) => [sql.lit(k), v]))}) AS text)`,
  protocol: (year, seq) => sql<string>`(${sql.lit(String(year))} || '-' || lpad(CAST(${seq} AS text), 6, '0'))`,
  orderText: (value) => sql`${value} COLLATE "C"`,
  async localPeriods(_db, _tenantId, timeZone) {
    return (period, ts) => sql<string>`to_char(${ts} AT TIME ZONE ${sql.lit(timeZone)}, ${sql.lit(POSTGRES_PERIOD_FORMAT[period])})`;
  },
  async pageCache() {
    return async () => undefined;
  },
};
