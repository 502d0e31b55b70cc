import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { engines, type Engine } from '../helpers/backends.js';
import { freshPgDatabase } from '../helpers/postgres.js';
import { openStore, type Store } from '../../src/store/store.js';

/*
 * The store's bulk load (SQLite: multi-row INSERTs; PostgreSQL: COPY FROM STDIN) and id
 * reservation, on each store: every value arrives exactly as given, a refused row or a failure
 * of the caller mid-load writes nothing and leaves the store working, reserved ids are never
 * handed out again.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function open(engine: Engine): Promise<Store> {
  let target: string;
  if (engine === 'postgres') {
    const made = await freshPgDatabase();
    target = made.url;
    cleanups.push(made.dispose);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'deskctl-bulk-'));
    target = join(dir, 'helpdesk.db');
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  }
  const store = await openStore(target);
  cleanups.unshift(() => store.close());
  return store;
}

const AT = '2026-11-02T12:00:00.000Z';
const names = async (store: Store) => (await store.db.selectFrom('departments').select('name').orderBy('id').execute()).map((r) => r.name);

describe.each(engines)('bulk loads on %s', (engine) => {
  it('load every value exactly as given: texts with tabs, newlines, carriage returns and backslashes, nulls, numbers', async () => {
    const store = await open(engine);
    const texts = ['plain', 'tab\there', 'line\nbreak', 'cr\rlf\r\n', 'back\\slash \\N \\t', 'acentuação 🎫', '\\', ''];
    await store.write(async (tx) => {
      const load = store.bulkLoad(tx, 'departments', ['tenant_id', 'name', 'created_at']);
      for (const t of texts) load.push([1, t, AT]);
      await load.drain();
      await load.end();
      expect(load.pushed).toBe(texts.length);
    }, 1);
    expect(await names(store)).toEqual(texts);
    await store.write(async (tx) => {
      const load = store.bulkLoad(tx, 'customers', ['tenant_id', 'email', 'name', 'phone', 'organization_id', 'is_manager', 'active', 'created_at']);
      load.push([1, 'a@x.example', 'A', null, null, 0, 1, AT]);
      await load.end();
    }, 1);
    const c = await store.db.selectFrom('customers').select(['phone', 'organization_id', 'is_manager', 'active', 'created_at']).executeTakeFirstOrThrow();
    expect(c).toEqual({ phone: null, organization_id: null, is_manager: 0, active: 1, created_at: AT });
  });

  it('a row the database refuses fails the whole transaction: nothing written, and the store works afterwards', async () => {
    const store = await open(engine);
    const attempt = store.write(async (tx) => {
      await sql`INSERT INTO departments (tenant_id, name, created_at) VALUES (1, 'before', ${AT})`.execute(tx);
      const load = store.bulkLoad(tx, 'departments', ['tenant_id', 'name', 'created_at']);
      for (let i = 0; i < 5_000; i++) load.push([1, `d${i}`, AT]);
      load.push([1, 'd0', AT]); // UNIQUE (tenant_id, name)
      for (let i = 5_000; i < 6_000; i++) load.push([1, `d${i}`, AT]);
      await load.end();
    }, 1);
    await expect(attempt).rejects.toThrow(/unique|UNIQUE/);
    expect(await names(store)).toEqual([]);
    await store.write((tx) => sql`INSERT INTO departments (tenant_id, name, created_at) VALUES (1, 'after', ${AT})`.execute(tx), 1);
    expect(await names(store)).toEqual(['after']);
  });

  it('a failure of the caller in the middle of a load (an interruption) rolls it back, and the store works afterwards', async () => {
    const store = await open(engine);
    const attempt = store.write(async (tx) => {
      const load = store.bulkLoad(tx, 'departments', ['tenant_id', 'name', 'created_at']);
      for (let i = 0; i < 20_000; i++) load.push([1, `d${i}`, AT]);
      await load.drain();
      throw new Error('interrupted');
    }, 1);
    await expect(attempt).rejects.toThrow('interrupted');
    expect(await names(store)).toEqual([]);
    await store.write((tx) => sql`INSERT INTO departments (tenant_id, name, created_at) VALUES (1, 'after', ${AT})`.execute(tx), 1);
    expect(await names(store)).toEqual(['after']);
  });

  it('reserved ids are distinct, above every id the table has, and never handed to a later insert', async () => {
    const store = await open(engine);
    const ids = await store.write(async (tx) => {
      const a = await store.reserveIds(tx, 'drafts', 3);
      const b = await store.reserveIds(tx, 'drafts', 2);
      return [...a, ...b];
    }, null);
    expect(new Set(ids).size).toBe(5);
    expect(Math.min(...ids)).toBeGreaterThan(0);
    await store.write(async (tx) => {
      await sql`INSERT INTO departments (tenant_id, name, created_at) VALUES (1, 'D', ${AT})`.execute(tx);
      await sql`INSERT INTO customers (tenant_id, email, name, created_at) VALUES (1, 'c@x.example', 'C', ${AT})`.execute(tx);
    }, 1);
    const made = await store.write(async (tx) => {
      const r = await tx
        .insertInto('drafts')
        .values({ tenant_id: 1, requester_id: 1, department_id: 1, subject: 's', message: 'm', channel: 'panel', fields: '{}', attachments: '[]', created_at: AT, updated_at: AT })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    }, 1);
    expect(made).toBeGreaterThan(Math.max(...ids));
  });
});
