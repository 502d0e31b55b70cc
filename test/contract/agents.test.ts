import { describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { backends, eachSeeded, expectCode, P, request, ticketIn } from '../helpers/backends.js';

/** Issue 12 (habits): `agents set` and `agents remove`, on both backends (R4). */
describe.each(backends)('agents set and remove ($name)', (backend) => {
  let hd: Helpdesk;
  eachSeeded(backend, (opened) => {
    hd = opened.hd;
  });

  it('R4: changes departments, name and admin flag; asking again changes nothing', async () => {
    const changed = await hd.setAgent(P.agent, { removeDepartments: ['Financeiro'], name: 'Agente Um', admin: true });
    expect(changed).toMatchObject({ email: P.agent, name: 'Agente Um', admin: true, departments: ['Suporte'], changed: true });
    const same = await hd.setAgent(P.agent, { removeDepartments: ['Financeiro'], addDepartments: ['Suporte'], admin: true });
    expect(same.changed).toBe(false);
    expect((await hd.setAgent(P.agent, { addDepartments: ['Financeiro'] })).departments).toEqual(['Suporte', 'Financeiro']);
    await expectCode(hd.setAgent(P.agent, { addDepartments: ['Jurídico'] }), 'not_found');
    await expectCode(hd.setAgent('ghost@deskctl.dev', { name: 'X' }), 'not_found');
  });

  it('a removed agent is gone, their tickets unassigned and counted', async () => {
    const t = await ticketIn(hd, request(P.solo));
    await hd.assignTickets([t.id], P.agent);
    expect(await hd.removeAgent(P.agent)).toEqual({ removed: P.agent, ticketsUnassigned: 1 });
    expect(await hd.listAgents()).toEqual([]);
    expect((await hd.getTicket(t.protocol)).agent).toBeNull();
    await expectCode(hd.removeAgent(P.agent), 'not_found');
  });
});
