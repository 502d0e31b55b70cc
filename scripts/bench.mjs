#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --json FILE] [-- --runs N] [-- --only sqlite|postgres|webhook|email]`: deskctl's speed against floors
// measured in the same run on the same data, printed as one table. Every case runs in fresh
// processes; the median of the runs is compared, and the peak RSS of deskctl's runs is shown.
// Plain Node, no test framework: nothing here asserts a wall-clock time in a test.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverBinaries, startCluster } from './pg-cluster.mjs';
import { smtpFloor, startSmtpSink } from './smtp-bench.mjs';
import { APP_SECRET, PHONE_NUMBER_ID, deliveries, phoneOf, post, startListening } from './webhook-load.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'deskctl.cjs');
const WORK = join(ROOT, '.bench');

function parseArgs(argv) {
  const o = { quick: false, json: null, runs: null, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--only' && ['sqlite', 'postgres', 'webhook', 'email'].includes(argv[i + 1])) o.only = argv[++i];
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench [-- --quick] [-- --json FILE] [-- --runs N] [-- --only sqlite|postgres|webhook|email]');
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${a}`);
      process.exit(2);
    }
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const SIZE = opts.quick
  ? { drafts: 20_000, tickets: 500_000, seedTickets: 2_000, startRuns: 10, heavyRuns: 2, statsRuns: 3, deliveries: 2_000, phones: 200, emails: 2_000 }
  : { drafts: 100_000, tickets: 1_000_000, seedTickets: 10_000, startRuns: 20, heavyRuns: 3, statsRuns: 5, deliveries: 10_000, phones: 1_000, emails: 10_000 };
if (opts.runs) SIZE.startRuns = SIZE.heavyRuns = SIZE.statsRuns = opts.runs;
/** Concurrent keep-alive connections of the webhook row. */
const WEBHOOK_CONCURRENCY = 32;
/** The SMTP pool of the e-mail row, deskctl's (src/delivery/email.ts DEFAULT_POOL_SIZE) and the floor's. */
const SMTP_POOL = 5;
const NOW = '2026-11-02T12:00:00.000Z';

/* ---- tools ---- */

function ensureTool(cmd, pkg) {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0) return;
  console.error(`bench: installing ${pkg} (for ${cmd})`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  for (const args of [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', pkg]]) {
    const r = spawnSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`could not install ${pkg}; install it and run again`);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs a command once under GNU time: wall time (ms, measured here) and peak RSS (KB). */
function timed(cmd, args, { env = {}, input, stdout = 'ignore' } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    env: { ...process.env, NO_COLOR: '1', DESKCTL_NOW: NOW, ...env },
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', stdout, 'pipe'],
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const err = r.stderr.toString().trim().split('\n');
  const rssKb = Number(err.at(-1));
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${err.slice(-5).join('\n')}`);
  return { ms, rssKb, stdout: r.stdout?.toString() };
}

/**
 * Median time and peak RSS of each case over `runs` rounds of fresh processes. The cases take
 * turns within a round, so a slow spell of the machine (it is shared, and its speed wanders) falls
 * on all of them instead of on one. A case is a run function, or { run, before }.
 */
function measure(runs, cases) {
  const names = Object.keys(cases);
  const times = Object.fromEntries(names.map((k) => [k, []]));
  const rss = Object.fromEntries(names.map((k) => [k, 0]));
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      const c = cases[name];
      const { run, before } = typeof c === 'function' ? { run: c, before: () => {} } : c;
      before(i);
      const r = run(i);
      times[name].push(r.ms);
      rss[name] = Math.max(rss[name], r.rssKb);
    }
  }
  return Object.fromEntries(names.map((k) => [k, { ms: median(times[k]), rssKb: rss[k] }]));
}

const deskctl = (args, o) => timed(process.execPath, [BIN, ...args], o);
const sqlite = (db, sqlText, o = {}) => timed('sqlite3', [db], { ...o, input: sqlText });
const count = (db, table) => Number(execFileSync('sqlite3', [db, `SELECT count(*) FROM ${table}`]).toString().trim());
const fresh = (from, to) => {
  for (const ext of ['', '-wal', '-shm']) rmSync(to + ext, { force: true });
  copyFileSync(from, to);
};

/* ---- the floors ---- */

/** The row moves of `drafts approve --all` for a whole tenant as ONE raw set-based transaction. */
const APPROVE_FLOOR = `
PRAGMA foreign_keys = ON;
BEGIN IMMEDIATE;
CREATE TEMP TABLE seq AS SELECT protocol_seq AS base FROM tenants WHERE id = 1;
INSERT INTO tickets (tenant_id, protocol, requester_id, organization_id, department_id, category_id, subject, message,
  status, channel, visibility, conversation, fields, attachments, draft_id, created_at, due_at, updated_at)
SELECT tenant_id, printf('%d-%06d', 2026, (SELECT base FROM seq) + row_number() OVER (ORDER BY id)), requester_id, organization_id,
  department_id, category_id, subject, message, 'open', channel, 'public', conversation, fields, attachments, id,
  '${NOW}', strftime('%Y-%m-%dT%H:%M:%fZ', '${NOW}', '+24 hours'), '${NOW}'
FROM drafts WHERE tenant_id = 1 ORDER BY id;
UPDATE tenants SET protocol_seq = protocol_seq + (SELECT count(*) FROM drafts WHERE tenant_id = 1) WHERE id = 1;
INSERT INTO notifications (tenant_id, kind, channel, to_address, subject, ref_type, ref_id, created_at)
SELECT 1, k.kind, 'email', c.email, k.kind || ' ' || t.protocol || ': ' || t.subject, 'ticket', t.id, '${NOW}'
FROM tickets t JOIN customers c ON c.id = t.requester_id
CROSS JOIN (SELECT 'draft_approved' AS kind UNION ALL SELECT 'ticket_opened') k
WHERE t.draft_id IN (SELECT id FROM drafts WHERE tenant_id = 1);
INSERT INTO draft_decisions (draft_id, tenant_id, organization_id, department_id, requester_id, decision, decided_by, reason, ticket_id, created_at, decided_at)
SELECT d.id, d.tenant_id, d.organization_id, d.department_id, d.requester_id, 'approved', 'bench', NULL, t.id, d.created_at, '${NOW}'
FROM drafts d JOIN tickets t ON t.draft_id = d.id WHERE d.tenant_id = 1;
INSERT INTO audit (tenant_id, at, actor, action, entity, entity_id, details)
SELECT 1, '${NOW}', 'bench', 'draft.approve', 'draft', t.draft_id, json_object('ticket', t.id, 'protocol', t.protocol)
FROM tickets t WHERE t.draft_id IN (SELECT id FROM drafts WHERE tenant_id = 1);
DELETE FROM drafts WHERE tenant_id = 1;
COMMIT;
`;

