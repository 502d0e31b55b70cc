import type { Kysely } from 'kysely';
import { checkTarget, isPostgresUrl } from '../config/database.js';
import type { Dialect } from './dialect.js';
import type { DB } from './types.js';

export type Tx = Kysely<DB>;

/**
 * The storage the engine runs on, one interface for both engines (SQLite in a file, PostgreSQL at
 * a URL): Kysely for every query, the SQL that must differ between them in `dialect`, and write
 * transactions that are serialised per tenant, so that every use case sees what the one before it
 * committed (SQLite: its single writer; PostgreSQL: the tenant's transaction-scoped advisory lock).
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /**
   * Runs `fn` in one write transaction: all of it commits, or none of it. `tenant` is the tenant
   * whose data it writes, or null for writes that belong to no one tenant (creating one): never
   * left out, so no write forgets the lock that serialises its tenant across servers.
   * On PostgreSQL a transaction that lost a serialization race or a deadlock is run again, a few
   * times at most, so `fn` must do nothing outside `tx` that cannot be done twice.
   */
  write<T>(fn: (tx: Tx) => Promise<T>, tenant: number | null): Promise<T>;
  /**
   * write() for a bulk load whose every reference is an id it has just read or written in the same
   * transaction (deskctl generate): SQLite's per-row foreign-key lookups are off for it, since they
   * cost a million tickets more than a second to confirm what the loader built them from. The
   * tests hold such loads to `PRAGMA foreign_key_check`.
   */
  trustedWrite<T>(fn: (tx: Tx) => Promise<T>, tenant: number | null): Promise<T>;
  /**
   * write() for rows that row locks alone guard, outside any tenant's turn: the outbox's claims and
   * delivery marks (R33), which must neither wait behind a tenant's bulk decision nor serialise
   * every dispatcher on one lock. SQLite has one writer anyway; on PostgreSQL it takes no advisory
   * lock, so its statements must be safe under concurrency by themselves (SKIP LOCKED claims,
   * updates by id).
   */
  rowWrite<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Loads rows into `table` inside the write transaction `tx` (deskctl generate): SQLite through
   * multi-row prepared INSERTs on the transaction's connection, PostgreSQL through COPY FROM STDIN
   * streamed on it. `table` is a table of the schema, or a temp table the caller created in its
   * transaction. While a load is open, `tx` runs nothing else: end() it before the next query
   * (on PostgreSQL the connection is busy with the COPY until then). A load still open when the
   * transaction's function throws is abandoned with it (nothing of it is written).
   */
  bulkLoad(tx: Tx, table: string, columns: readonly string[]): BulkLoad;
  /**
   * `count` ids of `table`'s id sequence for rows written with explicit ids, or referred to by id
   * without ever being rows of it (generate's decided drafts): no other writer is handed one, and
   * the sequence has moved past them, so a later insert never reuses one. SQLite: the next ids
   * above every id the table has handed out (its single writer makes them the transaction's);
   * PostgreSQL: nextval of the identity, which no transaction undoes (a rolled-back generate
   * leaves a gap in the ids, as any rolled-back insert does).
   */
  reserveIds(tx: Tx, table: 'drafts', count: number): Promise<number[]>;
  /**
   * Counts one request of a rate-limit key in the current window, for every server on the
   * database at once (PostgreSQL); absent where one process counts alone (SQLite).
   */
  readonly rateLimits?: RateCounter;
  /** Whether the database answers (GET /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface RateCounter {
  /** One more hit of `key`; how many the window has had, and the milliseconds until it ends. */
  hit(key: string, windowMs: number): Promise<{ current: number; ttl: number }>;
}

export interface BulkLoad {
  /** Queues one row (values in column order: numbers, strings, or null). */
  push(values: readonly unknown[]): void;
  /**
   * Hands the rows queued so far to the database and waits until it keeps up (the backpressure of
   * a loader that runs ahead of the database; call it between slices). Throws what the database
   * refused.
   */
  drain(): Promise<void>;
  /** Loads the rest and ends the load: the rows are in the table (in the transaction). */
  end(): Promise<void>;
  /** Rows pushed so far. */
  readonly pushed: number;
}

export interface OpenOptions {
  /** How long a writer waits for another's lock before giving up (ms). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Whether an error came from a statement the database refused. On PostgreSQL the transaction
 * cannot go on after one, so a use case that reports refusals item by item rethrows it (the whole
 * step is refused, nothing written) rather than carry on.
 */
export const failedStatement = (e: unknown) => (e as { failedStatement?: unknown } | null)?.failedStatement === true;

/** Opens the store a target names: a PostgreSQL URL, or a SQLite file (created and migrated on first use). */
export async function openStore(target: string, options: OpenOptions = {}): Promise<Store> {
  checkTarget(target);
  if (isPostgresUrl(target)) {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(target, options);
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(target, options);
}
