import pg from 'pg';
import Cursor from 'pg-cursor';
import { from as copyFrom } from 'pg-copy-streams';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import { DeskctlError } from '../core/errors.js';
import { postgresDialect } from './dialect.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { displayTarget } from '../config/database.js';
import type { BulkLoad, OpenOptions, Store, Tx } from './store.js';
import type { DB } from './types.js';

/*
 * The PostgreSQL store. Any number of deskctl processes (CLIs and `deskctl serve` instances) may
 * use one database at once:
 * - every write transaction of a tenant first takes that tenant's transaction-scoped advisory lock,
 *   so a tenant's use cases run one after another across all servers, exactly as SQLite's single
 *   writer runs them (what one sees, the next sees changed: a draft decided once, a protocol
 *   number used once, an Idempotency-Key stored once); reads never wait, and tenants write in
 *   parallel;
 * - a transaction that still loses a serialization race or a deadlock is run again, a few times;
 * - migrations run once, under an advisory lock of their own, whoever starts first.
 * Rows read back as the engine's row shapes: bigint ids and counts as numbers (refusing what a
 * number cannot hold exactly), booleans as 1/0 as on SQLite, times as ISO-8601 UTC strings.
 */

/**
 * deskctl's advisory locks are one bigint each: 'desk' in the high 32 bits, and in the low ones
 * the tenant id (0 for writes of no tenant, 2^32 - 1 for migrations).
 */
const LOCK_CLASS = 0x6465736bn << 32n;
const MIGRATION_LOCK = String(LOCK_CLASS + 0xffffffffn);
function tenantLock(tenant: number | null): string {
  if (tenant !== null && (!Number.isSafeInteger(tenant) || tenant < 1 || tenant >= 0xffffffff)) throw new DeskctlError('internal', `no lock for tenant id ${tenant}`);
  return String(LOCK_CLASS + BigInt(tenant ?? 0));
}
const MAX_ATTEMPTS = 5;

/** PostgreSQL's answers a transaction may be retried after: serialization_failure, deadlock_detected. */
const RETRYABLE = new Set(['40001', '40P01']);

