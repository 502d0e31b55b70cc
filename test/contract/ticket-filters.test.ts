import { describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { backends, eachSeeded, expectCode, P, request } from '../helpers/backends.js';

/** Issue 12 (habits): `tickets list` filters by category, channel and agent, on both backends. */
describe.each(backends)('ticket list filters ($name)', (backend) => {
  let hd: Helpdesk;
  eachSeeded(backend, (opened) => {
    hd = opened.hd;
  });

  const seedTickets = async () => {
    await hd.createTicket(request(P.solo, { category: 'Acesso' }));
    await hd.createTicket(request(P.solo, { category: 'Rede', channel: 'whatsapp' }));
    await hd.createTicket(request(P.solo, { channel: 'email' }));
    await hd.seed({ tickets: [{ ref: 'F-1', requester: P.solo, department: 'Financeiro', category: 'Boleto', subject: 's', message: 'm', status: 'open', agent: P.agent }] });
  };

  it('filters by category, channel and agent, alone and together', async () => {
    await seedTickets();
    const subjects = async (f: Parameters<Helpdesk['listTickets']>[0]) => (await hd.listTickets(f)).map((t) => [t.category, t.channel, t.agent]);
    expect(await subjects({ category: 'Rede' })).toEqual([['Rede', 'whatsapp', null]]);
    expect(await subjects({ channel: 'email' })).toEqual([[null, 'email', null]]);
    expect(await subjects({ agent: P.agent })).toEqual([['Boleto', 'panel', P.agent]]);
    expect(await subjects({ department: 'Suporte', category: 'Acesso', channel: 'panel' })).toEqual([['Acesso', 'panel', null]]);
    expect(await subjects({ category: 'Acesso', channel: 'whatsapp' })).toEqual([]);
  });

  it('a category that does not exist is not found, with the closest names', async () => {
    const e = await expectCode(hd.listTickets({ category: 'Red' }), 'not_found');
    expect(e.message).toBe('category "Red" not found (did you mean "Rede"?)');
    await expectCode(hd.listTickets({ department: 'Financeiro', category: 'Rede' }), 'not_found');
  });
});
