import { describe, expect, it } from 'vitest';
import { openLocalHelpdesk } from '../../src/client/local.js';
import { deskctl, tempHome } from '../helpers/bin.js';
import { count } from '../helpers/db.js';

const DRAFTS = Number(process.env.DESKCTL_CONCURRENCY_DRAFTS ?? 1_000);

/** A database with `n` pending drafts, made through the engine (the normal creation flow). */
async function withDrafts(n: number) {
  const home = tempHome();
  const hd = await openLocalHelpdesk({ file: home.db, tenant: 'default' });
  await hd.addDepartment('Suporte');
  await hd.addOrganization('Matriz');
  await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
  await hd.addCustomer({ email: 'ana@matriz.example', name: 'Ana', org: 'Matriz' });
  await hd.setSetting('approval.mode', 'all-departments');
  for (let i = 0; i < n; i++) {
    await hd.createTicket({ requester: 'ana@matriz.example', department: 'Suporte', subject: `pedido ${i}`, message: 'm' });
  }
  await hd.close();
  expect(count(home.db, 'drafts')).toBe(n);
  // Small chunks, so the two deciders' transactions interleave instead of one taking everything at once.
  return { home, env: { ...home.env, DESKCTL_DB: home.db, DESKCTL_DECIDE_CHUNK: '25' } };
}

interface Decision { requested: number; succeeded: number; failed: number; results: { id: number; ok: boolean; error?: { code: string } }[] }

describe('e2e: concurrent decisions', () => {
  it(`R13: two processes approving the same ${DRAFTS} drafts by filter at once make exactly ${DRAFTS} tickets`, async () => {
    const { home, env } = await withDrafts(DRAFTS);
    const [a, b] = await Promise.all([
      deskctl(['drafts', 'approve', '--all', '--yes', '-o', 'json'], { env }),
      deskctl(['drafts', 'approve', '--all', '--yes', '-o', 'json'], { env }),
    ]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    const ra = JSON.parse(a.stdout) as Decision;
    const rb = JSON.parse(b.stdout) as Decision;
    expect(ra.succeeded + rb.succeeded).toBe(DRAFTS);
    expect(count(home.db, 'tickets')).toBe(DRAFTS);
    expect(count(home.db, 'drafts')).toBe(0);
    expect(count(home.db, 'tickets', 'draft_id IS NOT NULL')).toBe(DRAFTS);
    expect(count(home.db, 'notifications', "kind = 'ticket_opened'")).toBe(DRAFTS);
    expect(count(home.db, 'audit', "action = 'draft.approve'")).toBe(DRAFTS);
  });

  it(`R13: two processes approving the same ${DRAFTS} explicit ids: each draft succeeds once, the other is told it is gone`, async () => {
    const { home, env } = await withDrafts(DRAFTS);
    const ids = Array.from({ length: DRAFTS }, (_, i) => i + 1).join('\n');
    const [a, b] = await Promise.all([
      deskctl(['drafts', 'approve', '-', '-o', 'json'], { env, input: ids }),
      deskctl(['drafts', 'approve', '-', '-o', 'json'], { env, input: ids }),
    ]);
    const ra = JSON.parse(a.stdout) as Decision;
    const rb = JSON.parse(b.stdout) as Decision;
    expect(ra.succeeded + rb.succeeded).toBe(DRAFTS);
    expect(ra.failed + rb.failed).toBe(DRAFTS);
    for (const r of [...ra.results, ...rb.results]) if (!r.ok) expect(r.error!.code).toBe('not_found');
    // Exit codes follow the counts: all done 0, none done 1, some done 3.
    for (const [proc, rep] of [[a, ra], [b, rb]] as const) {
      expect(proc.exitCode).toBe(rep.failed === 0 ? 0 : rep.succeeded === 0 ? 1 : 3);
    }
    expect(count(home.db, 'tickets')).toBe(DRAFTS);
    expect(count(home.db, 'draft_decisions')).toBe(DRAFTS);
  });
});
