import { sql, type RawBuilder } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeskctlError } from '../../src/core/errors.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-migrations.js';
import { displayTarget, isPostgresUrl } from '../../src/config/database.js';
import type { Store } from '../../src/store/store.js';
import { expectCode } from '../helpers/backends.js';
import { databaseUrl, freshPgDatabase, hasPostgres, pgAdminUrl, psql } from '../helpers/postgres.js';

describe('database targets', () => {
  it('postgres:// and postgresql:// URLs name PostgreSQL; anything else is a SQLite file', () => {
    expect(isPostgresUrl('postgres://h/db')).toBe(true);
    expect(isPostgresUrl('POSTGRESQL://h/db')).toBe(true);
    expect(isPostgresUrl('./postgres://x')).toBe(false);
    expect(isPostgresUrl('/srv/helpdesk.db')).toBe(false);
  });

  it('a password in a URL is never shown', () => {
    expect(displayTarget('postgres://deskctl:s3cr3t@db:5432/helpdesk?sslmode=require')).toBe('postgres://deskctl:***@db:5432/helpdesk?sslmode=require');
    expect(displayTarget('postgres://deskctl@db/helpdesk')).toBe('postgres://deskctl@db/helpdesk');
    // libpq's parameters can carry it too.
    expect(displayTarget('postgres://deskctl@db/helpdesk?password=TOPSECRET&sslmode=disable')).toBe('postgres://deskctl@db/helpdesk?password=***&sslmode=disable');
    expect(displayTarget('postgresql://db/h?sslpassword=K3Y')).not.toContain('K3Y');
    // Not a URL the parser takes: only what follows the last @ is shown.
    expect(displayTarget('postgres://u:p%zz@[bad/x')).not.toContain('p%zz');
    expect(displayTarget('postgres://u:p%zz@[bad/x?password=SECRET')).not.toContain('SECRET');
    expect(displayTarget('/srv/helpdesk.db')).toBe('/srv/helpdesk.db');
  });
});

describe.skipIf(!hasPostgres)('the PostgreSQL store', () => {
  let url: string;
  let dispose: () => Promise<void>;
  let store: Store;
  beforeEach(async () => {
    ({ url, dispose } = await freshPgDatabase());
    store = await openPostgresStore(url);
  });
  afterEach(async () => {
    await store.close();
    await dispose();
  });

  it('reads rows in the engine\'s shapes: bigint as numbers, booleans as 1/0, timestamptz as ISO-8601 UTC', async () => {
    const row = (
      await sql<{ n: number; yes: number; no: number; at: string; c: number }>`SELECT CAST(42 AS bigint) AS n, true AS yes, false AS no,
        CAST('2026-11-02 09:00:00.123456-03' AS timestamptz) AS at, (SELECT count(*) FROM tenants) AS c`.execute(store.db)
    ).rows[0]!;
    expect(row).toEqual({ n: 42, yes: 1, no: 0, at: '2026-11-02T12:00:00.123Z', c: 1 });
  });

  it('refuses a bigint past 2^53 rather than rounding it', async () => {
    await expectCode(sql`SELECT CAST(9007199254740993 AS bigint) AS n`.execute(store.db), 'internal');
  });

  it('values PostgreSQL cannot store (a NUL in a text, a number past bigint) are invalid input, not internal errors', async () => {
    const e = await expectCode(store.db.selectFrom('departments').select('id').where('name', '=', 'a\u0000b').execute(), 'invalid_input');
    expect(e.message).toMatch(/NUL/);
    await expectCode(store.db.selectFrom('departments').select('id').where('id', '=', '99999999999999999999' as unknown as number).execute(), 'invalid_input');
  });

  it('a write that lost a serialization race is run again, and one that keeps losing is unavailable (exit 5)', async () => {
    let attempts = 0;
    const result = await store.write(async () => {
      attempts++;
      if (attempts < 3) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      return 'done';
    }, 1);
    expect([result, attempts]).toEqual(['done', 3]);
    attempts = 0;
    await expectCode(
      store.write(async () => {
        attempts++;
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      }, 1),
      'unavailable',
    );
    expect(attempts).toBe(5);
  });

  it("R43: a tenant's writers wait for each other; past the wait, the step is not made (exit 5)", async () => {
    const impatient = await openPostgresStore(url, { busyTimeoutMs: 200 });
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const first = store.write(async (tx) => {
        await tx.insertInto('departments').values({ tenant_id: 1, name: 'Primeiro', created_at: new Date().toISOString() }).execute();
        entered();
        await held;
      }, 1);
      await inside;
      const e = await expectCode(
        impatient.write((tx) => tx.insertInto('departments').values({ tenant_id: 1, name: 'Segundo', created_at: new Date().toISOString() }).execute(), 1),
        'unavailable',
      );
      expect(e.message).toMatch(/locked by another writer/);
      // Another tenant's writer does not wait for this one.
      await impatient.write(async () => 'free', 2);
      release();
      await first;
      expect(psql(url, 'SELECT string_agg(name, \',\') FROM departments')).toBe('Primeiro');
    } finally {
      await impatient.close();
    }
  });

  it('texts sort byte by byte, as on SQLite, whatever the database\'s collation (an ICU "en" database here)', async () => {
    const name = `icu_${Date.now()}`;
    psql(pgAdminUrl, `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C'`);
    const icu = await openPostgresStore(databaseUrl(name));
    try {
      const words = (order: (v: RawBuilder<unknown>) => RawBuilder<unknown>) =>
        sql<{ w: string }>`SELECT w FROM (VALUES ('beta'), ('Zeta'), ('_x'), ('Émile'), ('alpha'), ('Alpha')) v(w) ORDER BY ${order(sql`w`)}`.execute(icu.db).then((r) => r.rows.map((x) => x.w));
      // The collation alone folds case and accents; orderText sorts as SQLite does.
      expect(await words((v) => v)).not.toEqual(['Alpha', 'Zeta', '_x', 'alpha', 'beta', 'Émile']);
      expect(await words((v) => icu.dialect.orderText(v))).toEqual(['Alpha', 'Zeta', '_x', 'alpha', 'beta', 'Émile']);
    } finally {
      await icu.close();
      psql(pgAdminUrl, `DROP DATABASE ${name} WITH (FORCE)`);
    }
  });

  it('R43: five stores opened at once on an empty database migrate it once, in order', async () => {
    const name = `empty_${Date.now()}`;
    psql(pgAdminUrl, `CREATE DATABASE ${name}`);
    try {
      const stores = await Promise.all(Array.from({ length: 5 }, () => openPostgresStore(databaseUrl(name))));
      await Promise.all(stores.map((x) => x.close()));
      expect(psql(databaseUrl(name), "SELECT string_agg(version::text, ',' ORDER BY migrated_at, version) FROM deskctl_schema")).toBe(
        POSTGRES_MIGRATIONS.map((_, i) => i + 1).join(','),
      );
      expect(psql(databaseUrl(name), 'SELECT count(*) FROM tenants')).toBe('1');
    } finally {
      psql(pgAdminUrl, `DROP DATABASE ${name} WITH (FORCE)`);
    }
  });

  it('a database written by a newer deskctl is refused', async () => {
    psql(url, `INSERT INTO deskctl_schema (version) VALUES (${POSTGRES_MIGRATIONS.length + 1})`);
    const e = await openPostgresStore(url).then(
      (s) => s.close().then(() => null),
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(DeskctlError);
    expect((e as DeskctlError).code).toBe('precondition_failed');
    expect((e as DeskctlError).message).toMatch(/newer deskctl/);
  });
});
