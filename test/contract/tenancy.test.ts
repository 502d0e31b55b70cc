import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { backends, expectCode, notSetUp, P, request, seedBasics, type Opened } from '../helpers/backends.js';

describe.each(backends)('tenancy ($name)', (backend) => {
  let a: Opened;
  let b: Opened;
  let hdA: Helpdesk;
  let hdB: Helpdesk;

  beforeEach(async () => {
    a = await backend.open();
    hdA = a.hd;
    await seedBasics(hdA);
    await hdA.createTenant('outra', 'Outra Conta');
    b = await backend.open({ file: a.file, tenant: 'outra', env: { DESKCTL_NOW: a.env.DESKCTL_NOW! } });
    hdB = b.hd;
  });
  afterEach(async () => {
    await b.close();
    await a.close();
  });

  it('R1: a new tenant starts empty and its lists show nothing of another tenant', async () => {
    await hdA.setSetting('approval.mode', 'all-departments');
    const draft = await hdA.createTicket(request(P.ana));
    expect(draft.outcome).toBe('draft');
    const ticket = await hdA.createTicket(request(P.bia));
    expect(ticket.outcome).toBe('ticket');
    await hdA.addRule({ department: 'Suporte', scope: 'all' });

    expect(hdB.tenant).toBe('outra');
    expect(await hdB.listDepartments()).toEqual([]);
    expect(await hdB.listCategories()).toEqual([]);
    expect(await hdB.listOrganizations()).toEqual([]);
    expect(await hdB.listCustomers()).toEqual([]);
    expect(await hdB.listAgents()).toEqual([]);
    expect(await hdB.listRules()).toEqual([]);
    expect(await hdB.listDrafts({})).toEqual([]);
    expect(await hdB.listTickets({})).toEqual([]);
    expect(await hdB.listNotifications({})).toEqual([]);
    expect((await hdB.listAudit({})).filter(notSetUp).every((e) => e.entity === 'tenant')).toBe(true);
    // The settings of one tenant are not the other's (R5 default for the new one).
    expect((await hdB.getSettings())['approval.mode']).toBe('disabled');
    // Both tenants are listed, each by its own slug.
    expect((await hdA.listTenants()).map((t) => t.slug).sort()).toEqual(['default', 'outra']);
  });

  it("R1: another tenant's draft and ticket ids are neither visible nor decidable", async () => {
    await hdA.setSetting('approval.mode', 'all-departments');
    const d = await hdA.createTicket(request(P.ana));
    if (d.outcome !== 'draft') throw new Error('expected a draft');
    const t = await hdA.createTicket(request(P.bia));
    if (t.outcome !== 'ticket') throw new Error('expected a ticket');

    await expectCode(hdB.getDraft(d.draft.id), 'not_found');
    await expectCode(hdB.getTicket(String(t.ticket.id)), 'not_found');
    await expectCode(hdB.getTicket(t.ticket.protocol), 'not_found');

    const approve = await hdB.decideDrafts({ decision: 'approve', ids: [d.draft.id] });
    if (approve.dryRun) throw new Error('not a dry run');
    expect(approve.succeeded).toBe(0);
    expect(approve.results[0]).toMatchObject({ id: d.draft.id, ok: false, error: { code: 'not_found' } });
    const reject = await hdB.decideDrafts({ decision: 'reject', ids: [d.draft.id] });
    if (reject.dryRun) throw new Error('not a dry run');
    expect(reject.results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const byFilter = await hdB.decideDrafts({ decision: 'approve', filter: {} });
    if (byFilter.dryRun) throw new Error('not a dry run');
    expect(byFilter.requested).toBe(0);

    const solve = await hdB.solveTickets([t.ticket.id]);
    expect(solve.results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // The draft is still pending in its own tenant, untouched; the ticket is still open.
    expect((await hdA.listDrafts({})).map((x) => x.id)).toEqual([d.draft.id]);
    expect((await hdA.getTicket(t.ticket.protocol)).status).toBe('open');
    expect(await hdB.listTickets({})).toEqual([]);
  });

  it("R1: a customer, organization or department of another tenant is unknown here", async () => {
    await expectCode(hdB.listDrafts({}, { as: P.gerente }), 'forbidden');
    await expectCode(hdB.decideDrafts({ decision: 'approve', filter: {}, as: P.gerente }), 'forbidden');
    await expectCode(hdB.createTicket(request(P.ana)), 'not_found');
    await expectCode(hdB.listCustomers({ org: 'Matriz' }), 'not_found');
    await expectCode(hdB.addCategory('Acesso', 'Suporte'), 'not_found');
    // The same names may be used again in another tenant without conflict.
    await hdB.addDepartment('Suporte');
    await hdB.addOrganization('Matriz');
    await hdB.addCustomer({ email: P.gerente, name: 'Outro Gerente', org: 'Matriz', manager: true });
    expect((await hdB.listCustomers()).map((c) => c.name)).toEqual(['Outro Gerente']);
    expect((await hdA.listCustomers({ managers: true })).map((c) => c.name)).toEqual(['Gerente da Matriz']);
  });

  it('R1: protocol numbers are per tenant and notifications stay in their tenant', async () => {
    const t1 = await hdA.createTicket(request(P.bia));
    await hdB.addDepartment('Suporte');
    await hdB.addCustomer({ email: P.bia, name: 'Bia B' });
    const t2 = await hdB.createTicket(request(P.bia));
    if (t1.outcome !== 'ticket' || t2.outcome !== 'ticket') throw new Error('expected tickets');
    // Each tenant sees exactly its own ticket under the shared protocol number, never the other's.
    expect((await hdA.listTickets({})).map((t) => t.id)).toEqual([t1.ticket.id]);
    expect((await hdB.listTickets({})).map((t) => t.id)).toEqual([t2.ticket.id]);
    expect((await hdB.getTicket(t2.ticket.protocol)).id).toBe(t2.ticket.id);
    const nA = await hdA.listNotifications({ kind: 'ticket_opened' });
    const nB = await hdB.listNotifications({ kind: 'ticket_opened' });
    expect(nA).toHaveLength(1);
    expect(nB).toHaveLength(1);
    expect(nA[0]!.id).not.toBe(nB[0]!.id);
  });

  it('R1: removing a tenant removes only its rows', async () => {
    await hdB.addDepartment('Suporte');
    await hdB.addCustomer({ email: P.bia, name: 'Bia B' });
    await hdB.createTicket(request(P.bia));
    // A WhatsApp conversation with its ticket and messages goes with its tenant too.
    await hdB.setSetting('whatsapp.ticket.department', 'Suporte');
    await hdB.setSetting('whatsapp.autoTicket', true);
    await hdB.receiveWhatsApp({ from: '+55 11 91234-5678', text: 'oi', type: 'text' });
    await hdB.receiveWhatsApp({ from: '+55 11 91234-5678', text: 'nova@b.example', type: 'text' });
    await hdA.createTicket(request(P.bia));
    await b.hd.close();
    expect(await hdA.removeTenant('outra')).toEqual({ removed: 'outra' });
    b = { ...b, close: async () => {} };
    expect((await hdA.listTenants()).map((t) => t.slug)).toEqual(['default']);
    expect(await hdA.listTickets({})).toHaveLength(1);
    expect(await hdA.listCustomers()).toHaveLength(4);
    const reopened = backend.open({ file: a.file, tenant: 'outra' });
    await expectCode(reopened, 'not_found');
  });
});