/** The same GROUP BY as `stats export --by department,category` (all metrics), as CSV. */
function statsFloor() {
  const open = `('open', 'in_progress', 'waiting')`;
  const resolved = `('solved', 'closed')`;
  const solution = 'coalesce(t.solved_at, t.closed_at)';
  const dueFrom = NOW;
  const dueTo = new Date(Date.parse(NOW.slice(0, 10)) + 86_400_000).toISOString();
  return `.headers on
.mode csv
SELECT d.name AS department, c.name AS category, g.opened, g.solved, g.backlog, g.due_today, g.overdue, g.avg_resolution_hours, g.avg_rating
FROM (SELECT t.department_id AS d0, t.category_id AS d1, count(*) AS opened,
    coalesce(sum(t.status IN ${resolved} AND ${solution} IS NOT NULL), 0) AS solved,
    coalesce(sum(t.status IN ${open}), 0) AS backlog,
    coalesce(sum(t.status IN ${open} AND t.due_at >= '${dueFrom}' AND t.due_at < '${dueTo}'), 0) AS due_today,
    coalesce(sum(t.status IN ${open} AND t.due_at < '${NOW}'), 0) AS overdue,
    round(avg(CASE WHEN t.status IN ${resolved} THEN (julianday(${solution}) - julianday(t.created_at)) * 24 END), 2) AS avg_resolution_hours,
    round(avg(CASE WHEN t.status IN ${resolved} AND ${solution} IS NOT NULL THEN t.rating END), 2) AS avg_rating
  FROM tickets t WHERE t.tenant_id = 1 GROUP BY d0, d1) g
LEFT JOIN departments d ON d.id = g.d0 LEFT JOIN categories c ON c.id = g.d1 ORDER BY 1, 2;
`;
}

/**
 * The floor of `generate`: the very tickets it wrote, inserted again with multi-row prepared
 * INSERTs into the same schema (same indexes), into a copy of its database emptied of tickets.
 * Foreign keys are off, as for generate (its references are ids it has just read: no per-row
 * lookups). Only the inserting transaction is timed; it prints milliseconds.
 */
const INSERT_FLOOR = (from, into) => `
const Database = require(${JSON.stringify(join(ROOT, 'src', 'store', 'sqlite-driver.cjs'))}).node24Driver(${JSON.stringify(join(ROOT, 'package.json'))}) ?? require(${JSON.stringify(join(ROOT, 'node_modules', 'better-sqlite3'))});
const src = new Database(${JSON.stringify(from)}, { readonly: true });
const cols = src.prepare('SELECT * FROM tickets LIMIT 1').columns().map((c) => c.name);
const rows = src.prepare('SELECT * FROM tickets ORDER BY id').raw().all();
src.close();
const db = new Database(${JSON.stringify(into)});
db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL'); db.pragma('foreign_keys = OFF');
const per = Math.floor(4000 / cols.length);
const tuple = '(' + cols.map(() => '?').join(',') + ')';
const stmt = (n) => db.prepare('INSERT INTO tickets (' + cols.join(',') + ') VALUES ' + Array(n).fill(tuple).join(','));
const full = stmt(per);
const t = process.hrtime.bigint();
db.exec('BEGIN');
let i = 0;
for (; i + per <= rows.length; i += per) full.run(rows.slice(i, i + per).flat());
if (i < rows.length) stmt(rows.length - i).run(rows.slice(i).flat());
db.exec('COMMIT');
process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));
`;

/* ---- PostgreSQL: the same cases on a throwaway cluster (scripts/pg-cluster.mjs) ---- */

/** The row moves of `drafts approve --all` for a whole tenant as ONE raw set-based transaction, in PostgreSQL's SQL. */
const PG_APPROVE_FLOOR = `
\\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE seq AS SELECT protocol_seq AS base FROM tenants WHERE id = 1;
INSERT INTO tickets (tenant_id, protocol, requester_id, organization_id, department_id, category_id, subject, message,
  status, channel, visibility, conversation, fields, attachments, draft_id, created_at, due_at, updated_at)
SELECT tenant_id, '2026-' || lpad(((SELECT base FROM seq) + row_number() OVER (ORDER BY id))::text, 6, '0'), requester_id, organization_id,
  department_id, category_id, subject, message, 'open', channel, 'public', conversation, fields, attachments, id,
  '${NOW}', timestamptz '${NOW}' + interval '24 hours', '${NOW}'
FROM drafts WHERE tenant_id = 1 ORDER BY id;
UPDATE tenants SET protocol_seq = protocol_seq + (SELECT count(*) FROM drafts WHERE tenant_id = 1) WHERE id = 1;
INSERT INTO notifications (tenant_id, kind, channel, to_address, subject, ref_type, ref_id, created_at)
SELECT 1, k.kind, 'email', c.email, k.kind || ' ' || t.protocol || ': ' || t.subject, 'ticket', t.id, '${NOW}'
FROM tickets t JOIN customers c ON c.id = t.requester_id
CROSS JOIN (VALUES ('draft_approved'), ('ticket_opened')) k(kind)
WHERE t.draft_id IN (SELECT id FROM drafts WHERE tenant_id = 1);
INSERT INTO draft_decisions (draft_id, tenant_id, organization_id, department_id, requester_id, decision, decided_by, reason, ticket_id, created_at, decided_at)
SELECT d.id, d.tenant_id, d.organization_id, d.department_id, d.requester_id, 'approved', 'bench', NULL, t.id, d.created_at, '${NOW}'
FROM drafts d JOIN tickets t ON t.draft_id = d.id WHERE d.tenant_id = 1;
INSERT INTO audit (tenant_id, at, actor, action, entity, entity_id, details)
SELECT 1, '${NOW}', 'bench', 'draft.approve', 'draft', t.draft_id::text, json_build_object('ticket', t.id, 'protocol', t.protocol)::text
FROM tickets t WHERE t.draft_id IN (SELECT id FROM drafts WHERE tenant_id = 1);
DELETE FROM drafts WHERE tenant_id = 1;
COMMIT;
`;