export async function openPostgresStore(url: string, options: OpenOptions = {}): Promise<Store> {
  const shown = displayTarget(url);
  // A URL that does not parse is the user's typo (exit 2), not an unreachable server.
  try {
    const u = new URL(url);
    if (u.port !== '' && !/^\d+$/.test(u.port)) throw new Error('port');
  } catch {
    throw new DeskctlError('invalid_input', `database URL: not a valid PostgreSQL URL (${shown}); expected postgres://user@host:5432/database, with a password's special characters percent-encoded`);
  }
  const waitMs = options.busyTimeoutMs ?? 15_000;
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({
      connectionString: url,
      max: 10,
      application_name: 'deskctl',
      // Times are written and read in UTC, ISO style, whatever the server's defaults.
      options: '-c TimeZone=UTC -c DateStyle=ISO',
      types: { getTypeParser: typeParser },
      Client: InputCheckedClient,
      connectionTimeoutMillis: waitMs,
    } as pg.PoolConfig);
  } catch (e) {
    throw unavailable(shown, e);
  }
  // A connection that breaks while idle in the pool is an event, not a crash of the process.
  pool.on('error', () => undefined);
  // A pool with no connection free within the wait (every one busy) is `unavailable`, as a lock
  // held past it is, for reads as for writes.
  const waitingPool = {
    connect: () =>
      pool.connect().catch((e: unknown) =>
        Promise.reject(
          isPoolTimeout(e)
            ? new DeskctlError('unavailable', `the database ${shown} had no connection free for ${waitMs / 1000} s; try again`)
            : unreachable(e)
              ? unavailable(shown, e)
              : e,
        ),
      ),
    end: () => pool.end(),
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: waitingPool as unknown as pg.Pool, cursor: Cursor }) });
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy().catch(() => undefined);
    throw e instanceof DeskctlError ? e : unavailable(shown, e);
  }

  /** The bulk loads of each transaction still open: abandoned when its function throws, before the ROLLBACK. */
  const loads = new WeakMap<Tx, Set<CopyLoad>>();
  // A tenant's writers in this process take turns before they take a pooled connection: at most
  // one connection per tenant waits on the tenant's lock, so a queue of writers never holds the
  // pool that reads, authentication, rate limits and /readyz need.
  const turns = new Map<number | null, Promise<void>>();
  const inTurn = <T>(tenant: number | null, fn: () => Promise<T>): Promise<T> => {
    const before = turns.get(tenant) ?? Promise.resolve();
    let done!: () => void;
    const mine = before.then(() => new Promise<void>((r) => (done = r)));
    turns.set(tenant, mine);
    return before.then(fn).finally(() => {
      done();
      if (turns.get(tenant) === mine) turns.delete(tenant);
    });
  };
  const transaction = <T>(fn: (tx: Tx) => Promise<T>, tenant: number | null, attempts: number): Promise<T> => inTurn(tenant, () => attempt(fn, tenant, attempts));
  const attempt = async <T>(fn: (tx: Tx) => Promise<T>, tenant: number | null, attempts: number, lock = true): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(async (tx) => {
          await sql`SELECT set_config('lock_timeout', ${`${waitMs}ms`}, true)`.execute(tx);
          if (lock) await sql`SELECT pg_advisory_xact_lock(CAST(${tenantLock(tenant)} AS bigint))`.execute(tx);
          const open = new Set<CopyLoad>();
          loads.set(tx, open);
          let result: T;
          try {
            result = await fn(tx);
          } catch (e) {
            // The connection is in COPY mode until its COPY ends: fail it, so that ROLLBACK can run.
            await Promise.all([...open].map((l) => l.abandon(e)));
            throw e;
          }
          if (open.size) {
            await Promise.all([...open].map((l) => l.abandon(new Error('a bulk load was left open'))));
            throw new DeskctlError('internal', `a bulk load into ${[...open].map((l) => l.table).join(', ')} was left open; nothing was written`);
          }
          return result;
        });
      } catch (e) {
        const code = pgCode(e);
        if (code && RETRYABLE.has(code) && attempt < attempts) {
          await new Promise((r) => setTimeout(r, 10 * 2 ** attempt * Math.random()));
          continue;
        }
        throw translate(e, shown, waitMs);
      }
    }
  };

  return {
    engine: 'postgres',
    db,
    dialect: postgresDialect,
    write: (fn, tenant) => transaction(fn, tenant, MAX_ATTEMPTS),
    // PostgreSQL checks each reference against an index it keeps hot; there is nothing to switch
    // off. A bulk load is not run again (its progress and its minutes would start over): a lost
    // race is reported, and nothing of it was written.
    trustedWrite: (fn, tenant) => transaction(fn, tenant, 1),
    // The outbox's claims and marks: row locks (FOR UPDATE SKIP LOCKED) are all they need, and a
    // dispatcher never waits behind a tenant's bulk decision.
    rowWrite: (fn) => attempt(fn, null, MAX_ATTEMPTS, false),
    bulkLoad(tx, table, columns) {
      const open = loads.get(tx);
      if (!open) throw new Error('bulkLoad runs inside store.write()');
      const load = new CopyLoad(tx, table, columns, () => open.delete(load));
      open.add(load);
      return load;
    },
    async reserveIds(_tx, table, count) {
      if (count <= 0) return [];
      // On a connection of its own, not the transaction's: nextval is never undone, so the ids are
      // this caller's whatever happens to the transaction, and a COPY open on the transaction's
      // connection does not hold the reservation up.
      const rows = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence(${table}, 'id')) AS id FROM generate_series(1, ${count})`.execute(db);
      return rows.rows.map((r) => r.id);
    },
    rateLimits: {
      async hit(key, windowMs) {
        // One statement, atomic on every server: a window that has ended starts again at 1.
        const row = (
          await sql<{ hits: number; ttl: number }>`
            INSERT INTO rate_limits AS r (key, window_start, hits) VALUES (${key}, now(), 1)
            ON CONFLICT (key) DO UPDATE SET
              hits = CASE WHEN r.window_start + CAST(${windowMs} AS double precision) * interval '1 millisecond' <= now() THEN 1 ELSE r.hits + 1 END,
              window_start = CASE WHEN r.window_start + CAST(${windowMs} AS double precision) * interval '1 millisecond' <= now() THEN now() ELSE r.window_start END
            RETURNING hits, CAST(ceil(extract(epoch FROM (window_start + CAST(${windowMs} AS double precision) * interval '1 millisecond' - now())) * 1000) AS integer) AS ttl`.execute(db)
        ).rows[0]!;
        // Now and then, the keys whose windows ended long ago go (a flood of addresses leaves no pile).
        if (Math.random() < 0.001) await sql`DELETE FROM rate_limits WHERE window_start < now() - interval '1 hour'`.execute(db);
        return { current: row.hits, ttl: Math.max(0, row.ttl) };
      },
    },
    async ping() {
      await sql`SELECT 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * PostgreSQL's refusals of a value (a NUL character in a text, a number past bigint, a malformed
 * time), from any query: the input's fault, said as such (exit 2 / HTTP 400), never an internal
 * error. SQLite stores such values; PostgreSQL cannot.
 */
