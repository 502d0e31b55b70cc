import { createHash } from 'node:crypto';
import * as crypto from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authenticate } from '../../src/engine/tokens.js';
import { openDatabase, openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { tenantAdmin } from '../helpers/backends.js';

// Watch the comparison the engine makes: the real timingSafeEqual, counted.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

/** Tokens at rest and in comparison: only a SHA-256 is stored, and it is compared in constant time. */
describe('API tokens: stored as hashes, compared in constant time', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'deskctl-tokens-')), 'helpdesk.db');
  let store: Store;
  const made: string[] = [];

  beforeAll(async () => {
    store = openSqliteStore(file);
    const hd = await tenantAdmin(store);
    await hd.addOrganization('Matriz');
    await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
    made.push((await hd.createToken({ name: 'admin', role: 'admin' })).token);
    made.push((await hd.createToken({ name: 'manager', role: 'manager', customer: 'gerente@matriz.example' })).token);
    made.push((await hd.createToken({ name: 'customer', role: 'customer', customer: 'gerente@matriz.example' })).token);
    await hd.revokeToken('customer');
  });
  afterAll(async () => {
    await store.close();
  });

  it('tokens are 256 random bits, and the api_tokens table holds only their SHA-256', () => {
    const db = openDatabase(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM api_tokens ORDER BY id').all() as Record<string, unknown>[];
      expect(rows).toHaveLength(3);
      rows.forEach((row, i) => {
        const token = made[i]!;
        expect(token).toMatch(/^dsk_[A-Za-z0-9_-]{43}$/);
        expect(row.hash).toBe(createHash('sha256').update(token).digest('hex'));
        const secret = token.slice(4);
        for (const [column, value] of Object.entries(row)) {
          // Not the token, nor any long piece of it, in any column.
          for (let at = 0; at + 12 <= secret.length; at += 6) expect(String(value), column).not.toContain(secret.slice(at, at + 12));
        }
      });
    } finally {
      db.close();
    }
  });

  it('no table, no page of the database file and no WAL holds a token in clear', async () => {
    const db = openDatabase(file, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      for (const t of tables) {
        const text = JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all());
        for (const token of made) expect(text, t).not.toContain(token.slice(4));
      }
    } finally {
      db.close();
    }
    for (const f of readdirSync(dirname(file))) {
      const bytes = readFileSync(join(dirname(file), f));
      for (const token of made) {
        expect(bytes.includes(Buffer.from(token.slice(4))), f).toBe(false);
        expect(bytes.includes(Buffer.from(token.slice(4), 'utf16le')), f).toBe(false);
      }
    }
  });

  it('a presented token is looked up by its hash and the stored hash compared with timingSafeEqual; a revoked one never matches', async () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    const at = new Date();
    const p = await authenticate(store, made[0]!, at);
    expect(p).toMatchObject({ tokenName: 'admin', role: 'admin' });
    expect(spy).toHaveBeenCalledTimes(1);
    const [x, y] = spy.mock.calls[0]! as [Buffer, Buffer];
    // Two SHA-256 digests of equal length: the time taken does not depend on where they differ.
    expect(x.length).toBe(32);
    expect(y.length).toBe(32);
    expect(x.toString('hex')).toBe(createHash('sha256').update(made[0]!).digest('hex'));

    expect(await authenticate(store, made[2]!, at)).toBeNull();
    // A token one character off is a different hash: not found, nothing to compare.
    const off = made[1]!.slice(0, -1) + (made[1]!.endsWith('A') ? 'B' : 'A');
    expect(await authenticate(store, off, at)).toBeNull();
    for (const junk of ['', 'dsk_', 'Bearer x', 'dsk_' + 'x'.repeat(500), made[0]!.toUpperCase(), ` ${made[0]}`, "dsk_' OR '1'='1'--xxxxxxxxxx"]) {
      expect(await authenticate(store, junk, at), junk).toBeNull();
    }
  });
});
