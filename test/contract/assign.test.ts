import { describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { backends, eachSeeded, expectCode, P, request, ticketIn } from '../helpers/backends.js';

/** Issue 12 (habits): `tickets assign`, on both backends. */
describe.each(backends)('tickets assign ($name)', (backend) => {
  let hd: Helpdesk;
  eachSeeded(backend, async (opened) => {
    hd = opened.hd;
    await hd.addAgent({ email: 'rui@deskctl.dev', name: 'Rui', departments: ['Financeiro'] });
  });

  it('assigns to an agent of the ticket\'s department, reports one already theirs, unassigns; audit says who from and to', async () => {
    const a = await ticketIn(hd, request(P.solo));
    const b = await ticketIn(hd, request(P.solo));
    const first = await hd.assignTickets([a.id], P.agent);
    expect(first).toMatchObject({ requested: 1, succeeded: 1, failed: 0, results: [{ id: a.id, ok: true, changed: true }] });
    const again = await hd.assignTickets([a.id, b.id], P.agent);
    expect(again.results.map((r) => r.changed)).toEqual([false, true]);
    expect((await hd.getTicket(a.protocol)).agent).toBe(P.agent);
    expect((await hd.listTickets({ agent: P.agent })).map((t) => t.id)).toEqual([a.id, b.id]);
    const none = await hd.assignTickets([a.id], null);
    expect(none.results[0]).toMatchObject({ ok: true, changed: true });
    expect((await hd.getTicket(a.protocol)).agent).toBeNull();
    const audit = await hd.listAudit({ action: 'ticket.assign', entity: 'ticket', entityId: String(a.id) });
    expect(audit.map((e) => e.details)).toEqual([
      { protocol: a.protocol, from: null, to: P.agent },
      { protocol: a.protocol, from: P.agent, to: null },
    ]);
  });

  it('an agent of another department is refused for that ticket, which stays as it was', async () => {
    const t = await ticketIn(hd, request(P.solo));
    const r = await hd.assignTickets([t.id], 'rui@deskctl.dev');
    expect(r).toMatchObject({ succeeded: 0, failed: 1, results: [{ ok: false, error: { code: 'precondition_failed' } }] });
    expect(r.results[0]!.error!.message).toBe(`rui@deskctl.dev does not work in department Suporte, the department of ticket ${t.protocol}`);
    expect((await hd.getTicket(t.protocol)).agent).toBeNull();
  });

  it('an agent that does not exist is not found, with the closest e-mail', async () => {
    const t = await ticketIn(hd, request(P.solo));
    const e = await expectCode(hd.assignTickets([t.id], 'agnte@deskctl.dev'), 'not_found');
    expect(e.message).toBe(`agent agnte@deskctl.dev not found (did you mean ${P.agent}?)`);
  });
});
