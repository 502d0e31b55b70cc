import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DeskctlError } from '../../src/core/errors.js';
import { sqliteDialect } from '../../src/store/dialect.js';
import { openDatabase, openSqliteStore } from '../../src/store/sqlite.js';
import type { Tx } from '../../src/store/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the SQLite store under a lock it cannot get', () => {
  it('a write that outwaits the busy timeout is "unavailable" (exit 5), changes nothing, and the store still works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskctl-store-'));
    dirs.push(dir);
    const file = join(dir, 'helpdesk.db');
    const store = openSqliteStore(file, { busyTimeoutMs: 50 });
    const other = openDatabase(file);
    other.pragma('busy_timeout = 50');
    other.exec('BEGIN IMMEDIATE');
    try {
      const attempt = store.write((tx) => sql`UPDATE tenants SET name = 'changed'`.execute(tx), null);
      await expect(attempt).rejects.toBeInstanceOf(DeskctlError);
      await expect(attempt).rejects.toMatchObject({ code: 'unavailable', exitCode: 5, message: expect.stringMatching(/locked by another writer .* the step in progress was not made/) });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const names = await sql<{ name: string }>`SELECT name FROM tenants`.execute(store.db);
    expect(names.rows.map((r) => r.name)).not.toContain('changed');
    await store.write((tx) => sql`UPDATE tenants SET name = 'after'`.execute(tx), null);
    expect((await sql<{ name: string }>`SELECT name FROM tenants`.execute(store.db)).rows[0]?.name).toBe('after');
    await store.close();
  });
});

describe('the SQLite store: page size and trusted bulk writes', () => {
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskctl-store-'));
    dirs.push(dir);
    return join(dir, 'helpdesk.db');
  };
  const pragma = (file: string, name: string) => {
    const db = openDatabase(file, { readonly: true });
    try {
      return db.pragma(name, { simple: true });
    } finally {
      db.close();
    }
  };

  it('a new database gets 16 KB pages and a WAL checkpoint of 40 MB; one made with 4 KB pages keeps them and works', async () => {
    const file = fresh();
    const made = openSqliteStore(file);
    expect((await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(made.db)).rows[0]?.wal_autocheckpoint).toBe(2_560);
    await made.close();
    expect(pragma(file, 'page_size')).toBe(16_384);
    const old = fresh();
    const raw = openDatabase(old);
    raw.exec('CREATE TABLE placeholder (x); DROP TABLE placeholder;');
    raw.close();
    expect(pragma(old, 'page_size')).toBe(4096);
    const store = openSqliteStore(old);
    await store.write((tx) => sql`UPDATE tenants SET name = 'works'`.execute(tx), null);
    expect((await sql<{ name: string }>`SELECT name FROM tenants`.execute(store.db)).rows[0]?.name).toBe('works');
    expect((await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(store.db)).rows[0]?.wal_autocheckpoint).toBe(10_240);
    await store.close();
    expect(pragma(old, 'page_size')).toBe(4096);
  });

  it('trustedWrite skips the per-row foreign-key lookups inside it only: write() still refuses a dangling reference, before and after, and after a failed trustedWrite', async () => {
    const store = openSqliteStore(fresh());
    let n = 0;
    const dangling = (tx: Tx) => sql`INSERT INTO departments (tenant_id, name, created_at) VALUES (999, ${`nowhere ${++n}`}, '2026-01-01T00:00:00.000Z')`.execute(tx);
    const fk = async () => (await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(store.db)).rows[0]?.foreign_keys;
    await expect(store.write(dangling, null)).rejects.toThrow(/FOREIGN KEY/);
    await expect(
      store.trustedWrite(async (tx) => {
        await dangling(tx);
        throw new Error('stop');
      }, null),
    ).rejects.toThrow('stop');
    expect(await fk()).toBe(1);
    await expect(store.write(dangling, null)).rejects.toThrow(/FOREIGN KEY/);
    await store.trustedWrite(dangling, null);
    expect(await fk()).toBe(1);
    expect((await sql<{ n: number }>`SELECT count(*) AS n FROM departments WHERE tenant_id = 999`.execute(store.db)).rows[0]?.n).toBe(1);
    await expect(store.write(dangling, null)).rejects.toThrow(/FOREIGN KEY/);
    await store.close();
  });

  it('trustedWrite that cannot begin (another writer holds the lock) leaves foreign keys on', async () => {
    const file = fresh();
    const store = openSqliteStore(file, { busyTimeoutMs: 50 });
    const other = openDatabase(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.trustedWrite(async () => undefined, null)).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(store.db)).rows[0]?.foreign_keys).toBe(1);
    await store.close();
  });

  it('pageCache sets the connection\'s page cache for a job and puts it back', async () => {
    const store = openSqliteStore(fresh());
    const size = async () => (await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(store.db)).rows[0]?.cache_size;
    const before = await size();
    const restore = await sqliteDialect.pageCache(store.db, 65_536);
    expect(await size()).toBe(-65_536);
    await restore();
    expect(await size()).toBe(before);
    await store.close();
  });
});
