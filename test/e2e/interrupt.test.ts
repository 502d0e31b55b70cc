import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, deskctl, tempHome } from '../helpers/bin.js';
import { copyDb, draftsTemplate, expectDecidedExactlyOnce, scalar, waitFor } from '../helpers/integrity.js';

/**
 * Defect 1 of issue 12: a local bulk decision is a loop of synchronous SQLite chunks; it must let
 * the event loop run between them, so Ctrl-C (SIGINT) and SIGTERM stop it after the chunk in
 * progress, with exit 130, and what was decided stays decided (whole chunks only).
 */
const N = 20_000;
const CHUNK = 100;

describe('e2e: interrupting long local jobs (issue 12, defect 1)', () => {
  const home = tempHome();
  const template = join(home.dir, 'interrupt-template.db');
  let original: number[] = [];
  beforeAll(async () => {
    original = await draftsTemplate(home.env, template, N);
  }, 120_000);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`defect 1: ${signal} mid-way through drafts approve --all stops after the chunk in progress: exit 130, decided + pending = total, no partial chunk`, async () => {
      const file = join(home.dir, `${signal}.db`);
      copyDb(template, file);
      const env = { ...home.env, DESKCTL_DB: file, DESKCTL_DECIDE_CHUNK: String(CHUNK) };
      const proc = execa('node', [BIN, 'drafts', 'approve', '--all', '--yes', '-o', 'json'], { env, extendEnv: true, reject: false, stdin: 'ignore', timeout: 120_000, killSignal: 'SIGKILL' });
      let out = '';
      let ended = false;
      proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
      void proc.finally(() => (ended = true));
      // The first chunk's results are on stdout: the loop is running.
      const started = await waitFor(() => out.includes('"ok"'), () => ended);
      expect(started, 'the decision ended before it could be interrupted').toBe(true);
      proc.kill(signal);
      const r = await proc;
      expect(r.exitCode, r.stderr).toBe(130);
      const report = JSON.parse(out) as { succeeded: number; requested: number; results: unknown[] };
      const { pending, approved, rejected } = expectDecidedExactlyOnce(file, original);
      expect(rejected).toBe(0);
      expect(approved + pending).toBe(N);
      // It stopped early, on a chunk boundary, and said exactly what it decided.
      expect(pending).toBeGreaterThan(0);
      expect(approved % CHUNK).toBe(0);
      expect(report.succeeded).toBe(approved);
      expect(report.results).toHaveLength(approved);
      expect(scalar(file, 'SELECT count(*) FROM tickets')).toBe(approved);
    }, 180_000);
  }

  it('defect 1: SIGINT during generate stops it with exit 130 and nothing generated (one transaction)', async () => {
    const file = join(home.dir, 'generate.db');
    const env = { ...home.env, DESKCTL_DB: file };
    const proc = execa('node', [BIN, 'generate', '--tickets', '3000000', '--drafts', '0'], { env, extendEnv: true, reject: false, stdin: 'ignore', timeout: 120_000, killSignal: 'SIGKILL' });
    let ended = false;
    void proc.finally(() => (ended = true));
    // Its organizations are written (inside the transaction, so in the WAL) before the tickets: it is under way.
    const started = await waitFor(() => scalar(file, 'SELECT count(*) FROM tenants') > 0, () => ended);
    expect(started).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    proc.kill('SIGINT');
    const r = await proc;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted: nothing was generated/);
    expect(scalar(file, 'SELECT count(*) FROM tickets')).toBe(0);
    expect(scalar(file, 'SELECT count(*) FROM organizations')).toBe(0);
  }, 180_000);

  it('defect 1: explicit ids (from stdin) are interrupted the same way', async () => {
    const file = join(home.dir, 'ids.db');
    copyDb(template, file);
    const env = { ...home.env, DESKCTL_DB: file, DESKCTL_DECIDE_CHUNK: String(CHUNK) };
    const proc = execa('node', [BIN, 'drafts', 'reject', '-', '-o', 'json'], { env, extendEnv: true, reject: false, input: original.join('\n'), timeout: 120_000, killSignal: 'SIGKILL' });
    let out = '';
    let ended = false;
    proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    void proc.finally(() => (ended = true));
    expect(await waitFor(() => out.includes('"ok"'), () => ended)).toBe(true);
    proc.kill('SIGINT');
    const r = await proc;
    expect(r.exitCode, r.stderr).toBe(130);
    const { pending, approved, rejected } = expectDecidedExactlyOnce(file, original);
    expect(approved).toBe(0);
    expect(rejected + pending).toBe(N);
    expect(pending).toBeGreaterThan(0);
    expect(rejected % CHUNK).toBe(0);
  }, 180_000);

  it('a run that is not interrupted still decides everything (exit 0)', async () => {
    const file = join(home.dir, 'whole.db');
    copyDb(template, file);
    const r = await deskctl(['drafts', 'approve', '--all', '--yes', '--limit', '500'], { env: { ...home.env, DESKCTL_DB: file, DESKCTL_DECIDE_CHUNK: String(CHUNK) } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(scalar(file, 'SELECT count(*) FROM tickets')).toBe(500);
  }, 60_000);
});
