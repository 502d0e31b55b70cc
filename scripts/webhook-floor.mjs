#!/usr/bin/env node
// The floor of the bench's WhatsApp webhook row: a bare fastify route doing the least a webhook
// must — take the raw body, verify X-Hub-Signature-256 (HMAC-SHA256 under the app secret,
// timingSafeEqual), parse the JSON, and insert one row per message in one transaction (message id
// as the key: a replay inserts nothing) — over SQLite (WAL, synchronous NORMAL, as deskctl) or
// PostgreSQL. No engine, no tenant lookup, no rate limit, no logs.
// usage: node scripts/webhook-floor.mjs --db FILE|URL --secret S   (prints "listening on URL" to stderr)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const target = arg('--db');
const secret = arg('--secret');
const TABLE = 'CREATE TABLE IF NOT EXISTS webhook_messages (message_id text PRIMARY KEY, phone_number_id text NOT NULL, sender text NOT NULL, body text, at text NOT NULL)';

let insertAll;
if (/^postgres(ql)?:\/\//.test(target)) {
  const pg = require('pg');
  const pool = new pg.Pool({ connectionString: target, max: 10 });
  await pool.query(TABLE);
  insertAll = async (rows) => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      for (const r of rows) await c.query('INSERT INTO webhook_messages VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', r);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    } finally {
      c.release();
    }
  };
} else {
  const Database = require(join(ROOT, 'src', 'store', 'sqlite-driver.cjs')).node24Driver(join(ROOT, 'package.json')) ?? require('better-sqlite3');
  const db = new Database(target);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(TABLE);
  const insert = db.prepare('INSERT OR IGNORE INTO webhook_messages VALUES (?, ?, ?, ?, ?)');
  const tx = db.transaction((rows) => {
    for (const r of rows) insert.run(r);
  });
  insertAll = async (rows) => tx(rows);
}

const app = Fastify({ logger: false, bodyLimit: 3 * 1_048_576 });
app.removeContentTypeParser('application/json');
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/webhooks/whatsapp', async (req, reply) => {
  const m = /^sha256=([0-9a-f]{64})$/.exec(String(req.headers['x-hub-signature-256'] ?? ''));
  const expected = createHmac('sha256', secret).update(req.body).digest();
  if (!m || !timingSafeEqual(Buffer.from(m[1], 'hex'), expected)) return reply.status(401).send({ error: 'signature' });
  const payload = JSON.parse(req.body.toString('utf8'));
  const rows = [];
  for (const e of payload.entry) {
    for (const c of e.changes) {
      for (const msg of c.value.messages ?? []) rows.push([msg.id, c.value.metadata.phone_number_id, msg.from, msg.text?.body ?? null, new Date(Number(msg.timestamp) * 1000).toISOString()]);
    }
  }
  await insertAll(rows);
  return { received: rows.length };
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`webhook floor: listening on ${url}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
