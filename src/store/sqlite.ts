import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { existsSync, statSync } from 'node:fs';
import { makeDirectories } from '../config/paths.js';
import { DeskctlError } from '../core/errors.js';
import { sqliteDialect } from './dialect.js';
import { MIGRATIONS } from './migrations.js';
import type { BulkLoad, OpenOptions, Store, Tx } from './store.js';
import { node24Driver } from './sqlite-driver.cjs';
import type { DB } from './types.js';

/**
 * Opens a SQLite connection (the store's, and the tests' own): better-sqlite3 12, its compiled
 * binding found by package resolution rather than by the `bindings` package's search of the
 * directory tree (the CLI bundle carries its JavaScript), or 13 on Node 24 and later
 * (sqlite-driver.cjs says why).
 */
export function openDatabase(file: string, { readonly = false }: { readonly?: boolean } = {}): Database.Database {
  driver ??= { node24: node24Driver(import.meta.url) };
  if (driver.node24) return new driver.node24(file, { readonly });
  driver.binding ??= createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  return new Database(file, { readonly, nativeBinding: driver.binding });
}
let driver: { node24: typeof Database | null; binding?: string } | undefined;

const PAGE_SIZE = 16_384;
const WAL_CHECKPOINT_BYTES = 40 * 1024 * 1024;

