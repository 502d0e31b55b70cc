#!/usr/bin/env node
/**
 * A bounded load test of `deskctl serve` on loopback: a fixed number of requests — reads of every
 * kind and bulk decisions — from several keep-alive connections, against a database made by
 * `deskctl generate`. Prints throughput, p50/p99 latency and errors per kind (a table, or --json),
 * then checks the database: every draft decided at most once. Exits 1 on any error.
 *
 *   node scripts/load.mjs [--requests 5000] [--connections 8] [--tickets 20000] [--drafts 20000]
 *                         [--seed 1] [--json] [--keep]
 *
 * Traffic goes only to the server it starts on 127.0.0.1.
 */
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import Twelve from 'better-sqlite3';
import { Pool } from 'undici';
import { node24Driver } from '../src/store/sqlite-driver.cjs';

const BIN = fileURLToPath(new URL('../bin/deskctl.cjs', import.meta.url));
// The driver deskctl itself uses on this Node (src/store/sqlite-driver.cjs).
const Database = node24Driver(import.meta.url) ?? Twelve;

const USAGE = `usage: npm run load [-- --requests 5000] [--connections 8] [--tickets 20000] [--drafts 20000] [--seed 1] [--json] [--keep]`;
let o;
try {
  ({ values: o } = parseArgs({
    options: {
      requests: { type: 'string', default: '5000' },
      connections: { type: 'string', default: '8' },
      tickets: { type: 'string', default: '20000' },
      drafts: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  console.error(`load: ${e.message}\n${USAGE}`);
  process.exit(2);
}
if (o.help) {
  console.log(USAGE);
  process.exit(0);
}
const REQUESTS = Number(o.requests);
const CONNECTIONS = Number(o.connections);
const TICKETS = Number(o.tickets);
const DRAFTS = Number(o.drafts);
for (const [k, v] of Object.entries({ REQUESTS, CONNECTIONS, TICKETS, DRAFTS })) {
  if (!Number.isInteger(v) || v < (k === 'TICKETS' ? 0 : 1)) {
    console.error(`error: --${k.toLowerCase()}: a positive whole number`);
    process.exit(2);
  }
}

/** mulberry32: the same --seed gives the same request mix. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(Number(o.seed));
const pick = (n) => Math.floor(rand() * n);

const dir = mkdtempSync(join(tmpdir(), 'deskctl-load-'));
const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data'), DESKCTL_DB: join(dir, 'helpdesk.db'), NO_COLOR: '1' };
delete env.DESKCTL_API_URL;
delete env.DESKCTL_PROFILE;
const deskctl = (args) => execFileSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const log = (s) => {
  if (!o.json) process.stderr.write(`${s}\n`);
};

log(`load: generating ${TICKETS} tickets and ${DRAFTS} drafts in ${dir}`);
deskctl(['generate', '--tickets', String(TICKETS), '--drafts', String(DRAFTS), '--random-seed', 'load']);
const token = deskctl(['tokens', 'create', '--name', 'load', '--role', 'admin']).trim();
const db = new Database(env.DESKCTL_DB, { readonly: true });
const ticketIds = db.prepare('SELECT id FROM tickets ORDER BY id').pluck().all();
const draftIds = db.prepare('SELECT id FROM drafts ORDER BY id').pluck().all();
const orgs = db.prepare('SELECT name FROM organizations ORDER BY id').pluck().all();
db.close();

const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'silent', '--rate-limit', '100000000'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let seen = '';
  server.stderr.on('data', (b) => {
    seen += b;
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`deskctl serve exited ${code}: ${seen}`)));
});
log(`load: ${REQUESTS} requests over ${CONNECTIONS} connections to ${url}`);

/** The request mix: mostly reads, a fifth bulk decisions (by filter and by ids, approve and reject). */
const base = '/v1/tenants/default';
const KINDS = [
  { name: 'list tickets', weight: 25, make: () => ({ method: 'GET', path: `${base}/tickets?limit=100&after=${ticketIds.length ? ticketIds[pick(ticketIds.length)] : 0}` }) },
  { name: 'list drafts', weight: 15, make: () => ({ method: 'GET', path: `${base}/drafts?limit=100${rand() < 0.5 ? `&org=${encodeURIComponent(orgs[pick(orgs.length)])}&includeChildren=true` : ''}` }) },
  { name: 'show ticket', weight: 15, make: () => ({ method: 'GET', path: `${base}/tickets/${ticketIds.length ? ticketIds[pick(ticketIds.length)] : 1}` }) },
  { name: 'settings', weight: 10, make: () => ({ method: 'GET', path: `${base}/${rand() < 0.5 ? 'settings' : 'approval'}` }) },
  { name: 'notifications', weight: 5, make: () => ({ method: 'GET', path: `${base}/notifications?limit=100&pending=true` }) },
  { name: 'audit', weight: 5, make: () => ({ method: 'GET', path: `${base}/audit?limit=100` }) },
  {
    name: 'decide by filter',
    weight: 10,
    make: () => ({ method: 'POST', path: `${base}/drafts/decisions`, body: { decision: rand() < 0.8 ? 'approve' : 'reject', filter: {}, limit: 25, after: draftIds[pick(draftIds.length)] }, decision: true }),
  },
  {
    name: 'decide by ids',
    weight: 15,
    make: () => {
      const start = pick(Math.max(1, draftIds.length - 25));
      return { method: 'POST', path: `${base}/drafts/decisions`, body: { decision: rand() < 0.8 ? 'approve' : 'reject', ids: draftIds.slice(start, start + 25) }, decision: true };
    },
  },
];
const total = KINDS.reduce((s, k) => s + k.weight, 0);
const plan = Array.from({ length: REQUESTS }, () => {
  let r = rand() * total;
  const kind = KINDS.find((k) => (r -= k.weight) < 0) ?? KINDS[0];
  return { kind: kind.name, ...kind.make() };
});

const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
const stats = new Map(KINDS.map((k) => [k.name, { latencies: [], errors: 0, examples: [] }]));
let decided = 0;
let next = 0;
const started = performance.now();
async function worker() {
  while (next < plan.length) {
    const req = plan[next++];
    const s = stats.get(req.kind);
    const headers = { authorization: `Bearer ${token}` };
    if (req.body) {
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = randomUUID();
    }
    const t0 = performance.now();
    try {
      const res = await pool.request({ method: req.method, path: req.path, headers, body: req.body ? JSON.stringify(req.body) : undefined });
      const text = await res.body.text();
      s.latencies.push(performance.now() - t0);
      if (res.statusCode >= 400) {
        s.errors++;
        if (s.examples.length < 3) s.examples.push(`${res.statusCode} ${req.method} ${req.path}: ${text.slice(0, 200)}`);
      } else if (req.decision) {
        decided += JSON.parse(text).results.filter((r) => r.ok).length;
      }
    } catch (e) {
      s.latencies.push(performance.now() - t0);
      s.errors++;
      if (s.examples.length < 3) s.examples.push(`${req.method} ${req.path}: ${e.code ?? e.message}`);
    }
  }
}
await Promise.all(Array.from({ length: CONNECTIONS }, worker));
const seconds = (performance.now() - started) / 1000;
await pool.close();

server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));

// Afterwards: every draft pending or decided exactly once, the database intact.
const check = new Database(env.DESKCTL_DB, { readonly: true });
const pendingNow = check.prepare('SELECT count(*) FROM drafts').pluck().get();
const decisions = check.prepare('SELECT count(*) FROM draft_decisions WHERE draft_id IN (SELECT value FROM json_each(?))').pluck().get(JSON.stringify(draftIds));
const doubled = check.prepare('SELECT count(*) FROM (SELECT draft_id FROM tickets WHERE draft_id IS NOT NULL GROUP BY draft_id HAVING count(*) > 1)').pluck().get();
const integrity = check.pragma('integrity_check', { simple: true });
check.close();
const consistent = pendingNow + decisions === DRAFTS && decisions === decided && doubled === 0 && integrity === 'ok';

const q = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0);
const row = (name, lat, errors) => {
  const sorted = [...lat].sort((a, b) => a - b);
  return { kind: name, requests: lat.length, errors, p50ms: +q(sorted, 50).toFixed(1), p99ms: +q(sorted, 99).toFixed(1), maxms: +(sorted.at(-1) ?? 0).toFixed(1) };
};
const rows = KINDS.map((k) => row(k.name, stats.get(k.name).latencies, stats.get(k.name).errors));
const all = row('all', [...stats.values()].flatMap((s) => s.latencies), [...stats.values()].reduce((n, s) => n + s.errors, 0));
const report = {
  requests: REQUESTS,
  connections: CONNECTIONS,
  tickets: TICKETS,
  drafts: DRAFTS,
  seconds: +seconds.toFixed(2),
  throughput: +(REQUESTS / seconds).toFixed(0),
  errors: all.errors,
  p50ms: all.p50ms,
  p99ms: all.p99ms,
  decided,
  pendingAfter: pendingNow,
  consistent,
  kinds: [...rows, all],
  examples: [...stats.values()].flatMap((s) => s.examples),
};

if (o.json) console.log(JSON.stringify(report));
else {
  const cols = ['kind', 'requests', 'errors', 'p50ms', 'p99ms', 'maxms'];
  const width = cols.map((c) => Math.max(c.length, ...report.kinds.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(width[i]) : String(c).padStart(width[i]))).join('  ');
  console.log(line(cols));
  for (const r of report.kinds) console.log(line(cols.map((c) => r[c])));
  console.log(
    `\n${REQUESTS} requests in ${report.seconds} s over ${CONNECTIONS} connections: ${report.throughput} req/s, p50 ${all.p50ms} ms, p99 ${all.p99ms} ms, ${all.errors} errors; ` +
      `${decided} drafts decided, ${pendingNow} pending, each at most once: ${consistent ? 'yes' : 'NO'}`,
  );
  for (const e of report.examples) console.log(`  error: ${e}`);
}
if (!o.keep) rmSync(dir, { recursive: true, force: true });
else log(`load: kept ${dir}`);
process.exitCode = all.errors === 0 && consistent ? 0 : 1;
