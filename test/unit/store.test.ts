import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DeskctlError } from '../../src/core/errors.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

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
    const other = new Database(file);
    other.pragma('busy_timeout = 50');
    other.exec('BEGIN IMMEDIATE');
    try {
      const attempt = store.write((tx) => sql`UPDATE tenants SET name = 'changed'`.execute(tx));
      await expect(attempt).rejects.toBeInstanceOf(DeskctlError);
      await expect(attempt).rejects.toMatchObject({ code: 'unavailable', exitCode: 5, message: expect.stringMatching(/locked by another writer .* the step in progress was not made/) });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const names = await sql<{ name: string }>`SELECT name FROM tenants`.execute(store.db);
    expect(names.rows.map((r) => r.name)).not.toContain('changed');
    await store.write((tx) => sql`UPDATE tenants SET name = 'after'`.execute(tx));
    expect((await sql<{ name: string }>`SELECT name FROM tenants`.execute(store.db)).rows[0]?.name).toBe('after');
    await store.close();
  });
});