const INPUT_REFUSALS: Record<string, string> = {
  '22021': 'text: contains a character that cannot be stored (such as NUL)',
  '22P05': 'text: contains a character that cannot be stored',
  '22003': 'number: out of range',
  '22P02': 'value: not of the expected kind',
  '22007': 'time: not valid',
  '22008': 'time: out of range',
};

function refusal(e: unknown): unknown {
  const code = pgCode(e);
  // A failed statement ends PostgreSQL's transaction: it is marked so that no use case goes on after it.
  return code && INPUT_REFUSALS[code] ? Object.assign(new DeskctlError('invalid_input', INPUT_REFUSALS[code]!), { failedStatement: true }) : e;
}

/** pg's client, its refusals of values said as input errors (the one place every query passes). */
class InputCheckedClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as (...a: any[]) => any)(...args);
    return result && typeof result.then === 'function' ? result.catch((e: unknown) => Promise.reject(refusal(e))) : result;
  }
}

/**
 * A bulk load through COPY ... FROM STDIN (text format) on the connection of a transaction: rows
 * are encoded here and written in chunks of about 64 KB, the stream's backpressure is waited for in
 * drain(), and the COPY ends in end(). The COPY is submitted on the transaction's own connection
 * (Kysely hands the statement to pg's client.query, which takes a submittable query as it is).
 */
class CopyLoad implements BulkLoad {
  private readonly stream: ReturnType<typeof copyFrom>;
  private readonly submitted: Promise<unknown>;
  private readonly width: number;
  private chunk = '';
  private failure: unknown = null;
  private closed = false;
  pushed = 0;

  constructor(
    tx: Tx,
    readonly table: string,
    columns: readonly string[],
    private readonly done: () => void,
  ) {
    this.width = columns.length;
    this.stream = copyFrom(`COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`);
    this.stream.on('error', (e) => (this.failure ??= e));
    const statement = { ...CompiledQuery.raw(''), sql: this.stream as unknown as string };
    this.submitted = tx.getExecutor().provideConnection((conn) => conn.executeQuery(statement));
    this.submitted.catch((e) => (this.failure ??= e));
  }

  push(values: readonly unknown[]): void {
    if (this.failure) throw this.failure;
    if (values.length !== this.width) throw new Error(`bulkLoad ${this.table}: ${values.length} values for ${this.width} columns`);
    let line = '';
    for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + copyText(values[i]);
    this.chunk += `${line}\n`;
    this.pushed++;
    if (this.chunk.length >= 65_536) {
      this.stream.write(this.chunk);
      this.chunk = '';
    }
  }

