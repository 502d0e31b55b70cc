import { describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { backends, expectCode, hoursLater, P, request, eachSeeded, START, type Opened, report, draftIn } from '../helpers/backends.js';

const CHEFE = 'chefe@norte.com.br'; // manager of Filial Norte (child of Matriz)
const JOAO = 'joao@matriz.com.br'; // plain customer of Matriz


describe.each(backends)('drafts ($name)', (backend) => {
  let o: Opened;
  let hd: Helpdesk;

  // Bulk decisions in chunks of 2,000 on both backends (the default, 5,000, would take the
  // 5,000-draft test below in one transaction, or one request).
  eachSeeded(
    backend,
    async (opened) => {
      o = opened;
      hd = opened.hd;
      await hd.setSetting('approval.mode', 'all-departments');
    },
    { env: { DESKCTL_DECIDE_CHUNK: '2000' } },
  );

  const draftOf = (req: Record<string, unknown>) => draftIn(hd, req);

  const full = {
    category: 'Acesso',
    channel: 'api',
    subject: 'VPN fora do ar',
    message: 'A VPN caiu às 9h.\nTodos da filial sem acesso.',
    fields: { contrato: 'C-42', prioridade: 'alta' },
    attachments: [{ name: 'print.png', size: 2048, sha256: 'ab'.repeat(32) }],
  };

  /** What a draft of `full` by Ana carries, and the ticket it becomes (R10). */
  const carried = {
    requester: P.ana,
    organization: 'Filial Norte',
    department: 'Suporte',
    category: 'Acesso',
    subject: full.subject,
    message: full.message,
    channel: 'api',
    fields: full.fields,
    attachments: full.attachments,
  };

  it('R10: a draft keeps requester, organization, department, category, subject, message, channel, fields and attachments', async () => {
    const d = await draftOf(request(P.ana, full));
    const expected = { ...carried, createdAt: START };
    expect(d).toMatchObject(expected);
    expect(await hd.getDraft(d.id)).toMatchObject(expected);
    expect(await hd.getDraft(d.id, { as: P.gerente })).toMatchObject(expected);
    expect(await hd.listTickets({})).toEqual([]);
  });

  it('R10: the ticket made from an approved draft carries the same data', async () => {
    const d = await draftOf(request(P.ana, full));
    const r = report(await hd.decideDrafts({ decision: 'approve', ids: [d.id], as: P.gerente }));
    const t = await hd.getTicket(r.results[0]!.ticket!.protocol);
    expect(t).toMatchObject({ ...carried, status: 'open' });
  });

  it('R12: the requester lists their own pending drafts without details', async () => {
    await hd.addCustomer({ email: 'caio@norte.com.br', name: 'Caio', org: 'Filial Norte' });
    const mine = await draftOf(request(P.ana, full));
    await draftOf(request('caio@norte.com.br'));
    const listed = await hd.listDrafts({}, { as: P.ana });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: mine.id, requester: P.ana, subject: full.subject, department: 'Suporte' });
    expect(listed[0]!.message).toBeNull();
    expect(listed[0]!.fields).toBeNull();
    expect(listed[0]!.attachments).toBeNull();
  });

  it("R12: the requester cannot see a draft's details nor decide it", async () => {
    const mine = await draftOf(request(P.ana, full));
    await expectCode(hd.getDraft(mine.id, { as: P.ana }), 'forbidden');
    await expectCode(hd.decideDrafts({ decision: 'approve', ids: [mine.id], as: P.ana }), 'forbidden');
    expect((await hd.listDrafts({})).map((d) => d.id)).toEqual([mine.id]);
  });

  it("R12, issue 13: another customer's draft is not found, exactly as a draft that does not exist (no id is confirmed)", async () => {
    await hd.addCustomer({ email: 'outro@norte.example', name: 'Outro', org: 'Filial Norte' });
    const theirs = await draftOf(request(P.ana, full));
    const other = await expectCode(hd.getDraft(theirs.id, { as: 'outro@norte.example' }), 'not_found');
    const none = await expectCode(hd.getDraft(theirs.id + 1000, { as: 'outro@norte.example' }), 'not_found');
    expect(other.message.replace(String(theirs.id), 'N')).toBe(none.message.replace(String(theirs.id + 1000), 'N'));
  });

  it('R12: managers see the details of the drafts they may decide', async () => {
    const d = await draftOf(request(P.ana, full));
    const listed = await hd.listDrafts({}, { as: P.gerente });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: d.id, message: full.message, fields: full.fields, attachments: full.attachments });
    expect((await hd.getDraft(d.id, { as: P.gerente })).message).toBe(full.message);
  });

  it("R13: a manager of the parent organization approves a child organization's draft", async () => {
    const d = await draftOf(request(P.ana));
    o.env.DESKCTL_NOW = '2026-11-03T09:30:00.000Z';
    const r = report(await hd.decideDrafts({ decision: 'approve', ids: [d.id], as: P.gerente }));
    expect(r).toMatchObject({ requested: 1, succeeded: 1, failed: 0 });
    expect(r.results[0]).toMatchObject({ id: d.id, ok: true });
    const ref = r.results[0]!.ticket!;
    expect(ref.protocol).toMatch(/^2026-\d+$/);
    const t = await hd.getTicket(ref.protocol);
    expect(t.id).toBe(ref.id);
    // The normal creation flow: created at the approval, due after the response forecast (24 h).
    expect(t.createdAt).toBe('2026-11-03T09:30:00.000Z');
    expect(t.dueAt).toBe(hoursLater(t.createdAt, 24));
    expect(t.status).toBe('open');
    expect(await hd.listDrafts({})).toEqual([]);
    await expectCode(hd.getDraft(d.id), 'not_found');
  });

  it('R13: the approved ticket uses the response forecast of the account', async () => {
    await hd.setSetting('response.forecastHours', 6);
    const d = await draftOf(request(P.ana));
    const r = report(await hd.decideDrafts({ decision: 'approve', ids: [d.id] }));
    const t = await hd.getTicket(r.results[0]!.ticket!.protocol);
    expect(t.dueAt).toBe(hoursLater(t.createdAt, 6));
  });

  it("R13: a manager of a child organization cannot decide the parent organization's drafts", async () => {
    await hd.addCustomer({ email: CHEFE, name: 'Chefe', org: 'Filial Norte', manager: true });
    await hd.addCustomer({ email: JOAO, name: 'João', org: 'Matriz' });
    const d = await draftOf(request(JOAO));
    for (const decision of ['approve', 'reject'] as const) {
      const r = report(await hd.decideDrafts({ decision, ids: [d.id], as: CHEFE }));
      expect(r).toMatchObject({ requested: 1, succeeded: 0, failed: 1 });
      // Issue 13: another organization's draft is answered as one that does not exist (a 403 told which ids exist).
      expect(r.results[0]).toMatchObject({ id: d.id, ok: false, error: { code: 'not_found', message: `draft ${d.id} not found (it may have been decided already)` } });
    }
    await expectCode(hd.getDraft(d.id, { as: CHEFE }), 'not_found');
    expect(await hd.listDrafts({}, { as: CHEFE })).toEqual([]);
    const byFilter = report(await hd.decideDrafts({ decision: 'approve', filter: {}, as: CHEFE }));
    expect(byFilter.requested).toBe(0);
    // Still pending, nothing created; the parent's manager can decide it.
    expect((await hd.listDrafts({})).map((x) => x.id)).toEqual([d.id]);
    expect(await hd.listTickets({})).toEqual([]);
    expect(report(await hd.decideDrafts({ decision: 'approve', ids: [d.id], as: P.gerente })).succeeded).toBe(1);
  });

  it("R13: a manager cannot decide drafts of an unrelated organization", async () => {
    await hd.addCustomer({ email: 'gerente@avulsa.com.br', name: 'Gerente Avulsa', org: 'Avulsa', manager: true });
    const d = await draftOf(request(P.ana));
    const r = report(await hd.decideDrafts({ decision: 'reject', ids: [d.id], as: 'gerente@avulsa.com.br' }));
    expect(r.results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await hd.listDrafts({})).map((x) => x.id)).toEqual([d.id]);
  });

  it('R13: a draft is decided exactly once: a second approval finds it gone and creates nothing', async () => {
    const d = await draftOf(request(P.ana));
    const first = report(await hd.decideDrafts({ decision: 'approve', ids: [d.id], as: P.gerente }));
    expect(first.succeeded).toBe(1);
    const notesBefore = (await hd.listNotifications({})).length;
    const second = report(await hd.decideDrafts({ decision: 'approve', ids: [d.id], as: P.gerente }));
    expect(second).toMatchObject({ requested: 1, succeeded: 0, failed: 1 });
    expect(second.results[0]).toMatchObject({ id: d.id, ok: false, error: { code: 'not_found' } });
    const reject = report(await hd.decideDrafts({ decision: 'reject', ids: [d.id] }));
    expect(reject.results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await hd.listTickets({})).toHaveLength(1);
    expect((await hd.listNotifications({})).length).toBe(notesBefore);
  });

  it('R13: concurrent decisions on the same drafts create exactly one outcome per draft', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push((await draftOf(request(P.ana, { subject: `pedido ${i}` }))).id);
    const [a, b, c] = await Promise.all([
      hd.decideDrafts({ decision: 'approve', ids, as: P.gerente }),
      hd.decideDrafts({ decision: 'approve', ids: [...ids].reverse() }),
      hd.decideDrafts({ decision: 'reject', filter: {} }),
    ]);
    const ok = [a, b, c].map((r) => report(r).succeeded);
    expect(ok.reduce((x, y) => x + y, 0)).toBe(20);
    const tickets = await hd.listTickets({});
    const rejected = await hd.listNotifications({ kind: 'draft_rejected' });
    expect(tickets.length + rejected.length).toBe(20);
    expect(new Set(tickets.map((t) => t.protocol)).size).toBe(tickets.length);
    expect(await hd.listDrafts({})).toEqual([]);
  });

  it('R13: a decision made through another handle is seen: the draft is gone', async () => {
    const d = await draftOf(request(P.ana));
    const other = await backend.open({ file: o.file, env: { DESKCTL_NOW: o.env.DESKCTL_NOW! } });
    try {
      expect(report(await other.hd.decideDrafts({ decision: 'approve', ids: [d.id] })).succeeded).toBe(1);
    } finally {
      await other.close();
    }
    const late = report(await hd.decideDrafts({ decision: 'approve', ids: [d.id], as: P.gerente }));
    expect(late.results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await hd.listTickets({})).toHaveLength(1);
  });

  it('R13: rejecting deletes the draft and e-mails the requester', async () => {
    const d = await draftOf(request(P.ana, { subject: 'Troca de senha' }));
    const r = report(await hd.decideDrafts({ decision: 'reject', ids: [d.id], reason: 'fora do contrato', as: P.gerente }));
    expect(r).toMatchObject({ requested: 1, succeeded: 1, failed: 0 });
    expect(r.results[0]!.ticket).toBeUndefined();
    expect(await hd.listDrafts({})).toEqual([]);
    expect(await hd.listTickets({})).toEqual([]);
    const notes = await hd.listNotifications({ kind: 'draft_rejected' });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ to: P.ana, channel: 'email' });
    expect(notes[0]!.subject).toContain('Troca de senha');
    // A reject after the reject finds nothing.
    const again = report(await hd.decideDrafts({ decision: 'reject', ids: [d.id], as: P.gerente }));
    expect(again.results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await hd.listNotifications({ kind: 'draft_rejected' })).toHaveLength(1);
  });

  it('R13: approving notifies the requester: draft approved and ticket opened', async () => {
    const d = await draftOf(request(P.ana));
    const r = report(await hd.decideDrafts({ decision: 'approve', ids: [d.id], as: P.gerente }));
    const protocol = r.results[0]!.ticket!.protocol;
    const approved = await hd.listNotifications({ kind: 'draft_approved' });
    const opened = await hd.listNotifications({ kind: 'ticket_opened' });
    expect(approved.map((n) => [n.to, n.channel])).toEqual([[P.ana, 'email']]);
    expect(opened.map((n) => [n.to, n.channel])).toEqual([[P.ana, 'email']]);
    expect(opened[0]!.subject).toContain(protocol);
  });

  it('R13: a filter selects drafts; a dry run changes nothing', async () => {
    await hd.addCustomer({ email: JOAO, name: 'João', org: 'Matriz' });
    const a = await draftOf(request(P.ana, { category: 'Acesso' }));
    const b = await draftOf(request(P.ana, { department: 'Financeiro', category: 'Boleto' }));
    const c = await draftOf(request(JOAO));
    const dry = await hd.decideDrafts({ decision: 'approve', filter: { org: 'Filial Norte' }, dryRun: true });
    expect(dry).toEqual({ dryRun: true, matched: 2, ids: [a.id, b.id] });
    expect((await hd.decideDrafts({ decision: 'approve', filter: { org: 'Matriz', includeChildren: true }, dryRun: true })) as unknown).toMatchObject({
      matched: 3,
    });
    expect((await hd.listDrafts({})).length).toBe(3);
    const r = report(await hd.decideDrafts({ decision: 'approve', filter: { department: 'Financeiro' }, as: P.gerente }));
    expect(r.results.map((x) => x.id)).toEqual([b.id]);
    expect((await hd.listDrafts({})).map((x) => x.id)).toEqual([a.id, c.id]);
  });

  it('R13: filters by age and a limit select the oldest drafts first', async () => {
    const old1 = await draftOf(request(P.ana, { subject: 'antigo 1' }));
    const old2 = await draftOf(request(P.ana, { subject: 'antigo 2' }));
    o.env.DESKCTL_NOW = '2026-11-04T12:00:00.000Z';
    const fresh = await draftOf(request(P.ana, { subject: 'novo' }));
    o.env.DESKCTL_NOW = '2026-11-04T13:00:00.000Z';
    const dry = await hd.decideDrafts({ decision: 'reject', filter: { olderThanMs: 24 * 3_600_000 }, dryRun: true });
    expect(dry).toEqual({ dryRun: true, matched: 2, ids: [old1.id, old2.id] });
    const r = report(await hd.decideDrafts({ decision: 'reject', filter: { olderThanMs: 24 * 3_600_000, limit: 1 }, as: P.gerente }));
    expect(r.results.map((x) => [x.id, x.ok])).toEqual([[old1.id, true]]);
    expect((await hd.listDrafts({})).map((x) => x.id)).toEqual([old2.id, fresh.id]);
  });

  it('R16: a WhatsApp follow-up of a waiting conversation is appended to the draft and the customer is told', async () => {
    await hd.setCustomer(P.ana, { phone: '+5511999990000' });
    const first = await hd.createTicket(request(P.ana, { channel: 'whatsapp', conversation: 'wa-77', message: 'Primeira mensagem' }));
    expect(first.outcome).toBe('draft');
    const pendingBefore = (await hd.listNotifications({ kind: 'draft_pending' })).length;
    const follow = await hd.createTicket(request(P.ana, { channel: 'whatsapp', conversation: 'wa-77', message: 'Segunda mensagem' }));
    expect(follow.outcome).toBe('draft');
    if (first.outcome !== 'draft' || follow.outcome !== 'draft') throw new Error('drafts');
    expect(follow.draft.id).toBe(first.draft.id);
    expect(follow.appended).toBe(true);
    const drafts = await hd.listDrafts({});
    expect(drafts).toHaveLength(1);
    const message = (await hd.getDraft(first.draft.id)).message!;
    expect(message).toContain('Primeira mensagem');
    expect(message).toContain('Segunda mensagem');
    expect(message.indexOf('Primeira mensagem')).toBeLessThan(message.indexOf('Segunda mensagem'));
    const waiting = await hd.listNotifications({ kind: 'draft_waiting' });
    expect(waiting).toHaveLength(1);
    expect(['+5511999990000', P.ana]).toContain(waiting[0]!.to);
    expect((await hd.listNotifications({ kind: 'draft_pending' })).length).toBe(pendingBefore);
    expect(await hd.listTickets({})).toEqual([]);
    // Another conversation is another request.
    const other = await hd.createTicket(request(P.ana, { channel: 'whatsapp', conversation: 'wa-78', message: 'Outra conversa' }));
    if (other.outcome !== 'draft') throw new Error('draft');
    expect(other.draft.id).not.toBe(first.draft.id);
    expect(await hd.getDraft(first.draft.id)).toMatchObject({ message });
  });

  it('R16: once approved, the whole conversation is in the ticket', async () => {
    await hd.createTicket(request(P.ana, { channel: 'whatsapp', conversation: 'wa-9', message: 'Olá' }));
    await hd.createTicket(request(P.ana, { channel: 'whatsapp', conversation: 'wa-9', message: 'Ainda sem internet' }));
    const r = report(await hd.decideDrafts({ decision: 'approve', filter: {}, as: P.gerente }));
    const t = await hd.getTicket(r.results[0]!.ticket!.protocol);
    expect(t.message).toContain('Olá');
    expect(t.message).toContain('Ainda sem internet');
    expect(t.channel).toBe('whatsapp');
  });

  it('R13: bulk approval by filter over 5,000 drafts decides every one, in chunks, with distinct protocols', async () => {
    const N = 5_000;
    // The drafts in one seed (one transaction), as N requests held for approval would leave them.
    const drafts = Array.from({ length: N }, (_, i) => ({ ref: `D-${i}`, requester: P.ana, department: 'Suporte', subject: `pedido ${i}`, message: 'm' }));
    await hd.seed({ drafts });
    expect((await hd.listDrafts({})).length).toBe(N);

    const notesBefore = (await hd.listNotifications({})).length;
    const dry = await hd.decideDrafts({ decision: 'approve', filter: { org: 'Filial Norte' }, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, matched: N });
    expect((await hd.listDrafts({})).length).toBe(N);
    expect(await hd.listTickets({})).toEqual([]);
    expect((await hd.listNotifications({})).length).toBe(notesBefore);

    const progress: [number, number][] = [];
    const r = report(
      await hd.decideDrafts(
        { decision: 'approve', filter: { org: 'Filial Norte' }, as: P.gerente },
        { onProgress: (done, total) => progress.push([done, total]) },
      ),
    );
    expect(r).toMatchObject({ requested: N, succeeded: N, failed: 0 });
    expect(progress).toEqual([
      [2000, N],
      [4000, N],
      [5000, N],
    ]);
    const tickets = await hd.listTickets({});
    expect(tickets).toHaveLength(N);
    expect(new Set(tickets.map((t) => t.protocol)).size).toBe(N);
    expect(new Set(r.results.map((x) => x.ticket!.protocol)).size).toBe(N);
    expect(await hd.listDrafts({})).toEqual([]);
    expect((await hd.listNotifications({ kind: 'draft_approved' })).length).toBe(N);
    expect((await hd.listNotifications({ kind: 'ticket_opened' })).length).toBe(N);
    // Deciding again by filter finds nothing.
    expect(report(await hd.decideDrafts({ decision: 'approve', filter: {} })).requested).toBe(0);
    expect(await hd.listTickets({})).toHaveLength(N);
  });
});
