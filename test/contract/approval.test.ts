import { describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import type { CreateOutcome } from '../../src/core/schemas.js';
import { backends, expectCode, P, request, eachSeeded } from '../helpers/backends.js';

const CUSTOMER_CHANNELS = ['panel', 'api', 'whatsapp', 'app'] as const;

describe.each(backends)('approval of ticket creation ($name)', (backend) => {
  let hd: Helpdesk;

  eachSeeded(backend, (opened) => {
    hd = opened.hd;
  });

  const outcome = async (req: Record<string, unknown>): Promise<CreateOutcome['outcome']> => (await hd.createTicket(req)).outcome;

  it('R5: approval is disabled in a new tenant, so a request becomes a ticket', async () => {
    expect(await hd.getSettings()).toMatchObject({ 'approval.mode': 'disabled' });
    expect(await hd.getApproval()).toEqual({ mode: 'disabled', rules: [] });
    expect(await outcome(request(P.ana))).toBe('ticket');
  });

  it('R5: the three modes can be set and nothing else', async () => {
    for (const mode of ['all-departments', 'departments', 'disabled'] as const) {
      expect(await hd.setSetting('approval.mode', mode)).toMatchObject({ key: 'approval.mode', value: mode, changed: true });
      expect((await hd.getApproval()).mode).toBe(mode);
    }
    await expectCode(hd.setSetting('approval.mode', 'sometimes'), 'invalid_input');
    expect((await hd.getSettings())['approval.mode']).toBe('disabled');
  });

  it('R5: under all-departments every department needs approval', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    expect(await outcome(request(P.ana))).toBe('draft');
    expect(await outcome(request(P.ana, { department: 'Financeiro', category: 'Boleto' }))).toBe('draft');
    expect(await outcome(request(P.ana, { category: 'Rede' }))).toBe('draft');
  });

  it('R6: a rule is department plus category, none or all; the same rule twice is a conflict', async () => {
    const r1 = await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso' });
    const r2 = await hd.addRule({ department: 'Suporte', scope: 'none' });
    const r3 = await hd.addRule({ department: 'Financeiro', scope: 'all' });
    expect([r1, r2, r3].map((r) => [r.department, r.scope, r.category])).toEqual([
      ['Suporte', 'category', 'Acesso'],
      ['Suporte', 'none', null],
      ['Financeiro', 'all', null],
    ]);
    await expectCode(hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso' }), 'conflict');
    await expectCode(hd.addRule({ department: 'Suporte', scope: 'none' }), 'conflict');
    await expectCode(hd.addRule({ department: 'Financeiro', scope: 'all' }), 'conflict');
    await expectCode(hd.addRule({ department: 'Suporte', scope: 'none', category: 'Acesso' }), 'invalid_input');
    await expectCode(hd.addRule({ department: 'Suporte', scope: 'category' }), 'invalid_input');
    expect((await hd.listRules()).map((r) => r.id)).toEqual([r1.id, r2.id, r3.id]);
    // To change a rule: remove it and add the new one.
    expect((await hd.removeRules([r1.id])).removed.map((r) => r.id)).toEqual([r1.id]);
    const r4 = await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Rede' });
    expect((await hd.getApproval()).rules.map((r) => r.id)).toEqual([r2.id, r3.id, r4.id]);
    expect((await hd.removeRuleMatching({ department: 'Suporte', scope: 'none' })).removed.map((r) => r.id)).toEqual([r2.id]);
    await expectCode(hd.removeRuleMatching({ department: 'Suporte', scope: 'none' }), 'not_found');
  });

  it('R7: under departments mode only a matching rule requires approval (R6, R7.1)', async () => {
    await hd.setSetting('approval.mode', 'departments');
    expect(await outcome(request(P.ana, { category: 'Acesso' }))).toBe('ticket');
    await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso' });
    expect(await outcome(request(P.ana, { category: 'Acesso' }))).toBe('draft');
    expect(await outcome(request(P.ana, { category: 'Rede' }))).toBe('ticket');
    expect(await outcome(request(P.ana))).toBe('ticket');
    expect(await outcome(request(P.ana, { department: 'Financeiro', category: 'Boleto' }))).toBe('ticket');
  });

  it('R7: scope none matches only requests without a category (R6, R7.1)', async () => {
    await hd.setSetting('approval.mode', 'departments');
    await hd.addRule({ department: 'Suporte', scope: 'none' });
    expect(await outcome(request(P.ana))).toBe('draft');
    expect(await outcome(request(P.ana, { category: 'Acesso' }))).toBe('ticket');
  });

  it('R7: scope all matches with and without a category, only in its department (R6, R7.1)', async () => {
    await hd.setSetting('approval.mode', 'departments');
    await hd.addRule({ department: 'Suporte', scope: 'all' });
    expect(await outcome(request(P.ana))).toBe('draft');
    expect(await outcome(request(P.ana, { category: 'Rede' }))).toBe('draft');
    expect(await outcome(request(P.ana, { department: 'Financeiro' }))).toBe('ticket');
  });

  it("R7: the parent organization's manager triggers approval for a child organization's requester (R7.3)", async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    // Filial Norte has no manager of its own; Matriz (its parent) has one.
    expect(await hd.listCustomers({ org: 'Filial Norte', managers: true })).toEqual([]);
    const r = await hd.createTicket(request(P.ana));
    expect(r.outcome).toBe('draft');
    if (r.outcome === 'draft') expect(r.draft.organization).toBe('Filial Norte');
    expect(await hd.listTickets({})).toEqual([]);
  });

  it("R7: a manager of a child organization does not make the parent's requests need approval (R7.3)", async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    await hd.setCustomer(P.gerente, { manager: false });
    await hd.addCustomer({ email: 'chefe@norte.com.br', name: 'Chefe', org: 'Filial Norte', manager: true });
    await hd.addCustomer({ email: 'joao@matriz.com.br', name: 'João', org: 'Matriz' });
    expect(await outcome(request('joao@matriz.com.br'))).toBe('ticket');
    expect(await outcome(request(P.ana))).toBe('draft');
  });

  it('R7: an organization without any active manager (nor parent) creates tickets (R7.3)', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    expect(await outcome(request(P.bia))).toBe('ticket');
    await hd.setCustomer(P.gerente, { active: false });
    expect(await outcome(request(P.ana))).toBe('ticket');
  });

  it('R7: a requester without an organization creates a ticket (R7.2)', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    expect(await outcome(request(P.solo))).toBe('ticket');
  });

  it("R7: a manager's own request is created at once (R7.4)", async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    const r = await hd.createTicket(request(P.gerente));
    expect(r.outcome).toBe('ticket');
    expect(await hd.listDrafts({})).toEqual([]);
    // A manager of the child organization also opens tickets at once, although the parent has a manager.
    await hd.addCustomer({ email: 'chefe@norte.com.br', name: 'Chefe', org: 'Filial Norte', manager: true });
    expect(await outcome(request('chefe@norte.com.br'))).toBe('ticket');
  });

  it.each(CUSTOMER_CHANNELS)('R8: a request by the %s channel goes through approval', async (channel) => {
    await hd.setSetting('approval.mode', 'all-departments');
    const extra = channel === 'whatsapp' ? { channel, conversation: 'wa-1' } : { channel };
    const r = await hd.createTicket(request(P.ana, { ...extra, category: 'Acesso' }));
    expect(r.outcome).toBe('draft');
    if (r.outcome === 'draft') expect(r.draft.channel).toBe(channel);
  });

  it('R8: a request by the email channel goes through approval', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    expect(await outcome(request(P.ana, { channel: 'email' }))).toBe('draft');
  });

  it('R8: tickets opened by an agent never need approval', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    const onBehalf = await hd.createTicket(request(P.ana, { channel: 'agent', category: 'Acesso' }));
    expect(onBehalf.outcome).toBe('ticket');
    if (onBehalf.outcome === 'ticket') expect(onBehalf.ticket).toMatchObject({ channel: 'agent', visibility: 'public', requester: P.ana });
    const internal = await hd.createTicket(request(P.ana, { channel: 'agent', visibility: 'internal' }));
    expect(internal.outcome).toBe('ticket');
    if (internal.outcome === 'ticket') expect(internal.ticket.visibility).toBe('internal');
    expect(await hd.listDrafts({})).toEqual([]);
    // Only agents open internal tickets.
    await expectCode(hd.createTicket(request(P.ana, { visibility: 'internal' })), 'invalid_input');
  });

  it('R9: an e-mail request never carries a category (invalid_input)', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    await expectCode(hd.createTicket(request(P.ana, { channel: 'email', category: 'Acesso' })), 'invalid_input');
    expect(await hd.listDrafts({})).toEqual([]);
    expect(await hd.listTickets({})).toEqual([]);
  });

  it('R9: under departments mode an e-mail request ignores category rules but matches none and all', async () => {
    await hd.setSetting('approval.mode', 'departments');
    await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso' });
    await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Rede' });
    const byMail = request(P.ana, { channel: 'email' });
    expect(await outcome(byMail)).toBe('ticket');
    const none = await hd.addRule({ department: 'Suporte', scope: 'none' });
    const r = await hd.createTicket(byMail);
    expect(r.outcome).toBe('draft');
    if (r.outcome === 'draft') expect(r.draft).toMatchObject({ channel: 'email', category: null });
    await hd.removeRules([none.id]);
    expect(await outcome(byMail)).toBe('ticket');
    await hd.addRule({ department: 'Suporte', scope: 'all' });
    expect(await outcome(byMail)).toBe('draft');
  });

  it('R14: turning approval off leaves pending drafts pending, new requests become tickets', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    const d = await hd.createTicket(request(P.ana));
    if (d.outcome !== 'draft') throw new Error('draft');
    await hd.setSetting('approval.mode', 'disabled');
    expect((await hd.listDrafts({})).map((x) => x.id)).toEqual([d.draft.id]);
    expect(await outcome(request(P.ana))).toBe('ticket');
    // The pending draft can still be decided.
    const res = await hd.decideDrafts({ decision: 'approve', ids: [d.draft.id], as: P.gerente });
    if (res.dryRun) throw new Error('not a dry run');
    expect(res.succeeded).toBe(1);
    expect(await hd.listDrafts({})).toEqual([]);
    expect(await hd.listTickets({})).toHaveLength(2);
  });

  it('R14: removing the matching rule leaves pending drafts pending', async () => {
    await hd.setSetting('approval.mode', 'departments');
    const rule = await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso' });
    const d = await hd.createTicket(request(P.ana, { category: 'Acesso' }));
    if (d.outcome !== 'draft') throw new Error('draft');
    await hd.removeRules([rule.id]);
    expect((await hd.listDrafts({})).map((x) => x.id)).toEqual([d.draft.id]);
    expect((await hd.getDraft(d.draft.id)).category).toBe('Acesso');
    expect(await outcome(request(P.ana, { category: 'Acesso' }))).toBe('ticket');
    const res = await hd.decideDrafts({ decision: 'reject', ids: [d.draft.id], as: P.gerente });
    if (res.dryRun) throw new Error('not a dry run');
    expect(res.succeeded).toBe(1);
  });
});