  async drain(): Promise<void> {
    await this.submitted;
    if (this.failure) throw this.failure;
    if (this.chunk) {
      this.stream.write(this.chunk);
      this.chunk = '';
    }
    if (this.stream.writableNeedDrain) {
      await new Promise<void>((resolve) => {
        const settle = () => {
          this.stream.off('drain', settle);
          this.stream.off('error', settle);
          resolve();
        };
        this.stream.on('drain', settle);
        this.stream.on('error', settle);
      });
    }
    if (this.failure) throw this.failure;
  }

  async end(): Promise<void> {
    await this.drain();
    await new Promise<void>((resolve, reject) => {
      this.stream.on('error', reject);
      this.stream.end((e?: Error | null) => (e ? reject(e) : resolve()));
    });
    this.closed = true;
    this.done();
  }

  /** Fails the COPY (PostgreSQL discards its rows) and waits until the connection takes queries again. */
  async abandon(reason: unknown): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.done();
    await this.submitted.catch(() => undefined);
    // A COPY the server refused has ended already (and the connection takes queries again).
    if (this.failure || this.stream.destroyed) return;
    await new Promise<void>((resolve) => {
      this.stream.on('close', () => resolve());
      this.stream.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    });
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A value in COPY's text format: \N for null, and backslash, tab, newline and carriage return escaped. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const s = String(value);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : s;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** The SQLSTATE of a PostgreSQL error, if it is one. */
export function pgCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** pg's words when the server asks for a password and the URL, PGPASSWORD and ~/.pgpass gave none. */
const NO_PASSWORD = /client password must be a string|password authentication is required|no password supplied/i;

function unavailable(shown: string, e: unknown): DeskctlError {
  const code = pgCode(e);
  // Reached, but it would not let deskctl in: said as such, with where a password may come from.
  if (NO_PASSWORD.test((e as Error)?.message ?? '')) {
    return new DeskctlError('unavailable', `cannot open the database ${shown}: the server asks for a password; give it in the URL, in PGPASSWORD or in ~/.pgpass`);
  }
  if (code === '28P01' || code === '28000' || code === '3D000') return new DeskctlError('unavailable', `cannot open the database ${shown}: ${describe(e)}`);
  return new DeskctlError('unavailable', `cannot reach the database ${shown}: ${describe(e)}`);
}

/** Whether an error means the database could not be reached or entered (rather than a query's fault). */
function unreachable(e: unknown): boolean {
  const code = pgCode(e);
  // 08: connection exceptions; 28: authorization; 3D000: no such database; 57P01-57P03: shutting
  // down or starting; 55000 at connection time: the database accepts no connections now.
  return (
    code?.startsWith('08') ||
    code?.startsWith('28') ||
    code === '3D000' ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    (code === '55000' && /not currently accepting connections/i.test((e as Error)?.message ?? '')) ||
    (!code && isConnectionError(e)) ||
    NO_PASSWORD.test((e as Error)?.message ?? '') ||
    /Connection terminated/i.test((e as Error)?.message ?? '')
  );
}

/** A connection error's message names hosts and ports at most; never the URL it was given. */
function describe(e: unknown): string {
  const err = e as { message?: string; code?: string; errors?: { message?: string }[] };
  const message = err?.message || err?.errors?.map((x) => x.message).join('; ') || err?.code || String(e);
  return message.replace(/postgres(ql)?:\/\/\S+/gi, (u) => displayTarget(u));
}

/** The store's own failures as the contract's errors; the engine's DeskctlErrors pass as they are. */
function translate(e: unknown, shown: string, waitMs: number): unknown {
  if (e instanceof DeskctlError) return e;
  const code = pgCode(e);
  if (code === '55P03') {
    return new DeskctlError('unavailable', `the database ${shown} stayed locked by another writer for ${waitMs / 1000} s; the step in progress was not made (what was committed before it stays), try again`);
  }
  if (code && RETRYABLE.has(code)) return new DeskctlError('unavailable', `the database ${shown} was too busy to finish the step in progress (it lost to other writers again and again); nothing of it was written, try again`);
  if (unreachable(e)) return unavailable(shown, e);
  return e;
}

/** pg-pool's answer when no connection came free within connectionTimeoutMillis. */
const isPoolTimeout = (e: unknown) => /timeout exceeded when trying to connect/i.test((e as Error)?.message ?? '');

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'].includes(code);
}

