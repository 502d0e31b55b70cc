import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deskctl, tempHome } from '../helpers/bin.js';
import { LONG, adminToken, copyDb, draftsTemplate, expectDecidedExactlyOnce, scalar, serveBinary } from '../helpers/integrity.js';

/**
 * Many deciders at once over overlapping sets of drafts — by filter and by id, approving and
 * rejecting — as separate processes on one database, and as parallel clients of one server (with
 * local processes on the server's database at the same time). Every draft is decided exactly once:
 * the successes add up to the number of drafts and the tickets to the approvals.
 */
const N = LONG ? 20_000 : 5_000;

interface Report {
  requested: number;
  succeeded: number;
  failed: number;
  results: { id: number; ok: boolean; error?: { code: string } }[];
}

function parse(r: { exitCode?: number; stdout: string; stderr: string }): Report {
  expect(r.stderr.includes('internal'), r.stderr).toBe(false);
  const rep = JSON.parse(r.stdout) as Report;
  // Every failure is a draft someone else decided first.
  for (const x of rep.results) if (!x.ok) expect(x.error!.code).toBe('not_found');
  // Exit codes follow the counts: all done 0, none done 1, some done 3.
  expect(r.exitCode).toBe(rep.failed === 0 ? 0 : rep.succeeded === 0 ? 1 : 3);
  return rep;
}

describe(`e2e: concurrent deciders on ${N.toLocaleString('en-US')} drafts`, () => {
  const home = tempHome();
  const template = join(home.dir, 'deciders-template.db');
  let original: number[] = [];
  beforeAll(async () => {
    original = await draftsTemplate(home.env, template, N);
  }, 120_000);

  const slice = (from: number, to: number) => original.slice(Math.floor(from * N), Math.floor(to * N));
  const every = (k: number) => original.filter((_, i) => i % k === 0);

  it('R13: six processes approve and reject overlapping sets at once: successes add up to the drafts, tickets to the approvals', async () => {
    const file = join(home.dir, 'local.db');
    copyDb(template, file);
    // Small chunks: many short transactions, so the six interleave rather than queue.
    const env = { ...home.env, DESKCTL_DB: file, DESKCTL_DECIDE_CHUNK: '25' };
    const run = (args: string[], ids?: number[]) => deskctl([...args, '-o', 'json'], { env, input: ids?.join('\n'), timeout: 300_000 });
    const [a, b, c, d, e, f] = await Promise.all([
      run(['drafts', 'approve', '--all', '--yes']),
      run(['drafts', 'approve', '--all', '--yes']),
      run(['drafts', 'approve', '-'], slice(0, 0.6)),
      run(['drafts', 'approve', '-'], slice(0.4, 1)),
      run(['drafts', 'reject', '--all', '--department', 'Suporte', '--reason', 'duplicado', '--yes']),
      run(['drafts', 'reject', '-', '--reason', 'fora do contrato'], every(3)),
    ]);
    const reports = [a, b, c, d, e, f].map(parse);
    // They really ran together: more than one of them decided something.
    expect(reports.filter((r) => r.succeeded > 0).length).toBeGreaterThan(1);
    const approvals = reports.slice(0, 4).reduce((s, r) => s + r.succeeded, 0);
    const rejections = reports.slice(4).reduce((s, r) => s + r.succeeded, 0);
    expect(approvals + rejections).toBe(N);
    expect(expectDecidedExactlyOnce(file, original)).toEqual({ pending: 0, approved: approvals, rejected: rejections });
    expect(scalar(file, 'SELECT count(*) FROM tickets')).toBe(approvals);
  }, 300_000);

  it('R13: seven API clients of one server and two local processes on its database decide overlapping sets at once, each draft exactly once', async () => {
    const file = join(home.dir, 'served.db');
    copyDb(template, file);
    const dbEnv = { ...home.env, DESKCTL_DB: file, DESKCTL_DECIDE_CHUNK: '25' };
    const token = await adminToken(dbEnv);
    const server = await serveBinary(dbEnv);
    const apiEnv = { ...home.env, DESKCTL_API_URL: server.url, DESKCTL_TOKEN: token };
    const cli = (env: Record<string, string>, args: string[], ids?: number[]) =>
      deskctl([...args, '-o', 'json'], { env, input: ids?.join('\n'), timeout: 300_000 });

    /** A client of its own: explicit ids in requests of 100, each with an Idempotency-Key. */
    async function byIds(ids: number[], decision: 'approve' | 'reject'): Promise<number> {
      let ok = 0;
      for (let i = 0; i < ids.length; i += 100) {
        const res = await fetch(`${server.url}/v1/tenants/default/drafts/decisions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify({ decision, ids: ids.slice(i, i + 100) }),
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { results: { ok: boolean; error?: { code: string } }[] };
        for (const r of body.results) {
          if (r.ok) ok++;
          else expect(r.error!.code).toBe('not_found');
        }
      }
      return ok;
    }
    /** Another: the filter, 50 drafts a request, following the cursor. */
    async function byFilter(): Promise<number> {
      let ok = 0;
      let after = 0;
      for (let guard = 0; guard < N; guard++) {
        const res = await fetch(`${server.url}/v1/tenants/default/drafts/decisions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify({ decision: 'approve', filter: {}, after, limit: 50 }),
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { results: { ok: boolean }[]; last: number | null };
        ok += body.results.filter((r) => r.ok).length;
        if (body.last === null) return ok;
        after = body.last;
      }
      throw new Error('the cursor did not advance');
    }

    let outcome: [Report[], Report[], number[]];
    try {
      const [api, local, own] = await Promise.all([
        Promise.all([
          cli(apiEnv, ['drafts', 'approve', '--all', '--yes']),
          cli(apiEnv, ['drafts', 'approve', '-'], slice(0.2, 0.9)),
          cli(apiEnv, ['drafts', 'reject', '--all', '--department', 'Financeiro', '--yes']),
          cli(apiEnv, ['drafts', 'reject', '-'], every(5)),
        ]),
        Promise.all([cli(dbEnv, ['drafts', 'approve', '--all', '--yes']), cli(dbEnv, ['drafts', 'reject', '-'], slice(0.5, 1))]),
        Promise.all([byIds(slice(0, 0.7), 'approve'), byIds(every(7), 'reject'), byFilter()]),
      ]);
      outcome = [api.map(parse), local.map(parse), own];
    } finally {
      server.proc.kill('SIGTERM');
      await server.proc;
    }
    const [api, local, own] = outcome;
    const approvals = api[0]!.succeeded + api[1]!.succeeded + local[0]!.succeeded + own[0]! + own[2]!;
    const rejections = api[2]!.succeeded + api[3]!.succeeded + local[1]!.succeeded + own[1]!;
    expect(approvals + rejections).toBe(N);
    expect(expectDecidedExactlyOnce(file, original)).toEqual({ pending: 0, approved: approvals, rejected: rejections });
    expect(scalar(file, 'SELECT count(*) FROM tickets')).toBe(approvals);
  }, 300_000);
});
