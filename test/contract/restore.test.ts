import { describe, expect, it } from 'vitest';
import type { Helpdesk, RestoreReport } from '../../src/client/helpdesk.js';
import { backends, draftIn, eachSeeded, expectCode, hoursLater, P, report, request, START, type Opened } from '../helpers/backends.js';

const restored = (r: RestoreReport) => {
  if (r.dryRun) throw new Error('expected a restore, got a dry run');
  return r;
};

describe.each(backends)('undo of a rejection (R38) ($name)', (backend) => {
  let hd: Helpdesk;
  let opened: Opened;
  eachSeeded(backend, async (o) => {
    opened = o;
    hd = o.hd;
    await hd.setSetting('approval.mode', 'all-departments');
  });

  it('R38: a bulk rejection reports one batch; restoring the batch brings every draft back with its id, data and heldBy, and tells the requester and the managers', async () => {
    const a = await draftIn(hd, request(P.ana, { category: 'Acesso', type: 'Incidente', priority: 'high', fields: { matricula: '4411' }, attachments: [{ name: 'print.png', size: 10, sha256: 'ab' }] }));
    const b = await draftIn(hd, request(P.ana, { subject: 'Outro' }));
    const rejected = report(await hd.decideDrafts({ decision: 'reject', filter: { requester: P.ana }, reason: 'Fora do contrato' }));
    expect(rejected.succeeded).toBe(2);
    expect(rejected.batch).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(await hd.listDrafts({})).toEqual([]);
    const dry = await hd.restoreDrafts({ batch: rejected.batch!, dryRun: true });
    expect(dry).toEqual({ dryRun: true, batch: rejected.batch, matched: 2, ids: [a.id, b.id] });
    const r = restored(await hd.restoreDrafts({ batch: rejected.batch! }));
    expect(r).toMatchObject({ requested: 2, succeeded: 2, failed: 0 });
    const back = await hd.listDrafts({});
    expect(back.map((d) => d.id)).toEqual([a.id, b.id]);
    expect(await hd.getDraft(a.id)).toEqual(a);
    expect([a.type, a.priority]).toEqual(['Incidente', 'high']);
    expect(a.heldBy).toEqual({ mode: 'all-departments', rule: null });
    const told = await hd.listNotifications({ kind: 'draft_restored' });
    expect(new Set(told.map((n) => n.to))).toEqual(new Set([P.ana, P.gerente]));
    expect(told.filter((n) => n.to === P.ana)).toHaveLength(2);
    const audit = await hd.listAudit({ action: 'draft.restore' });
    expect(audit.map((e) => e.entityId)).toEqual([String(a.id), String(b.id)]);
    expect(audit[0]!.details).toMatchObject({ batch: rejected.batch });
    // The batch is used up: nothing is left in it.
    await expectCode(hd.restoreDrafts({ batch: rejected.batch! }), 'not_found');
  });

  it('R38: one batch id across every chunk of one bulk decision', async () => {
    const chunked = await backend.open({ file: opened.file, env: { DESKCTL_DECIDE_CHUNK: '2' } });
    try {
      for (let i = 0; i < 5; i++) await draftIn(hd, request(P.ana, { subject: `Pedido ${i}` }));
      const rejected = report(await chunked.hd.decideDrafts({ decision: 'reject', filter: {} }));
      expect(rejected.succeeded).toBe(5);
      const batches = new Set((await hd.listAudit({ action: 'draft.reject' })).map((e) => (e.details as { batch: string }).batch));
      expect([...batches]).toEqual([rejected.batch]);
      expect(restored(await hd.restoreDrafts({ batch: rejected.batch! })).succeeded).toBe(5);
    } finally {
      await chunked.close();
    }
  });

  it('R38: by ids; a restored draft is decided again exactly once, and an approval is never undone', async () => {
    const d = await draftIn(hd, request(P.ana));
    report(await hd.decideDrafts({ decision: 'reject', ids: [d.id] }));
    expect(restored(await hd.restoreDrafts({ ids: [d.id] })).results).toMatchObject([{ id: d.id, ok: true, draft: { id: d.id } }]);
    const again = restored(await hd.restoreDrafts({ ids: [d.id] }));
    expect(again.results).toMatchObject([{ id: d.id, ok: false, error: { code: 'precondition_failed' } }]);
    const approved = report(await hd.decideDrafts({ decision: 'approve', ids: [d.id] }));
    expect(approved.results).toMatchObject([{ id: d.id, ok: true }]);
    expect(report(await hd.decideDrafts({ decision: 'approve', ids: [d.id] })).results).toMatchObject([{ id: d.id, ok: false, error: { code: 'not_found' } }]);
    expect(restored(await hd.restoreDrafts({ ids: [d.id] })).results).toMatchObject([{ id: d.id, ok: false, error: { code: 'not_found' } }]);
    expect((await hd.listTickets({})).filter((t) => t.subject === d.subject)).toHaveLength(1);
  });

  it('R38: the window edges, with a pinned clock: restorable until undo.windowHours after the rejection, then a refusal naming the window', async () => {
    const d1 = await draftIn(hd, request(P.ana, { subject: 'um' }));
    const d2 = await draftIn(hd, request(P.ana, { subject: 'dois' }));
    report(await hd.decideDrafts({ decision: 'reject', ids: [d1.id, d2.id] }));
    opened.env.DESKCTL_NOW = hoursLater(START, 24);
    expect(restored(await hd.restoreDrafts({ ids: [d1.id] })).succeeded).toBe(1);
    opened.env.DESKCTL_NOW = new Date(Date.parse(hoursLater(START, 24)) + 1).toISOString();
    const late = restored(await hd.restoreDrafts({ ids: [d2.id] }));
    expect(late.results[0]).toMatchObject({ ok: false, error: { code: 'precondition_failed' } });
    expect(late.results[0]!.error!.message).toContain('undo.windowHours (24 h)');
    // A longer window (a setting, R38) reaches it again; 0 turns undo off.
    await hd.setSetting('undo.windowHours', 48);
    expect(restored(await hd.restoreDrafts({ ids: [d2.id] })).succeeded).toBe(1);
    expect((await hd.getSettings())['undo.windowHours']).toBe(48);
    await expectCode(hd.setSetting('undo.windowHours', -1), 'invalid_input');
  });

  it('R38: a later rejection forgets the rejections already past the window; a longer window then does not bring them back', async () => {
    const old = await draftIn(hd, request(P.ana, { subject: 'antigo' }));
    report(await hd.decideDrafts({ decision: 'reject', ids: [old.id] }));
    opened.env.DESKCTL_NOW = hoursLater(START, 25);
    const recent = await draftIn(hd, request(P.ana, { subject: 'recente' }));
    report(await hd.decideDrafts({ decision: 'reject', ids: [recent.id] }));
    await hd.setSetting('undo.windowHours', 48);
    const r = restored(await hd.restoreDrafts({ ids: [old.id, recent.id] }));
    expect(r.results.map((x) => [x.id, x.ok, x.error?.code ?? null])).toEqual([
      [old.id, false, 'not_found'],
      [recent.id, true, null],
    ]);
  });

  it('R38/R15: a removed customer takes their rejected drafts with them', async () => {
    await hd.addCustomer({ email: 'caio@norte.com.br', name: 'Caio', org: 'Filial Norte' });
    const d = await draftIn(hd, request('caio@norte.com.br'));
    report(await hd.decideDrafts({ decision: 'reject', ids: [d.id] }));
    await hd.removeCustomer('caio@norte.com.br');
    expect(restored(await hd.restoreDrafts({ ids: [d.id] })).results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('R38: restore and a decision at the same time, and two restores at once, never make two of anything', async () => {
    {
      for (let round = 0; round < 4; round++) {
        const d = await draftIn(hd, request(P.ana, { subject: `corrida ${round}` }));
        report(await hd.decideDrafts({ decision: 'reject', ids: [d.id] }));
        const [r1, r2, decided] = await Promise.all([
          hd.restoreDrafts({ ids: [d.id] }),
          hd.restoreDrafts({ ids: [d.id] }),
          hd.decideDrafts({ decision: 'approve', ids: [d.id] }),
        ]);
        const restores = [restored(r1), restored(r2)].filter((r) => r.succeeded === 1).length;
        expect(restores).toBe(1);
        const tickets = (await hd.listTickets({})).filter((t) => t.subject === d.subject).length;
        const pending = (await hd.listDrafts({})).filter((x) => x.id === d.id).length;
        expect(tickets + pending).toBe(1);
        expect(report(decided).succeeded).toBe(tickets);
        if (pending) report(await hd.decideDrafts({ decision: 'approve', ids: [d.id] }));
        expect((await hd.listTickets({})).filter((t) => t.subject === d.subject)).toHaveLength(1);
      }
    }
  });

  it('R38: bad requests are refused and change nothing', async () => {
    await expectCode(hd.restoreDrafts({}), 'invalid_input');
    await expectCode(hd.restoreDrafts({ ids: [1], batch: 'x' }), 'invalid_input');
    await expectCode(hd.restoreDrafts({ batch: 'no-such-batch' }), 'not_found');
  });
});