/* ---- rows as the engine reads them ---- */

const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;
const TIMESTAMPTZ = 1184;

function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (format === 'binary') return pg.types.getTypeParser(oid, 'binary' as 'text');
  switch (oid) {
    case INT8:
      return exactInteger;
    case NUMERIC:
      return Number;
    case BOOL:
      return (v) => (v === 't' ? 1 : 0);
    case TIMESTAMPTZ:
      return isoInstant;
    default:
      return pg.types.getTypeParser(oid, 'text');
  }
}

function exactInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new DeskctlError('internal', `the database holds the integer ${value}, larger than deskctl can handle exactly (2^53)`);
  return n;
}

/** `2026-11-02 12:00:00.123+00` (TimeZone UTC, DateStyle ISO) as `2026-11-02T12:00:00.123Z`. */
function isoInstant(value: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))?\+00$/.exec(value);
  if (!m) return value === 'infinity' || value === '-infinity' ? value : new Date(value).toISOString();
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}.${(m[5] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

/* ---- migrations ---- */

/**
 * Applies the migrations this database lacks, each in its own transaction under the migration
 * lock: several servers starting together on an empty database run each migration once, the
 * others wait and find it done. A schema newer than this deskctl knows is refused.
 */
async function migrate(db: Kysely<DB>): Promise<void> {
  const current = await schemaVersion(db);
  if (current === POSTGRES_MIGRATIONS.length) return;
  if (current !== null && current > POSTGRES_MIGRATIONS.length) throw newerSchema(current);
  for (;;) {
    const done = await db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(CAST(${MIGRATION_LOCK} AS bigint))`.execute(tx);
      await sql`CREATE TABLE IF NOT EXISTS deskctl_schema (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())`.execute(tx);
      const row = (await sql<{ version: number }>`SELECT max(version) AS version FROM deskctl_schema`.execute(tx)).rows[0];
      const version = row?.version ?? 0;
      if (version > POSTGRES_MIGRATIONS.length) throw newerSchema(version);
      if (version === POSTGRES_MIGRATIONS.length) return true;
      await sql.raw(POSTGRES_MIGRATIONS[version]!.sql).execute(tx);
      // The time it was applied, not when its transaction began: a server that waited for the lock
      // began before the one that applied the migration before it.
      await sql`INSERT INTO deskctl_schema (version, migrated_at) VALUES (${version + 1}, clock_timestamp())`.execute(tx);
      return version + 1 === POSTGRES_MIGRATIONS.length;
    });
    if (done) return;
  }
}

/** The schema version, or null for a database deskctl has not migrated yet. */
async function schemaVersion(db: Kysely<DB>): Promise<number | null> {
  try {
    const row = (await sql<{ version: number | null }>`SELECT max(version) AS version FROM deskctl_schema`.execute(db)).rows[0];
    return row?.version ?? null;
  } catch (e) {
    if (pgCode(e) === '42P01') return null; // undefined_table
    throw e;
  }
}

function newerSchema(version: number): DeskctlError {
  return new DeskctlError(
    'precondition_failed',
    `this database was written by a newer deskctl (schema ${version}, this one knows ${POSTGRES_MIGRATIONS.length}); upgrade deskctl`,
  );
}
