import { describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import type { Draft, Ticket } from '../../src/core/schemas.js';
import { backends, expectCode, P, request, eachSeeded, START, type Opened, notSetUp, report, draftIn, ticketIn } from '../helpers/backends.js';

const VICE = 'vice@matriz.com.br'; // second active manager of Matriz
const CHEFE = 'chefe@norte.com.br'; // active manager of Filial Norte
const EX = 'ex@matriz.com.br'; // inactive manager of Matriz
const OLD = 'old@norte.com.br'; // removed manager of Filial Norte
const AVULSA = 'gerente@avulsa.com.br'; // manager of an unrelated organization


describe.each(backends)('notifications and audit ($name)', (backend) => {
  let o: Opened;
  let hd: Helpdesk;

  eachSeeded(backend, (opened) => {
    o = opened;
    hd = opened.hd;
  });

  const draftOf = (req: Record<string, unknown>) => draftIn(hd, req);
  const ticketOf = (req: Record<string, unknown>) => ticketIn(hd, req);

  it('R11: every active manager of the organization and of its parent is notified by e-mail and push', async () => {
    await hd.addCustomer({ email: VICE, name: 'Vice', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: CHEFE, name: 'Chefe', org: 'Filial Norte', manager: true });
    await hd.addCustomer({ email: EX, name: 'Ex', org: 'Matriz', manager: true, active: false });
    await hd.addCustomer({ email: OLD, name: 'Old', org: 'Filial Norte', manager: true });
    await hd.removeCustomer(OLD);
    await hd.addCustomer({ email: AVULSA, name: 'Gerente Avulsa', org: 'Avulsa', manager: true });
    await hd.setSetting('approval.mode', 'all-departments');

    await draftOf(request(P.ana, { subject: 'Preciso de acesso' }));
    const notes = await hd.listNotifications({ kind: 'draft_pending' });
    const got = notes.map((n) => `${n.to} ${n.channel}`).sort();
    expect(got).toEqual(
      [P.gerente, VICE, CHEFE].flatMap((m) => [`${m} email`, `${m} push`]).sort(),
    );
    for (const n of notes) {
      expect(n.subject).toContain('Preciso de acesso');
      expect(n.createdAt).toBe(START);
      expect(n.deliveredAt).toBeNull();
    }
    // The requester is not told "pending" by this notification, and nobody else is.
    expect(await hd.listNotifications({ to: P.ana })).toEqual([]);
    expect(await hd.listNotifications({ to: EX })).toEqual([]);
    expect(await hd.listNotifications({ to: AVULSA })).toEqual([]);
  });

  it("R11: a draft of the parent organization notifies only the parent's managers", async () => {
    await hd.addCustomer({ email: CHEFE, name: 'Chefe', org: 'Filial Norte', manager: true });
    await hd.addCustomer({ email: 'joao@matriz.com.br', name: 'João', org: 'Matriz' });
    await hd.setSetting('approval.mode', 'all-departments');
    await draftOf(request('joao@matriz.com.br'));
    const notes = await hd.listNotifications({ kind: 'draft_pending' });
    expect(notes.map((n) => `${n.to} ${n.channel}`).sort()).toEqual([`${P.gerente} email`, `${P.gerente} push`]);
  });

  it('R22: a ticket created at once notifies the requester (ticket opened), with an audit row', async () => {
    const t = await ticketOf(request(P.bia, { subject: 'Impressora' }));
    const notes = await hd.listNotifications({});
    expect(notes.map((n) => [n.kind, n.channel, n.to])).toEqual([['ticket_opened', 'email', P.bia]]);
    expect(notes[0]!.subject).toContain(t.protocol);
    const audit = await hd.listAudit({ since: START });
    expect(audit.filter((e) => e.action === 'ticket.create' && e.entity === 'ticket' && e.entityId === String(t.id))).toHaveLength(1);
  });

  it('R22: an internal ticket tells the customer nothing', async () => {
    await ticketOf(request(P.bia, { channel: 'agent', visibility: 'internal' }));
    expect(await hd.listNotifications({})).toEqual([]);
  });

  it('R22: the draft lifecycle records draft_pending, draft_approved + ticket_opened and draft_rejected', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    const d1 = await draftOf(request(P.ana, { subject: 'um' }));
    const d2 = await draftOf(request(P.ana, { subject: 'dois' }));
    expect((await hd.listNotifications({ kind: 'draft_pending' })).length).toBe(4);
    expect(await hd.listNotifications({ kind: 'ticket_opened' })).toEqual([]);

    o.env.DESKCTL_NOW = '2026-11-02T15:00:00.000Z';
    const approved = report(await hd.decideDrafts({ decision: 'approve', ids: [d1.id], as: P.gerente }));
    const protocol = approved.results[0]!.ticket!.protocol;
    const after = await hd.listNotifications({ to: P.ana });
    expect(after.map((n) => n.kind)).toEqual(['draft_approved', 'ticket_opened']);
    for (const n of after) {
      expect(n.subject).toContain(protocol);
      expect(n.createdAt).toBe('2026-11-02T15:00:00.000Z');
    }

    report(await hd.decideDrafts({ decision: 'reject', ids: [d2.id], as: P.gerente, reason: 'duplicado' }));
    const rejected = await hd.listNotifications({ kind: 'draft_rejected' });
    expect(rejected.map((n) => [n.to, n.channel])).toEqual([[P.ana, 'email']]);

    const actions = (await hd.listAudit({})).map((e) => `${e.action}:${e.entityId}`);
    expect(actions).toContain(`draft.create:${d1.id}`);
    expect(actions).toContain(`draft.create:${d2.id}`);
    expect(actions).toContain(`draft.approve:${d1.id}`);
    expect(actions).toContain(`draft.reject:${d2.id}`);
    const approveRow = (await hd.listAudit({})).find((e) => e.action === 'draft.approve')!;
    expect(approveRow.actor).toContain(P.gerente);
  });

  it('R22: answering, solving and reopening a ticket notify the requester', async () => {
    await hd.setSetting('reopen.allowed', true);
    const t = await ticketOf(request(P.bia));
    await hd.replyTicket(t.id, 'Pode testar agora?');
    await hd.solveTickets([t.id], 'Resolvido');
    await hd.reopenTickets([t.id], 'Não resolveu');
    const kinds = (await hd.listNotifications({ to: P.bia })).map((n) => n.kind);
    expect(kinds).toEqual(['ticket_opened', 'ticket_answered', 'ticket_solved', 'ticket_reopened']);
    const actions = (await hd.listAudit({})).filter((e) => e.entity === 'ticket' && e.entityId === String(t.id)).map((e) => e.action);
    expect(actions).toEqual(['ticket.create', 'ticket.reply', 'ticket.solve', 'ticket.reopen']);
  });

  it('R22: a failed operation leaves no notification and no audit row', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    const notes0 = await hd.listNotifications({});
    const audit0 = await hd.listAudit({});

    await expectCode(hd.createTicket(request(P.ana, { department: 'Jurídico' })), 'not_found');
    await expectCode(hd.createTicket(request(P.bia, { department: 'Jurídico' })), 'not_found');
    await expectCode(hd.createTicket(request(P.bia, { category: 'Inexistente' })), 'not_found');
    await expectCode(hd.createTicket(request('ninguem@x.com')), 'not_found');
    await expectCode(hd.createTicket(request(P.ana, { channel: 'email', category: 'Acesso' })), 'invalid_input');
    await expectCode(hd.setOrganizationParent('Matriz', 'Filial Norte'), 'conflict');
    await expectCode(hd.addDepartment('Suporte'), 'conflict');
    await expectCode(hd.setSetting('approval.mode', 'nunca'), 'invalid_input');
    await expectCode(hd.decideDrafts({ decision: 'approve', filter: {}, as: P.ana }), 'forbidden');
    await expectCode(hd.reopenTickets([1], ''), 'invalid_input');

    expect(await hd.listNotifications({})).toEqual(notes0);
    expect(await hd.listAudit({})).toEqual(audit0);
    expect(await hd.listTickets({})).toEqual([]);
    expect(await hd.listDrafts({})).toEqual([]);
  });

  it('R22: a refused ticket change in a batch sends nothing for that ticket', async () => {
    const open = await ticketOf(request(P.bia, { subject: 'aberto' }));
    const closed = await ticketOf(request(P.bia, { subject: 'fechado' }));
    await hd.closeTickets([closed.id]);
    const notes0 = (await hd.listNotifications({})).length;
    const r = await hd.solveTickets([open.id, closed.id, 999_999]);
    expect(r).toMatchObject({ requested: 3, succeeded: 1, failed: 2 });
    const solved = await hd.listNotifications({ kind: 'ticket_solved' });
    expect(solved).toHaveLength(1);
    expect(solved[0]!.subject).toContain(open.protocol);
    expect((await hd.listNotifications({})).length).toBe(notes0 + 1);
    const solveAudit = (await hd.listAudit({})).filter((e) => e.action === 'ticket.solve');
    expect(solveAudit.map((e) => e.entityId)).toEqual([String(open.id)]);
  });

  it('R22: every mutation leaves an audit row', async () => {
    await hd.setSetting('reopen.allowed', true);
    let ruleId = 0;
    let ticket!: Ticket;
    let draft!: Draft;
    const steps: [expected: string, run: () => Promise<unknown>][] = [
      ['settings.set', () => hd.setSetting('approval.mode', 'departments')],
      ['department.add', () => hd.addDepartment('Jurídico')],
      ['category.add', () => hd.addCategory('Contratos', 'Jurídico')],
      ['rule.add', async () => (ruleId = (await hd.addRule({ department: 'Jurídico', scope: 'all' })).id)],
      ['rule.remove', () => hd.removeRules([ruleId])],
      ['rule.add', () => hd.addRule({ department: 'Suporte', scope: 'none' })],
      ['rule.remove', () => hd.removeRuleMatching({ department: 'Suporte', scope: 'none' })],
      ['rule.add', () => hd.addRule({ department: 'Suporte', scope: 'all' })],
      ['category.remove', () => hd.removeCategory('Contratos', 'Jurídico')],
      ['department.remove', () => hd.removeDepartment('Jurídico')],
      ['organization.add', () => hd.addOrganization('Filial Sul', 'Matriz')],
      ['organization.set_parent', () => hd.setOrganizationParent('Filial Sul', null)],
      ['organization.remove', () => hd.removeOrganization('Filial Sul')],
      ['customer.add', () => hd.addCustomer({ email: 'caio@norte.com.br', name: 'Caio', org: 'Filial Norte' })],
      ['customer.set', () => hd.setCustomer('caio@norte.com.br', { phone: '+5511988887777' })],
      ['agent.add', () => hd.addAgent({ email: 'outro@deskctl.dev', name: 'Outro' })],
      ['draft.create', async () => {
        const r = await hd.createTicket(request('caio@norte.com.br', { channel: 'whatsapp', conversation: 'c1' }));
        if (r.outcome !== 'draft') throw new Error('draft');
        draft = r.draft;
      }],
      ['draft.append', () => hd.createTicket(request('caio@norte.com.br', { channel: 'whatsapp', conversation: 'c1', message: 'mais' }))],
      ['draft.approve', () => hd.decideDrafts({ decision: 'approve', ids: [draft.id] })],
      ['draft.create', () => hd.createTicket(request('caio@norte.com.br'))],
      ['draft.reject', () => hd.decideDrafts({ decision: 'reject', filter: {} })],
      ['ticket.create', async () => (ticket = await ticketOf(request(P.bia)))],
      ['ticket.reply', () => hd.replyTicket(ticket.id, 'oi')],
      ['ticket.solve', () => hd.solveTickets([ticket.id])],
      ['ticket.reopen', () => hd.reopenTickets([ticket.id], 'de novo')],
      ['ticket.solve', () => hd.solveTickets([ticket.id])],
      ['ticket.link_process', () => hd.linkProcess(ticket.id, 'PROC-1')],
      ['ticket.close', () => hd.closeTickets([ticket.id])],
      ['ticket.rate', () => hd.rateTicket(ticket.id, 5)],
      ['customer.remove', () => hd.removeCustomer('caio@norte.com.br')],
    ];
    for (const [expected, run] of steps) {
      const before = (await hd.listAudit({})).length;
      await run();
      const rows = (await hd.listAudit({})).slice(before);
      expect(rows.map((r) => r.action), `audit after ${expected}`).toContain(expected);
      for (const r of rows) expect(r.actor.length).toBeGreaterThan(0);
    }
    // Creating a tenant is audited in the new tenant.
    await hd.createTenant('nova');
    const other = await backend.open({ file: o.file, tenant: 'nova' });
    try {
      expect((await other.hd.listAudit({})).filter(notSetUp).map((e) => e.action)).toEqual(['tenant.create']);
    } finally {
      await other.close();
    }
  });
});
