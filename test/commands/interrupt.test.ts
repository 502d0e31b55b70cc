import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { count } from '../helpers/db.js';
import { runDeskctl } from '../helpers/run.js';

/**
 * Defect 1 of issue 12, for the long local jobs other than decisions (those are in
 * e2e/interrupt.test.ts, through the real signal): an interrupt is seen between steps of the job,
 * which stops with exit 130; a one-transaction job (seed) writes nothing, an export stops on a row.
 */
describe('interrupted local jobs (issue 12, defect 1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-interrupt-'));
  const db = join(dir, 'h.db');
  const aborted = () => {
    const c = new AbortController();
    c.abort();
    return c.signal;
  };

  beforeAll(async () => {
    const r = await runDeskctl(['--db', db, 'generate', '--orgs', '20', '--customers', '3000', '--tickets', '20000', '--drafts', '0']);
    expect(r.exitCode, r.stderr).toBe(0);
  }, 120_000);

  it('defect 1: seed sees an interrupt inside its transaction: exit 130, nothing seeded', async () => {
    const tickets = Array.from({ length: 250 }, (_, i) => ({ ref: `int-${i}`, requester: 'int@x.example', department: 'Int', subject: `s${i}`, message: 'm', channel: 'agent' }));
    const fixture = JSON.stringify({ departments: [{ name: 'Int' }], customers: [{ email: 'int@x.example', name: 'Int' }], tickets });
    const before = count(db, 'tickets');
    await runDeskctl(['--db', db, 'tenants', 'create', 'seeded']);
    const r = await runDeskctl(['--db', db, '--tenant', 'seeded', 'seed', '-'], { stdin: fixture, signal: aborted() });
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted: nothing was seeded/);
    expect(count(db, 'tickets')).toBe(before);
    expect(count(db, 'departments', "name = 'Int'")).toBe(0);
    // Not interrupted, the same fixture seeds.
    const ok = await runDeskctl(['--db', db, '--tenant', 'seeded', 'seed', '-'], { stdin: fixture });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(count(db, 'tickets')).toBe(before + 250);
  }, 60_000);

  it('defect 1: stats export stops on a whole row when interrupted: exit 130, stdout a complete JSON array', async () => {
    const r = await runDeskctl(['--db', db, 'stats', 'export', '--by', 'requester,day', '--format', 'json'], { signal: aborted() });
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted after 1000 rows/);
    expect(JSON.parse(r.stdout)).toHaveLength(1000);
  }, 60_000);

  it('defect 1: an interrupted stats export --out writes no file at all', async () => {
    const out = join(dir, 'stats.csv');
    const r = await runDeskctl(['--db', db, 'stats', 'export', '--by', 'requester,day', '--out', out], { signal: aborted() });
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stderr).toContain(`${out} was not written`);
    expect(existsSync(out)).toBe(false);
    const whole = await runDeskctl(['--db', db, 'stats', 'export', '--by', 'requester,day', '--out', out]);
    expect(whole.exitCode, whole.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
  }, 60_000);
});

describe('progress of a local bulk decision on a terminal (issue 12, defect 1)', () => {
  it('defect 1: drafts approve --all on a TTY shows done/total after every chunk, up to the whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskctl-progress-'));
    const db = join(dir, 'h.db');
    const made = await runDeskctl(['--db', db, 'generate', '--tickets', '0', '--drafts', '1200']);
    expect(made.exitCode, made.stderr).toBe(0);
    const r = await runDeskctl(['--db', db, 'drafts', 'approve', '--all', '--yes'], { tty: true, env: { DESKCTL_DECIDE_CHUNK: '400', NO_COLOR: '1' } });
    expect(r.exitCode, r.stderr).toBe(0);
    for (const done of ['400', '800', '1,200']) expect(r.stderr).toContain(`approving drafts ${done}/1,200`);
  }, 60_000);
});