/** The same GROUP BY as `stats export --by department,category` (all metrics), as CSV, in PostgreSQL's SQL. */
function pgStatsFloor() {
  const open = `('open', 'in_progress', 'waiting')`;
  const resolved = `('solved', 'closed')`;
  const solution = 'coalesce(t.solved_at, t.closed_at)';
  const dueTo = new Date(Date.parse(NOW.slice(0, 10)) + 86_400_000).toISOString();
  return `COPY (SELECT d.name AS department, c.name AS category, g.opened, g.solved, g.backlog, g.due_today, g.overdue, g.avg_resolution_hours, g.avg_rating
FROM (SELECT t.department_id AS d0, t.category_id AS d1, count(*) AS opened,
    count(*) FILTER (WHERE t.status IN ${resolved} AND ${solution} IS NOT NULL) AS solved,
    count(*) FILTER (WHERE t.status IN ${open}) AS backlog,
    count(*) FILTER (WHERE t.status IN ${open} AND t.due_at >= '${NOW}' AND t.due_at < '${dueTo}') AS due_today,
    count(*) FILTER (WHERE t.status IN ${open} AND t.due_at < '${NOW}') AS overdue,
    round(avg(CASE WHEN t.status IN ${resolved} THEN extract(epoch FROM (${solution} - t.created_at)) / 3600 END)::numeric, 2) AS avg_resolution_hours,
    round(avg(CASE WHEN t.status IN ${resolved} AND ${solution} IS NOT NULL THEN t.rating END)::numeric, 2) AS avg_rating
  FROM tickets t WHERE t.tenant_id = 1 GROUP BY 1, 2) g
LEFT JOIN departments d ON d.id = g.d0 LEFT JOIN categories c ON c.id = g.d1 ORDER BY 1, 2) TO STDOUT WITH (FORMAT csv, HEADER)`;
}

