import type { Kysely } from 'kysely';
import { displayTarget, isPostgresUrl } from '../config/database.js';
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
   * whose data it writes (omitted: writes that belong to no one tenant, such as creating one).
   * On PostgreSQL a transaction that lost a serialization race or a deadlock is run again, a few
   * times at most, so `fn` must do nothing outside `tx` that cannot be done twice.
   */
  write<T>(fn: (tx: Tx) => Promise<T>, tenant?: number): Promise<T>;
  /**
   * write() for a bulk load whose every reference is an id it has just read or written in the same
   * transaction (deskctl generate): SQLite's per-row foreign-key lookups are off for it, since they
   * cost a million tickets more than a second to confirm what the loader built them from. The
   * tests hold such loads to `PRAGMA foreign_key_check`.
   */
  trustedWrite<T>(fn: (tx: Tx) => Promise<T>, tenant?: number): Promise<T>;
  /**
   * Multi-row INSERTs for bulk loads (deskctl generate), on the write transaction's connection.
   * `table` is a table of the schema or a temp table the caller created in its transaction.
   */
  bulkInsert(table: string, columns: readonly string[], rowsPerStatement?: number): BulkInsert;
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

export interface BulkInsert {
  /** Queues one row (values in column order); each full batch is inserted at once. */
  push(values: readonly unknown[]): void;
  /** Inserts the rows still queued. */
  flush(): void;
  /** Rows inserted so far. */
  readonly inserted: number;
}

export interface OpenOptions {
  /** How long a writer waits for another's lock before giving up (ms). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

export { displayTarget, isPostgresUrl };

/** Opens the store a target names: a PostgreSQL URL, or a SQLite file (created and migrated on first use). */
export async function openStore(target: string, options: OpenOptions = {}): Promise<Store> {
  if (isPostgresUrl(target)) {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(target, options);
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(target, options);
}
