import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { DeskctlError } from '../core/errors.js';
import { MIGRATIONS } from './migrations.js';
import type { DB } from './types.js';

export type Tx = Kysely<DB>;

/** The storage the engine runs on: Kysely for every query, one writer transaction at a time. */
export interface Store {
  readonly db: Kysely<DB>;
  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE): all of it commits, or none of it. */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** How long a writer waits for another process's lock before giving up (ms). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

export function openSqliteStore(file: string, options: OpenOptions = {}): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let raw: Database.Database;
  try {
    raw = new Database(file, { readonly: options.readonly ?? false });
  } catch (e) {
    throw new DeskctlError('unavailable', `cannot open database ${file}: ${(e as Error).message}`);
  }
  raw.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 15_000}`);
  raw.pragma('foreign_keys = ON');
  if (file !== ':memory:' && !options.readonly) raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  try {
    migrate(raw);
  } catch (e) {
    raw.close();
    throw e instanceof DeskctlError ? e : new DeskctlError('unavailable', `cannot prepare database ${file}: ${(e as Error).message}`);
  }
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
  return {
    db,
    write: (fn) =>
      db.connection().execute(async (conn) => {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`COMMIT`.execute(conn);
          return result;
        } catch (e) {
          if (raw.inTransaction) await sql`ROLLBACK`.execute(conn);
          throw e;
        }
      }),
    close: () => db.destroy(),
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