/** A running `deskctl serve` on `db`; resolves once it listens. */
async function startServe(db) {
  const server = spawn(process.execPath, [BIN, '--db', db, 'serve', '--port', '0', '--log-level', 'info', '--rate-limit', '1000000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DESKCTL_NOW: NOW },
  });
  let logs = '';
  server.stdout.on('data', (b) => (logs += b));
  const url = await new Promise((resolve, reject) => {
    let err = '';
    server.stderr.on('data', (b) => {
      err += b;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    server.on('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)));
  });
  return {
    url,
    requests: () => logs.split('\n').filter((l) => l.includes('"request completed"')).length,
    stop: () =>
      new Promise((resolve) => {
        server.on('close', resolve);
        server.kill('SIGTERM');
      }),
  };
}

/** A deskctl run in the background: wall time and peak RSS as timed() gives them, exit 0 or 3 (some drafts another decider took). */
function timedAsync(args, env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn('/usr/bin/time', ['-f', '%M', process.execPath, BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', DESKCTL_NOW: NOW, ...env } });
    let err = '';
    p.stderr.on('data', (b) => (err += b));
    p.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const lines = err.trim().split('\n');
      if (code !== 0 && code !== 3) reject(new Error(`deskctl ${args.join(' ')} exited ${code}: ${lines.slice(-5).join('\n')}`));
      else resolve({ ms, rssKb: Number(lines.at(-1)) });
    });
  });
}

async function postgresCases(row, rows) {
  const bin = serverBinaries();
  if (!bin) {
    banner('no PostgreSQL server binaries (initdb, pg_ctl) found: the PostgreSQL rows are SKIPPED (install Debian\'s postgresql package)');
    rows.push({ case: 'PostgreSQL rows', deskctlMs: null, floorMs: null, ratio: null, peakRssMb: null, target: 'skipped: no PostgreSQL server binaries', holds: null, note: '' });
    return;
  }
  ensureTool('psql', 'postgresql-client');
  banner('starting a throwaway PostgreSQL cluster');
  // A bulk load of a million rows writes GBs of WAL: room for it between checkpoints, as a server
  // sized for bulk loads has; the same for deskctl and the floors.
  const cluster = await startCluster(bin, ['max_wal_size=8GB', 'shared_buffers=256MB', 'max_connections=100']);
  const at = (name) => {
    const u = new URL(cluster.url);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = (sqlText) => execFileSync('psql', [cluster.url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', 'SET client_min_messages = warning', '-c', sqlText], { encoding: 'utf8' });
  const psql = (db, sqlText, o = {}) => timed('psql', [db, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { ...o, input: sqlText });
  const pgCount = (db, table) => Number(execFileSync('psql', [db, '-X', '-A', '-t', '-c', `SELECT count(*) FROM ${table}`], { encoding: 'utf8' }).trim());
  /** A fresh copy of a template database (deskctl's `fresh` of a file). */
  const freshDb = (from, to) => {
    admin(`DROP DATABASE IF EXISTS ${to} WITH (FORCE)`);
    admin(`CREATE DATABASE ${to} TEMPLATE ${from} STRATEGY FILE_COPY`);
    admin('CHECKPOINT');
  };
  try {
    if (opts.only !== 'webhook') await postgresHeavyCases({ row, rows, at, admin, psql, pgCount, freshDb });
    // 12. WhatsApp webhook deliveries over deskctl serve, PostgreSQL
    banner(`PostgreSQL: WhatsApp webhook, ${SIZE.deliveries.toLocaleString('en-US')} deliveries over deskctl serve, and the floor`);
    admin('CREATE DATABASE webhook_base');
    prepareWebhookTenant(at('webhook_base'));
    await webhookCase(row, {
      suffix: ', PostgreSQL',
      freshRun: () => (freshDb('webhook_base', 'webhook_run'), at('webhook_run')),
      countStored: (db) => Number(execFileSync('psql', [db, '-X', '-A', '-t', '-c', STORED_MESSAGES], { encoding: 'utf8' }).trim()),
      freshFloor: () => {
        admin('DROP DATABASE IF EXISTS webhook_floor WITH (FORCE)');
        admin('CREATE DATABASE webhook_floor');
        return at('webhook_floor');
      },
      countFloor: (db) => pgCount(db, 'webhook_messages'),
    });
  } finally {
    cluster.stop();
  }
}

/** The PostgreSQL rows 8-11 (bulk approval local and over three servers, stats export, generate). */
async function postgresHeavyCases({ row, rows, at, admin, psql, pgCount, freshDb }) {
  // 8. bulk approval, local, PostgreSQL
  banner(`PostgreSQL: generating ${SIZE.drafts.toLocaleString('en-US')} drafts`);
  admin('CREATE DATABASE drafts_base');
  deskctl(['--db', at('drafts_base'), 'generate', '--orgs', '50', '--customers', '5000', '--tickets', '0', '--drafts', String(SIZE.drafts)]);
  admin('VACUUM ANALYZE');
  psql(at('drafts_base'), 'VACUUM ANALYZE;');
  const runDb = at('run');
  banner('PostgreSQL: drafts approve --all (local)');
  const { local: approve, floor: approveFloor } = measure(SIZE.heavyRuns, {
    local: {
      before: () => freshDb('drafts_base', 'run'),
      run: () => {
        const r = deskctl(['--db', runDb, 'drafts', 'approve', '--all', '--yes']);
        if (pgCount(runDb, 'drafts') !== 0 || pgCount(runDb, 'draft_decisions') < SIZE.drafts) throw new Error('drafts approve --all left drafts behind');
        return r;
      },
    },
    floor: {
      before: () => freshDb('drafts_base', 'run'),
      run: () => {
        const r = psql(runDb, PG_APPROVE_FLOOR);
        if (pgCount(runDb, 'drafts') !== 0) throw new Error('the floor left drafts behind');
        return r;
      },
    },
  });
  row(`drafts approve --all, ${SIZE.drafts.toLocaleString('en-US')} drafts, PostgreSQL`, approve, approveFloor, '≤ 1.5× psql', approve.ms / approveFloor.ms <= 1.5);

  // 9. the same over three deskctl serve on the one database, a decider on each
  banner('PostgreSQL: drafts approve --all over three deskctl serve');
  const remote = [];
  let remoteRss = 0;
  let requests = 0;
  for (let i = 0; i < SIZE.heavyRuns; i++) {
    freshDb('drafts_base', 'run');
    const token = deskctl(['--db', runDb, 'tokens', 'create', '--name', `bench-${i}`, '--role', 'admin'], { stdout: 'pipe' }).stdout.trim();
    const servers = await Promise.all([0, 1, 2].map(() => startServe(runDb)));
    const t0 = process.hrtime.bigint();
    const runs = await Promise.all(servers.map((s) => timedAsync(['drafts', 'approve', '--all', '--yes'], { DESKCTL_API_URL: s.url, DESKCTL_TOKEN: token })));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    requests = Math.max(requests, servers.reduce((n, s) => n + s.requests(), 0));
    await Promise.all(servers.map((s) => s.stop()));
    if (pgCount(runDb, 'drafts') !== 0 || pgCount(runDb, 'tickets') !== SIZE.drafts) throw new Error('approve --all over three servers did not decide every draft exactly once');
    remote.push(ms);
    remoteRss = Math.max(remoteRss, ...runs.map((r) => r.rssKb));
  }
  const remoteM = { ms: median(remote), rssKb: remoteRss };
  row('the same over three deskctl serve (one PostgreSQL, a decider on each)', remoteM, approve, '≤ 2× local PostgreSQL', remoteM.ms / approve.ms <= 2, `${requests} requests`);

  // 10. statistics export, PostgreSQL
  banner(`PostgreSQL: generating ${SIZE.tickets.toLocaleString('en-US')} tickets`);
  admin('CREATE DATABASE tickets');
  admin('CHECKPOINT');
  const ticketsDb = at('tickets');
  const gen = deskctl(['--db', ticketsDb, 'generate', '--orgs', '200', '--customers', '20000', '--tickets', String(SIZE.tickets), '--drafts', '0']);
  psql(ticketsDb, 'VACUUM ANALYZE;');
  banner('PostgreSQL: stats export');
  const csvOut = join(WORK, 'export-pg.csv');
  // For the record, the floor without parallel workers: deskctl streams its rows through a
  // cursor (a portal fetched a batch at a time), and PostgreSQL never runs such a query in parallel.
  const serialFloor = `SET max_parallel_workers_per_gather = 0; ${pgStatsFloor()};`;
  const { deskctl: exp, floor: expFloor, serial } = measure(SIZE.statsRuns, {
    deskctl: () => deskctl(['--db', ticketsDb, 'stats', 'export', '--by', 'department,category', '--format', 'csv', '--out', csvOut]),
    floor: () => timed('psql', [ticketsDb, '-X', '-q', '-c', pgStatsFloor()], { stdout: 'pipe' }),
    serial: () => psql(ticketsDb, serialFloor, { stdout: 'pipe' }),
  });
  const ours = readFileSync(csvOut, 'utf8').trim().split(/\r?\n/).length;
  const theirs = execFileSync('psql', [ticketsDb, '-X', '-q', '-c', pgStatsFloor()], { encoding: 'utf8' }).trim().split(/\r?\n/).length;
  if (ours !== theirs) throw new Error(`stats export on PostgreSQL wrote ${ours} lines, the floor ${theirs}`);
  row(`stats export --by department,category, ${SIZE.tickets.toLocaleString('en-US')} tickets, PostgreSQL`, exp, expFloor, '≤ 1.3× psql', exp.ms / expFloor.ms <= 1.3, `psql without parallel workers ${Math.round(serial.ms)} ms: ${(exp.ms / serial.ms).toFixed(2)}×`);

  // 11. generate, PostgreSQL: against psql's \copy of the very tickets it wrote, into a copy of its
  // database emptied of tickets (same schema, same indexes and foreign keys), the psql process timed.
  const copyFile = join(WORK, 'tickets.copy');
  execFileSync('psql', [ticketsDb, '-X', '-q', '-c', `\\copy (SELECT * FROM tickets ORDER BY id) TO '${copyFile}'`]);
  freshDb('tickets', 'floor');
  psql(at('floor'), 'TRUNCATE tickets CASCADE; VACUUM ANALYZE tickets; CHECKPOINT;');
  const copied = timed('psql', [at('floor'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy tickets FROM '${copyFile}'`]);
  if (pgCount(at('floor'), 'tickets') !== SIZE.tickets) throw new Error('the \\copy floor did not load every ticket');
  const rate = (ms) => Math.round(SIZE.tickets / (ms / 1000));
  rows.push({
    case: `generate --tickets ${SIZE.tickets.toLocaleString('en-US')}, PostgreSQL`,
    deskctlMs: Math.round(gen.ms),
    floorMs: Math.round(copied.ms),
    ratio: Number((gen.ms / copied.ms).toFixed(2)),
    peakRssMb: Math.round(gen.rssKb / 1024),
    target: '≥ 0.6× psql \\copy rows/s',
    holds: copied.ms / gen.ms >= 0.6,
    note: `${rate(gen.ms).toLocaleString('en-US')} tickets/s, ${(copied.ms / gen.ms).toFixed(2)}× the floor's ${rate(copied.ms).toLocaleString('en-US')}/s`,
  });
}

/* ---- the cases ---- */

/**
 * The WhatsApp webhook row (issue 15): SIZE.deliveries signed deliveries of one text message each,
 * from SIZE.phones customers' phones, posted at WEBHOOK_CONCURRENCY over keep-alive connections
 * to one `deskctl serve` with a connected tenant — against the floor, a bare fastify route that
 * verifies the same signature and inserts one row per message in one transaction
 * (scripts/webhook-floor.mjs), on the same store. Every delivery must be answered 200 and every
 * message stored (counted afterwards).
 */
async function webhookCase(row, o) {
  const list = deliveries(SIZE.deliveries, SIZE.phones);
  const runs = { deskctl: [], floor: [] };
  let rssKb = 0;
  for (let i = 0; i < SIZE.heavyRuns; i++) {
    const db = o.freshRun();
    const server = await startListening(process.execPath, [BIN, '--db', db, 'serve', '--port', '0', '--log-level', 'warn', '--rate-limit', '1000000', '--webhook-rate-limit', '100000000'], { DESKCTL_NOW: NOW });
    const r = await post(`${server.url}/webhooks/whatsapp`, list, WEBHOOK_CONCURRENCY);
    rssKb = Math.max(rssKb, (await server.stop()).rssKb);
    const stored = o.countStored(db);
    if (r.errors || stored !== SIZE.deliveries) throw new Error(`webhook: ${r.errors} errors (${r.firstError.join('; ')}), ${stored} of ${SIZE.deliveries} messages stored`);
    runs.deskctl.push(r);
    const floorDb = o.freshFloor();
    const floor = await startListening(process.execPath, [join(ROOT, 'scripts', 'webhook-floor.mjs'), '--db', floorDb, '--secret', APP_SECRET]);
    const f = await post(`${floor.url}/webhooks/whatsapp`, list, WEBHOOK_CONCURRENCY);
    await floor.stop();
    const floorStored = o.countFloor(floorDb);
    if (f.errors || floorStored !== SIZE.deliveries) throw new Error(`webhook floor: ${f.errors} errors (${f.firstError.join('; ')}), ${floorStored} rows`);
    runs.floor.push(f);
  }
  const med = (xs, k) => median(xs.map((x) => x[k]));
  const d = { ms: med(runs.deskctl, 'ms'), rssKb };
  const f = { ms: med(runs.floor, 'ms') };
  const perS = (ms) => Math.round(SIZE.deliveries / (ms / 1000)).toLocaleString('en-US');
  row(
    `WhatsApp webhook, ${SIZE.deliveries.toLocaleString('en-US')} deliveries from ${SIZE.phones.toLocaleString('en-US')} phones, ${WEBHOOK_CONCURRENCY} at once${o.suffix}`,
    d,
    f,
    '≤ 2× the floor, 0 errors, 0 lost',
    d.ms / f.ms <= 2,
    `${perS(d.ms)} messages/s, p99 ${med(runs.deskctl, 'p99').toFixed(1)} ms; floor ${perS(f.ms)}/s, p99 ${med(runs.floor, 'p99').toFixed(1)} ms; 0 errors, 0 lost`,
  );
}

/** The webhook row's tenant: a department, SIZE.phones customers with their phones, WhatsApp connected, tickets opened automatically. */
function webhookFixture() {
  return {
    departments: [{ name: 'Suporte', categories: ['WhatsApp'] }],
    customers: Array.from({ length: SIZE.phones }, (_, i) => ({ email: `wa${i}@cliente.example`, name: `Cliente ${i}`, phone: `+${phoneOf(i)}` })),
  };
}

function prepareWebhookTenant(db) {
  const fixture = join(WORK, 'webhook-fixture.json');
  writeFileSync(fixture, JSON.stringify(webhookFixture()));
  deskctl(['--db', db, 'seed', fixture]);
  for (const [k, v] of WEBHOOK_SETTINGS) deskctl(['--db', db, 'settings', 'set', k, v]);
  deskctl(['--db', db, 'whatsapp', 'connect', '--phone-number-id', PHONE_NUMBER_ID, '--secrets-stdin'], {
    input: JSON.stringify({ appSecret: APP_SECRET, accessToken: 'EAA-bench', verifyToken: 'bench-verify' }),
  });
}

/** A ticket is opened for each phone's first message (R25); the others join its conversation. */
const WEBHOOK_SETTINGS = [
  ['whatsapp.ticket.department', 'Suporte'],
  ['whatsapp.ticket.title', 'Atendimento WhatsApp'],
  ['whatsapp.autoTicket', 'true'],
];

function banner(s) {
  process.stderr.write(`bench: ${s}\n`);
}

async function main() {
  ensureTool('sqlite3', 'sqlite3');
  if (!existsSync('/usr/bin/time')) ensureTool('/usr/bin/time', 'time');
  if (!existsSync(join(ROOT, 'dist', 'cli.cjs'))) throw new Error('dist/ is missing: run npm run build first');
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const rows = [];
  const row = (name, d, floor, target, holds, note = '') => {
    rows.push({
      case: name,
      deskctlMs: Math.round(d.ms),
      floorMs: floor === null ? null : Math.round(floor.ms),
      ratio: floor === null ? null : Number((d.ms / floor.ms).toFixed(2)),
      peakRssMb: Math.round(d.rssKb / 1024),
      target,
      holds,
      note,
    });
  };

  if (opts.only === 'webhook') await sqliteWebhook(row);
  else if (opts.only === 'email') await emailCase(row);
  else if (opts.only !== 'postgres') await sqliteCases(row, rows);
  // 8-11. the PostgreSQL rows, on a throwaway cluster (skipped where no server binaries exist)
  if (opts.only !== 'sqlite' && opts.only !== 'email') await postgresCases(row, rows);

  print(rows);
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify({ machine: machine(), quick: opts.quick, rows }, null, 2)}\n`);
  rmSync(WORK, { recursive: true, force: true });
  process.exitCode = rows.some((r) => r.holds === false) ? 1 : 0;
}

/** The cases on SQLite files (1-7). */
async function sqliteCases(row, rows) {
  // 1-2. start-up: the three commands take turns, so a slow moment of the machine hits all of them.
  banner('start-up');
  const small = join(WORK, 'small.db');
  deskctl(['--db', small, 'demo']);
  const startUp = (env) =>
    measure(SIZE.startRuns, {
      bare: () => timed(process.execPath, ['-e', '0'], { env }),
      version: () => deskctl(['--version'], { env }),
      show: () => deskctl(['--db', small, '--tenant', 'demo', 'approval', 'show'], { env }),
    });
  // The start-up targets are judged as a laptop sees them: without NODE_EXTRA_CA_CERTS. Where it is
  // set (as on these machines), every Node process parses that CA bundle when it starts (tens of
  // milliseconds), which pads both sides of the ratios; those padded runs stay, for the record.
  const padded = Boolean(process.env.NODE_EXTRA_CA_CERTS);
  const s = startUp({ NODE_EXTRA_CA_CERTS: undefined }); // an undefined variable is left out of the child's environment
  const laptop = padded ? ' (without NODE_EXTRA_CA_CERTS)' : '';
  row(`deskctl --version${laptop}`, s.version, s.bare, '≤ 1.3× node -e 0', s.version.ms / s.bare.ms <= 1.3);
  row(`approval show (local db)${laptop}`, s.show, s.bare, '≤ 1.5× node -e 0', s.show.ms / s.bare.ms <= 1.5);
  if (padded) {
    const c = startUp({});
    row('deskctl --version (with NODE_EXTRA_CA_CERTS)', c.version, c.bare, 'for the record', null);
    row('approval show (with NODE_EXTRA_CA_CERTS)', c.show, c.bare, 'for the record', null);
  }

  // 3. bulk approval, local
  banner(`generating ${SIZE.drafts.toLocaleString('en-US')} drafts`);
  const draftsBase = join(WORK, 'drafts-base.db');
  deskctl(['--db', draftsBase, 'generate', '--orgs', '50', '--customers', '5000', '--tickets', '0', '--drafts', String(SIZE.drafts)]);
  const run = join(WORK, 'run.db');
  banner('drafts approve --all (local)');
  const { local: approve, floor: approveFloor } = measure(SIZE.heavyRuns, {
    local: {
      before: () => fresh(draftsBase, run),
      run: () => {
        const r = deskctl(['--db', run, 'drafts', 'approve', '--all', '--yes']);
        if (count(run, 'drafts') !== 0 || count(run, 'draft_decisions') < SIZE.drafts) throw new Error('drafts approve --all left drafts behind');
        return r;
      },
    },
    floor: {
      before: () => fresh(draftsBase, run),
      run: () => {
        const r = sqlite(run, APPROVE_FLOOR);
        if (count(run, 'drafts') !== 0) throw new Error('the floor left drafts behind');
        return r;
      },
    },
  });
  row(`drafts approve --all, ${SIZE.drafts.toLocaleString('en-US')} drafts`, approve, approveFloor, '≤ 1.5×, RSS < 200 MB', approve.ms / approveFloor.ms <= 1.5 && approve.rssKb < 200 * 1024);

  // 4. the same over deskctl serve on loopback
  banner('drafts approve --all over deskctl serve');
  let requests = 0;
  const remote = [];
  let remoteRss = 0;
  for (let i = 0; i < SIZE.heavyRuns; i++) {
    fresh(draftsBase, run);
    const token = deskctl(['--db', run, 'tokens', 'create', '--name', `bench-${i}`, '--role', 'admin'], { stdout: 'pipe' }).stdout.trim();
    const server = spawn(process.execPath, [BIN, '--db', run, 'serve', '--port', '0', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DESKCTL_NOW: NOW } });
    let logs = '';
    server.stdout.on('data', (b) => (logs += b));
    const url = await new Promise((resolve, reject) => {
      let err = '';
      server.stderr.on('data', (b) => {
        err += b;
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]);
      });
      server.on('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)));
    });
    const r = deskctl(['drafts', 'approve', '--all', '--yes'], { env: { DESKCTL_API_URL: url, DESKCTL_TOKEN: token } });
    server.kill('SIGTERM');
    await new Promise((resolve) => server.on('close', resolve));
    if (count(run, 'drafts') !== 0) throw new Error('remote approve --all left drafts behind');
    requests = Math.max(requests, logs.split('\n').filter((l) => l.includes('"request completed"')).length);
    remote.push(r.ms);
    remoteRss = Math.max(remoteRss, r.rssKb);
  }
  const remoteM = { ms: median(remote), rssKb: remoteRss };
  row('the same over deskctl serve (loopback)', remoteM, approve, '≤ 2× local, ≤ 100 requests', remoteM.ms / approve.ms <= 2 && requests <= 100, `${requests} requests`);

  // 5. statistics export
  banner(`generating ${SIZE.tickets.toLocaleString('en-US')} tickets`);
  const ticketsDb = join(WORK, 'tickets.db');
  for (const ext of ['', '-wal', '-shm']) rmSync(ticketsDb + ext, { force: true });
  const gen = deskctl(['--db', ticketsDb, 'generate', '--orgs', '200', '--customers', '20000', '--tickets', String(SIZE.tickets), '--drafts', '0']);
  banner('stats export');
  const csvOut = join(WORK, 'export.csv');
  const { deskctl: exp, floor: expFloor } = measure(SIZE.statsRuns, {
    deskctl: () => deskctl(['--db', ticketsDb, 'stats', 'export', '--by', 'department,category', '--format', 'csv', '--out', csvOut]),
    floor: () => sqlite(ticketsDb, statsFloor(), { stdout: 'pipe' }),
  });
  const ours = readFileSync(csvOut, 'utf8').trim().split(/\r?\n/).length;
  const theirs = spawnSync('sqlite3', [ticketsDb], { input: statsFloor() }).stdout.toString().trim().split(/\r?\n/).length;
  if (ours !== theirs) throw new Error(`stats export wrote ${ours} lines, the floor ${theirs}`);
  row(`stats export --by department,category, ${SIZE.tickets.toLocaleString('en-US')} tickets`, exp, expFloor, '≤ 1.3×, RSS < 200 MB', exp.ms / expFloor.ms <= 1.3 && exp.rssKb < 200 * 1024);

  // 6. generate
  const genRate = SIZE.tickets / (gen.ms / 1000);
  const rate = (ms) => Math.round(SIZE.tickets / (ms / 1000)).toLocaleString('en-US');
  const floorDb = join(WORK, 'floor.db');
  fresh(ticketsDb, floorDb);
  execFileSync('sqlite3', [floorDb, 'DELETE FROM tickets; VACUUM;']);
  const sqlFloorDb = join(WORK, 'floor-sql.db');
  fresh(floorDb, sqlFloorDb);
  const insert = { ms: Number(timed(process.execPath, ['-e', INSERT_FLOOR(ticketsDb, floorDb)], { stdout: 'pipe' }).stdout) };
  // For the record, SQLite's own ceiling: the same rows copied by one INSERT ... SELECT, no JavaScript
  // at all, the whole sqlite3 process timed (commit and checkpoint included, as for generate). The
  // WHERE keeps SQLite from copying b-tree pages wholesale, so every row and index entry is built.
  const inSql = sqlite(
    sqlFloorDb,
    `PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144; ATTACH '${ticketsDb}' AS src;
     BEGIN; INSERT INTO main.tickets SELECT * FROM src.tickets WHERE id > 0; COMMIT;`,
  );
  rows.push({
    case: `generate --tickets ${SIZE.tickets.toLocaleString('en-US')}`,
    deskctlMs: Math.round(gen.ms),
    floorMs: Math.round(insert.ms),
    ratio: Number((gen.ms / insert.ms).toFixed(2)),
    peakRssMb: Math.round(gen.rssKb / 1024),
    // The target is SQLite's own speed on the same rows ("SQLite alone", measured in this run):
    // at least 0.6 of it (150,000 tickets/s was that ceiling on this machine, not a goal for JavaScript).
    target: '≥ 0.6× SQLite alone',
    holds: inSql.ms / gen.ms >= 0.6,
    note: `${Math.round(genRate).toLocaleString('en-US')} tickets/s (floor ${rate(insert.ms)}/s; SQLite alone ${rate(inSql.ms)}/s)`,
  });

  // 7. seed of a fixture
  banner(`seed of a ${SIZE.seedTickets.toLocaleString('en-US')}-ticket fixture`);
  const fixture = join(WORK, 'fixture.json');
  writeFileSync(fixture, JSON.stringify(seedFixture(SIZE.seedTickets)));
  const seedDb = join(WORK, 'seed.db');
  const { seed: seeded } = measure(SIZE.heavyRuns, {
    seed: {
      before: () => {
        for (const ext of ['', '-wal', '-shm']) rmSync(seedDb + ext, { force: true });
      },
      run: () => deskctl(['--db', seedDb, 'seed', fixture]),
    },
  });
  row(`seed, ${SIZE.seedTickets.toLocaleString('en-US')}-ticket fixture`, seeded, null, 'report only', null);

  await sqliteWebhook(row);
  await emailCase(row);
}

/** 8. WhatsApp webhook deliveries over deskctl serve, SQLite. */
async function sqliteWebhook(row) {
  banner(`WhatsApp webhook: ${SIZE.deliveries.toLocaleString('en-US')} deliveries over deskctl serve, and the floor`);
  const waBase = join(WORK, 'webhook-base.db');
  prepareWebhookTenant(waBase);
  const waRun = join(WORK, 'webhook-run.db');
  const waFloor = join(WORK, 'webhook-floor.db');
  await webhookCase(row, {
    suffix: '',
    freshRun: () => (fresh(waBase, waRun), waRun),
    countStored: (db) => Number(execFileSync('sqlite3', [db, STORED_MESSAGES]).toString().trim()),
    freshFloor: () => {
      for (const ext of ['', '-wal', '-shm']) rmSync(waFloor + ext, { force: true });
      return waFloor;
    },
    countFloor: (db) => count(db, 'webhook_messages'),
  });
}

/**
 * The e-mail row (issue 16, R33): `notifications deliver` of SIZE.emails queued e-mails (one
 * `ticket_opened` per generated ticket, to its requester, as `tickets create` queues them) to an
 * SMTP sink on loopback (scripts/smtp-bench.mjs, smtp-server in this process) — against the floor,
 * a bare nodemailer loop with the same pool size sending as many e-mails of the same shape to the
 * same sink, in its own process. Both are whole processes timed by wall clock (start-up included);
 * every e-mail must reach the sink and every notification be marked delivered.
 */
async function emailCase(row) {
  banner(`e-mail: ${SIZE.emails.toLocaleString('en-US')} queued e-mails delivered to an SMTP sink, and a bare nodemailer loop`);
  const base = join(WORK, 'email-base.db');
  deskctl(['--db', base, 'generate', '--orgs', '20', '--customers', '2000', '--tickets', String(SIZE.emails), '--drafts', '0']);
  deskctl(['--db', base, 'settings', 'set', 'notifications.from', 'Central de Ajuda Açaí <ajuda@norte.example>']);
  sqlite(base, `DELETE FROM notifications;
INSERT INTO notifications (tenant_id, kind, channel, to_address, subject, ref_type, ref_id, created_at)
SELECT t.tenant_id, 'ticket_opened', 'email', c.email, 'ticket_opened ' || t.protocol || ': ' || t.subject, 'ticket', t.id, '${NOW}'
FROM tickets t JOIN customers c ON c.id = t.requester_id WHERE t.tenant_id = 1 ORDER BY t.id LIMIT ${SIZE.emails};`);
  if (count(base, 'notifications') !== SIZE.emails) throw new Error(`the e-mail row queued ${count(base, 'notifications')} of ${SIZE.emails} e-mails`);
  const run = join(WORK, 'email-run.db');
  const sink = await startSmtpSink();
  const runs = { deskctl: [], floor: [] };
  let rssKb = 0;
  let floorRssKb = 0;
  try {
    for (let i = 0; i < SIZE.heavyRuns; i++) {
      fresh(base, run);
      sink.reset();
      const d = await timedAsync(['--db', run, 'notifications', 'deliver'], { DESKCTL_SMTP_URL: sink.url });
      const delivered = Number(execFileSync('sqlite3', [run, "SELECT count(*) FROM notifications WHERE status = 'delivered'"]).toString().trim());
      if (sink.count() !== SIZE.emails || delivered !== SIZE.emails) throw new Error(`notifications deliver: the sink got ${sink.count()} e-mails, ${delivered} of ${SIZE.emails} marked delivered`);
      runs.deskctl.push(d.ms);
      rssKb = Math.max(rssKb, d.rssKb);
      sink.reset();
      const f = await smtpFloor({ url: sink.url, count: SIZE.emails, pool: SMTP_POOL });
      if (sink.count() !== SIZE.emails) throw new Error(`the SMTP floor: the sink got ${sink.count()} of ${SIZE.emails} e-mails`);
      runs.floor.push(f.ms);
      floorRssKb = Math.max(floorRssKb, f.rssKb);
    }
  } finally {
    await sink.close();
  }
  const d = { ms: median(runs.deskctl), rssKb };
  const f = { ms: median(runs.floor) };
  const perS = (ms) => Math.round(SIZE.emails / (ms / 1000));
  row(
    `notifications deliver, ${SIZE.emails.toLocaleString('en-US')} e-mails to a local SMTP sink (pool of ${SMTP_POOL})`,
    d,
    f,
    '≥ 0.5× a bare nodemailer loop (messages/s)',
    perS(d.ms) / perS(f.ms) >= 0.5,
    `${perS(d.ms).toLocaleString('en-US')} e-mails/s, ${(perS(d.ms) / perS(f.ms)).toFixed(2)}× the floor's ${perS(f.ms).toLocaleString('en-US')}/s (floor peak RSS ${Math.round(floorRssKb / 1024)} MB)`,
  );
}

/** The inbound messages the webhook row stored (the engine's table of WhatsApp messages). */
const STORED_MESSAGES = "SELECT count(*) FROM whatsapp_messages WHERE direction = 'in' AND wa_id LIKE 'wamid.bench.%'";

function seedFixture(n) {
  const departments = [
    { name: 'Suporte', categories: ['Acesso', 'Rede'] },
    { name: 'Financeiro', categories: ['Boleto'] },
  ];
  const organizations = [{ name: 'Matriz' }, { name: 'Filial', parent: 'Matriz' }];
  const customers = Array.from({ length: 200 }, (_, i) => ({ email: `c${i}@cliente.example`, name: `Cliente ${i}`, organization: i % 2 ? 'Filial' : 'Matriz', manager: i === 0 }));
  const tickets = Array.from({ length: n }, (_, i) => ({
    ref: `T-${i}`,
    requester: `c${1 + (i % 199)}@cliente.example`,
    department: i % 3 ? 'Suporte' : 'Financeiro',
    category: i % 3 ? (i % 2 ? 'Acesso' : 'Rede') : 'Boleto',
    subject: `Chamado ${i}`,
    message: 'Mensagem do chamado.',
    channel: 'panel',
    status: i % 4 ? 'closed' : 'solved',
    createdAt: new Date(Date.parse('2026-01-01T12:00:00Z') + i * 60_000).toISOString(),
    solvedAt: new Date(Date.parse('2026-01-01T15:00:00Z') + i * 60_000).toISOString(),
    rating: 1 + (i % 5),
  }));
  return { settings: { 'reopen.allowed': true }, departments, organizations, customers, tickets };
}

function machine() {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

function print(rs) {
  const head = ['case', 'deskctl (median)', 'floor (median)', 'ratio', 'peak RSS', 'target', 'holds'];
  const body = rs.map((r) => [
    r.case,
    r.deskctlMs === null ? '—' : `${r.deskctlMs} ms`,
    r.floorMs === null ? '—' : `${r.floorMs} ms`,
    r.ratio === null ? '—' : `${r.ratio}×${r.note ? ` (${r.note})` : ''}`,
    r.peakRssMb === null ? '—' : `${r.peakRssMb} MB`,
    r.target,
    r.holds === null ? '—' : r.holds ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\ndeskctl bench${opts.quick ? ' (--quick)' : ''} on ${machine()}\n`);
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
});