export function openSqliteStore(file: string, options: OpenOptions = {}): Store {
  const busyTimeoutMs = options.busyTimeoutMs ?? 15_000;
  let raw: Database.Database;
  try {
    if (file !== ':memory:') makeDirectories(dirname(file));
    // A device or a folder is never a database (and SQLite would make its journal beside /dev/null).
    if (file !== ':memory:' && existsSync(file) && !statSync(file).isFile()) throw new Error('not a regular file');
    raw = openDatabase(file, { readonly: options.readonly ?? false });
  } catch (e) {
    throw new DeskctlError('unavailable', `cannot open database ${file}: ${(e as Error).message}`);
  }
  try {
    // A file that is not a database fails here, at its first read.
    raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
    raw.pragma('foreign_keys = ON');
    if (file !== ':memory:' && !options.readonly) {
      // A new database gets 16 KB pages rather than SQLite's 4 KB: shallower b-trees for the
      // millions of tickets a helpdesk keeps (a bulk load of them runs ~10% faster). A database
      // that exists keeps the size it was made with; nothing else depends on it.
      raw.pragma(`page_size = ${PAGE_SIZE}`);
      raw.pragma('journal_mode = WAL');
      // Bulk writes commit a chunk at a time: with SQLite's default of checkpointing every 1,000 WAL
      // pages, a 100,000-draft decision spent a third of its time copying the same index pages into
      // the database file again and again. 40 MB of WAL lets most chunks commit without one.
      raw.pragma(`wal_autocheckpoint = ${Math.ceil(WAL_CHECKPOINT_BYTES / (raw.pragma('page_size', { simple: true }) as number))}`);
    }
    raw.pragma('synchronous = NORMAL');
    migrate(raw);
  } catch (e) {
    raw.close();
    throw e instanceof DeskctlError ? e : new DeskctlError('unavailable', `cannot prepare database ${file}: ${(e as Error).message}`);
  }
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachedStatements(raw) }) });
  // Kysely's SQLite driver runs one connection under a mutex: nothing else runs on it between the
  // PRAGMA and BEGIN here (foreign_keys cannot change inside a transaction).
  const transaction = <T>(fn: (tx: Tx) => Promise<T>, trusted: boolean): Promise<T> =>
    db.connection().execute(async (conn) => {
      if (trusted) raw.pragma('foreign_keys = OFF');
      try {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`COMMIT`.execute(conn);
          return result;
        } catch (e) {
          if (raw.inTransaction) await sql`ROLLBACK`.execute(conn);
          throw e;
        }
      } catch (e) {
        throw isBusy(e)
          ? new DeskctlError('unavailable', `the database ${file} stayed locked by another writer for ${busyTimeoutMs / 1000} s; the step in progress was not made (what was committed before it stays), try again`)
          : e;
      } finally {
        if (trusted) {
          raw.pragma('foreign_keys = ON');
          // The setting changes only outside a transaction: after a ROLLBACK that failed it would
          // stay off, and no later write on this connection may run unchecked.
          if (raw.pragma('foreign_keys', { simple: true }) !== 1) {
            raw.close();
            throw new DeskctlError('internal', `the database ${file} was closed: its transaction could not be ended`);
          }
        }
      }
    });
  return {
    engine: 'sqlite',
    db,
    dialect: sqliteDialect,
    // One writer at a time for the whole file: the tenant needs no lock of its own.
    write: (fn) => transaction(fn, false),
    trustedWrite: (fn) => transaction(fn, true),
    rowWrite: (fn) => transaction(fn, false),
    bulkLoad: (_tx, table, columns) => bulkInserter(raw, table, columns),
    async reserveIds(tx, table, count) {
      // AUTOINCREMENT's sequence, and the ids of rows that left the table (decided drafts) or were
      // only ever referred to (a fixture's decided drafts) above it.
      const row = await sql<{ seq: number }>`SELECT max(
          ifnull((SELECT seq FROM sqlite_sequence WHERE name = ${table}), 0),
          ifnull((SELECT max(draft_id) FROM draft_decisions), 0),
          ifnull((SELECT max(id) FROM ${sql.table(table)}), 0)) AS seq`.execute(tx);
      const first = (row.rows[0]?.seq ?? 0) + 1;
      if (count <= 0) return [];
      const last = first + count - 1;
      const bumped = await sql`UPDATE sqlite_sequence SET seq = ${last} WHERE name = ${table}`.execute(tx);
      if (!Number(bumped.numAffectedRows ?? 0)) await sql`INSERT INTO sqlite_sequence (name, seq) VALUES (${table}, ${last})`.execute(tx);
      return Array.from({ length: count }, (_, i) => first + i);
    },
    async ping() {
      await sql`SELECT 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** How many prepared statements a connection keeps (the least recently used one goes first). */
const STATEMENT_CACHE = 512;

/**
 * The connection as Kysely sees it, with each SQL text prepared once and its statement reused:
 * preparing (parsing the SQL against the schema) cost more than running most of the engine's
 * small queries (the WhatsApp webhook's many per message). A statement still being iterated (a
 * streamed export) is never handed out again; one is prepared beside it.
 */
function cachedStatements(raw: Database.Database): { prepare(sql: string): Database.Statement; close(): void } {
  const cache = new Map<string, Database.Statement>();
  return {
    prepare(sqlText) {
      const hit = cache.get(sqlText);
      if (hit && !hit.busy) {
        cache.delete(sqlText);
        cache.set(sqlText, hit);
        return hit;
      }
      const statement = raw.prepare(sqlText);
      if (!hit) {
        cache.set(sqlText, statement);
        if (cache.size > STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
    close: () => raw.close(),
  };
}

/** SQLite gave up waiting for a lock (busy_timeout): SQLITE_BUSY and its extended codes. */
function isBusy(e: unknown): boolean {
  return typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('SQLITE_BUSY');
}

/**
 * A bulk load as multi-row prepared INSERTs, each full batch inserted as it fills (SQLite binds at
 * most 32766 parameters per statement; batches stay well below). Synchronous under the promises:
 * the rows are in the table when push() returns or drain() resolves.
 */
function bulkInserter(raw: Database.Database, table: string, columns: readonly string[], rowsPerStatement = Math.max(1, Math.floor(4000 / columns.length))): BulkLoad {
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const statement = (rows: number) => raw.prepare(head + Array.from({ length: rows }, () => tuple).join(', '));
  const full = statement(rowsPerStatement);
  const width = columns.length;
  let params: unknown[] = [];
  let pushed = 0;
  const run = () => {
    if (!raw.inTransaction) throw new Error('bulkLoad runs inside store.write()');
    const rows = params.length / width;
    (rows === rowsPerStatement ? full : statement(rows)).run(params);
    params = [];
  };
  const flush = async () => {
    if (params.length) run();
  };
  return {
    push(values) {
      if (values.length !== width) throw new Error(`bulkLoad ${table}: ${values.length} values for ${width} columns`);
      for (const v of values) params.push(v);
      pushed++;
      if (params.length === rowsPerStatement * width) run();
    },
    drain: flush,
    end: flush,
    get pushed() {
      return pushed;
    },
  };
}

/** Applies the migrations this database lacks, each batch in one immediate transaction. */
function migrate(raw: Database.Database): void {
  const version = () => raw.pragma('user_version', { simple: true }) as number;
  if (version() === MIGRATIONS.length) return;
  if (version() > MIGRATIONS.length) {
    throw new DeskctlError(
      'precondition_failed',
      `this database was written by a newer deskctl (schema ${version()}, this one knows ${MIGRATIONS.length}); upgrade deskctl`,
    );
  }
  raw.exec('BEGIN IMMEDIATE');
  try {
    for (let v = version(); v < MIGRATIONS.length; v++) {
      raw.exec(MIGRATIONS[v]!.sql);
      raw.pragma(`user_version = ${v + 1}`);
    }
    raw.exec('COMMIT');
  } catch (e) {
    raw.exec('ROLLBACK');
    throw e;
  }
}
