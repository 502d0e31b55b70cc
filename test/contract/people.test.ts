import { describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { backends, expectCode, P, request, eachSeeded } from '../helpers/backends.js';

describe.each(backends)('organizations, customers and catalog ($name)', (backend) => {
  let hd: Helpdesk;

  eachSeeded(backend, (opened) => {
    hd = opened.hd;
  });

  it('R2: an organization may have one parent', async () => {
    const orgs = await hd.listOrganizations();
    expect(orgs.map((x) => [x.name, x.parent])).toEqual([
      ['Matriz', null],
      ['Filial Norte', 'Matriz'],
      ['Avulsa', null],
    ]);
    const moved = await hd.setOrganizationParent('Avulsa', 'Matriz');
    expect(moved).toMatchObject({ name: 'Avulsa', parent: 'Matriz', changed: true });
    const cleared = await hd.setOrganizationParent('Avulsa', null);
    expect(cleared).toMatchObject({ parent: null, changed: true });
    expect((await hd.listOrganizations()).find((x) => x.name === 'Avulsa')!.parent).toBeNull();
  });

  it('R2: an organization cannot be its own parent', async () => {
    await expectCode(hd.setOrganizationParent('Matriz', 'Matriz'), 'conflict');
    expect((await hd.listOrganizations()).find((x) => x.name === 'Matriz')!.parent).toBeNull();
  });

  it('R2: a parent may not be its own ancestor (direct and deeper cycles)', async () => {
    // Matriz <- Filial Norte: making Matriz a child of Filial Norte closes a 2-cycle.
    await expectCode(hd.setOrganizationParent('Matriz', 'Filial Norte'), 'conflict');
    // Matriz <- Filial Norte <- Posto: making Matriz a child of Posto closes a 3-cycle.
    await hd.addOrganization('Posto', 'Filial Norte');
    await expectCode(hd.setOrganizationParent('Matriz', 'Posto'), 'conflict');
    const orgs = await hd.listOrganizations();
    expect(orgs.find((x) => x.name === 'Matriz')!.parent).toBeNull();
    expect(orgs.find((x) => x.name === 'Filial Norte')!.parent).toBe('Matriz');
    expect(orgs.find((x) => x.name === 'Posto')!.parent).toBe('Filial Norte');
    // A refused change writes no audit row.
    expect((await hd.listAudit({})).filter((e) => e.action === 'organization.set_parent')).toEqual([]);
  });

  it('R3: a customer belongs to at most one organization; a manager needs one', async () => {
    const moved = await hd.setCustomer(P.ana, { org: 'Avulsa' });
    expect(moved.organization).toBe('Avulsa');
    expect((await hd.listCustomers({ org: 'Filial Norte' })).map((c) => c.email)).toEqual([]);
    expect((await hd.listCustomers({ org: 'Avulsa' })).map((c) => c.email).sort()).toEqual([P.ana, P.bia].sort());
    await expectCode(hd.setCustomer(P.solo, { manager: true }), 'invalid_input');
    await expectCode(hd.addCustomer({ email: 'novo@x.com', name: 'Novo', manager: true }), 'invalid_input');
    expect((await hd.listCustomers({ managers: true })).map((c) => c.email)).toEqual([P.gerente]);
  });

  it('R3: an inactive manager is not an active manager (no approval)', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    const off = await hd.setCustomer(P.gerente, { active: false });
    expect(off).toMatchObject({ manager: true, active: false, changed: true });
    const r = await hd.createTicket(request(P.ana));
    expect(r.outcome).toBe('ticket');
    // Active again: approval applies again.
    await hd.setCustomer(P.gerente, { active: true });
    expect((await hd.createTicket(request(P.ana))).outcome).toBe('draft');
  });

  it('R3: a removed manager is not an active manager (no approval)', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    expect((await hd.createTicket(request(P.ana))).outcome).toBe('draft');
    await hd.removeCustomer(P.gerente);
    expect((await hd.createTicket(request(P.ana))).outcome).toBe('ticket');
  });

  it('R3: an inactive or removed manager cannot act as a manager', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    await hd.addCustomer({ email: 'vice@matriz.com.br', name: 'Vice', org: 'Matriz', manager: true });
    const d = await hd.createTicket(request(P.ana));
    if (d.outcome !== 'draft') throw new Error('expected a draft');
    await hd.setCustomer(P.gerente, { active: false });
    await expectCode(hd.decideDrafts({ decision: 'approve', ids: [d.draft.id], as: P.gerente }), 'forbidden');
    await hd.removeCustomer('vice@matriz.com.br');
    await expectCode(hd.decideDrafts({ decision: 'approve', ids: [d.draft.id], as: 'vice@matriz.com.br' }), 'forbidden');
    expect((await hd.listDrafts({})).map((x) => x.id)).toEqual([d.draft.id]);
  });

  it('R4: categories belong to a department', async () => {
    expect((await hd.listCategories('Suporte')).map((c) => c.name)).toEqual(['Acesso', 'Rede']);
    expect((await hd.listCategories('Financeiro')).map((c) => c.name)).toEqual(['Boleto']);
    expect((await hd.listDepartments()).map((d) => [d.name, d.categories])).toEqual([
      ['Suporte', ['Acesso', 'Rede']],
      ['Financeiro', ['Boleto']],
    ]);
    // A category of another department is not a category of this one.
    await expectCode(hd.createTicket(request(P.bia, { category: 'Boleto' })), 'not_found');
    await expectCode(hd.addRule({ department: 'Suporte', scope: 'category', category: 'Boleto' }), 'not_found');
    // The same name may exist in two departments; twice in one is a conflict.
    await hd.addCategory('Boleto', 'Suporte');
    await expectCode(hd.addCategory('Boleto', 'Suporte'), 'conflict');
    const agents = await hd.listAgents();
    expect(agents.map((a) => [a.email, a.departments])).toEqual([[P.agent, ['Suporte', 'Financeiro']]]);
  });

  it('R15: removing a customer removes their pending drafts', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    await hd.addCustomer({ email: 'caio@norte.com.br', name: 'Caio', org: 'Filial Norte' });
    const mine1 = await hd.createTicket(request(P.ana, { subject: 'um' }));
    const mine2 = await hd.createTicket(request(P.ana, { subject: 'dois' }));
    const other = await hd.createTicket(request('caio@norte.com.br'));
    expect([mine1.outcome, mine2.outcome, other.outcome]).toEqual(['draft', 'draft', 'draft']);
    const before = (await hd.listNotifications({})).length;

    const removed = await hd.removeCustomer(P.ana);
    expect(removed).toEqual({ removed: P.ana, draftsRemoved: 2 });
    const left = await hd.listDrafts({});
    expect(left.map((d) => d.requester)).toEqual(['caio@norte.com.br']);
    if (mine1.outcome !== 'draft') throw new Error('draft');
    await expectCode(hd.getDraft(mine1.draft.id), 'not_found');
    // Nothing can approve them later, and they were not kept for a restore.
    const late = await hd.decideDrafts({ decision: 'approve', ids: [mine1.draft.id] });
    if (late.dryRun) throw new Error('not a dry run');
    expect(late.results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await hd.addCustomer({ email: P.ana, name: 'Ana de novo', org: 'Filial Norte' });
    expect(await hd.listDrafts({ requester: P.ana })).toEqual([]);
    expect(await hd.listTickets({})).toEqual([]);
    // Removing a customer sends nothing.
    expect((await hd.listNotifications({})).length).toBe(before);
    expect((await hd.listAudit({})).some((e) => e.action === 'customer.remove')).toBe(true);
  });

  it('R15: removing a customer keeps their tickets', async () => {
    const t = await hd.createTicket(request(P.bia));
    if (t.outcome !== 'ticket') throw new Error('ticket');
    expect(await hd.removeCustomer(P.bia)).toEqual({ removed: P.bia, draftsRemoved: 0 });
    expect((await hd.getTicket(t.ticket.protocol)).requester).toBe(P.bia);
    expect((await hd.listCustomers()).map((c) => c.email)).not.toContain(P.bia);
  });
});
