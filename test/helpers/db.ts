import { createHash } from 'node:crypto';
import { openDatabase } from '../../src/store/sqlite.js';
import { isPostgresUrl } from '../../src/config/database.js';
import { pgFingerprint, psql } from './postgres.js';

/**
 * A fingerprint of every row of every table: equal fingerprints mean nothing was written
 * (the file's bytes are not compared because WAL checkpoints move pages around).
 */
export function fingerprint(file: string): string {
  if (isPostgresUrl(file)) return pgFingerprint(file);
  const db = openDatabase(file, { readonly: true });
  try {
    const hash = createHash('sha256');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    for (const { name } of tables) {
      hash.update(`\u0000${name}\u0000`);
      // Sorted rows: some tables have no rowid to order by.
      const rows = (db.prepare(`SELECT * FROM "${name}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort();
      for (const row of rows) hash.update(row);
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

export function count(file: string, table: string, where = '1'): number {
  if (isPostgresUrl(file)) return Number(psql(file, `SELECT count(*) FROM ${table} WHERE ${where === '1' ? 'true' : where}`));
  const db = openDatabase(file, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}
