import { describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import type { Ticket } from '../../src/core/schemas.js';
import { backends, expectCode, hoursLater, P, request, eachSeeded, START, type Opened, ticketIn } from '../helpers/backends.js';

describe.each(backends)('tickets ($name)', (backend) => {
  let o: Opened;
  let hd: Helpdesk;

  eachSeeded(backend, (opened) => {
    o = opened;
    hd = opened.hd;
  });

  const ticketOf = (req: Record<string, unknown>) => ticketIn(hd, req);
  const status = async (t: Ticket) => (await hd.getTicket(t.protocol)).status;

  /* ---- R17 ---- */

  it('R17: every ticket has a protocol unique in its tenant and the contract fields', async () => {
    const made: Ticket[] = [];
    for (const who of [P.ana, P.bia, P.solo, P.gerente, P.ana]) made.push(await ticketOf(request(who, { category: 'Rede' })));
    const protocols = made.map((t) => t.protocol);
    expect(new Set(protocols).size).toBe(made.length);
    for (const t of made) expect(t.protocol).toMatch(/^2026-\d+$/);
    expect(made[0]).toMatchObject({
      requester: P.ana,
      organization: 'Filial Norte',
      department: 'Suporte',
      category: 'Rede',
      subject: 'Sem acesso ao sistema',
      status: 'open',
      channel: 'panel',
      visibility: 'public',
      agent: null,
      processRef: null,
      rating: null,
      createdAt: START,
      solvedAt: null,
      closedAt: null,
    });
    expect(made[2]!.organization).toBeNull();
    // Found by id or by protocol.
    expect((await hd.getTicket(String(made[1]!.id))).protocol).toBe(made[1]!.protocol);
    expect((await hd.getTicket(made[1]!.protocol)).id).toBe(made[1]!.id);
    await expectCode(hd.getTicket('1999-999999'), 'not_found');
  });

  it('R17: tickets move through open, waiting, solved, in_progress and closed', async () => {
    await hd.setSetting('reopen.allowed', true);
    const t = await ticketOf(request(P.bia));
    expect(await status(t)).toBe('open');
    await hd.replyTicket(t.id, 'Pode reiniciar o roteador?');
    expect(await status(t)).toBe('waiting');
    const solved = await hd.solveTickets([t.id], 'Resolvido.');
    expect(solved.results[0]).toMatchObject({ ok: true, ticket: { status: 'solved' } });
    const detail = await hd.getTicket(t.protocol);
    expect(detail.status).toBe('solved');
    expect(detail.solvedAt).toBe(START);
    await hd.reopenTickets([t.id], 'Voltou a falhar.');
    expect(await status(t)).toBe('in_progress');
    await hd.closeTickets([t.id]);
    const closed = await hd.getTicket(t.protocol);
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).toBe(START);
    expect((await hd.listTickets({ status: 'closed' })).map((x) => x.id)).toEqual([t.id]);
    expect(await hd.listTickets({ status: 'open' })).toEqual([]);
  });

  /* ---- R18 ---- */

  it("R18: the account's response forecast sets each ticket's due time at creation", async () => {
    const t24 = await ticketOf(request(P.bia));
    expect(t24.dueAt).toBe(hoursLater(START, 24));
    await hd.setSetting('response.forecastHours', 4);
    const t4 = await ticketOf(request(P.bia));
    expect(t4.dueAt).toBe(hoursLater(START, 4));
    // Changing the forecast does not move tickets already created.
    expect((await hd.getTicket(t24.protocol)).dueAt).toBe(hoursLater(START, 24));
    await expectCode(hd.setSetting('response.forecastHours', 0), 'invalid_input');
  });

  it('R18: a ticket is overdue when now is past its due time, unless solved or closed', async () => {
    await hd.setSetting('response.forecastHours', 2);
    const a = await ticketOf(request(P.bia, { subject: 'a' }));
    const b = await ticketOf(request(P.bia, { subject: 'b' }));
    const c = await ticketOf(request(P.bia, { subject: 'c' }));
    expect(await hd.listTickets({ overdue: true })).toEqual([]);
    o.env.DESKCTL_NOW = hoursLater(START, 2); // exactly at the due time: not yet past it
    expect(await hd.listTickets({ overdue: true })).toEqual([]);
    o.env.DESKCTL_NOW = hoursLater(START, 3);
    expect((await hd.listTickets({ overdue: true })).map((t) => t.id)).toEqual([a.id, b.id, c.id]);
    await hd.solveTickets([a.id]);
    await hd.closeTickets([b.id]);
    expect((await hd.listTickets({ overdue: true })).map((t) => t.id)).toEqual([c.id]);
  });

  it("R18: due today is the tenant's local date, not UTC", async () => {
    await hd.setSetting('timezone', 'America/Sao_Paulo'); // UTC-3
    o.env.DESKCTL_NOW = '2026-11-02T12:00:00.000Z'; // 09:00 local on Nov 2
    await hd.setSetting('response.forecastHours', 10);
    const late = await ticketOf(request(P.bia, { subject: 'due 19:00 local' })); // 22:00Z Nov 2
    await hd.setSetting('response.forecastHours', 14);
    const night = await ticketOf(request(P.bia, { subject: 'due 23:00 local' })); // 02:00Z Nov 3 = 23:00 local Nov 2
    await hd.setSetting('response.forecastHours', 20);
    const tomorrow = await ticketOf(request(P.bia, { subject: 'due 05:00 local Nov 3' })); // 08:00Z Nov 3
    expect((await hd.listTickets({ dueToday: true })).map((t) => t.id)).toEqual([late.id, night.id]);
    // In UTC the 02:00Z ticket is due tomorrow.
    await hd.setSetting('timezone', 'UTC');
    expect((await hd.listTickets({ dueToday: true })).map((t) => t.id)).toEqual([late.id]);
    // Next local day, 04:00: the third is due today (at 05:00); the first two are overdue, not due today.
    await hd.setSetting('timezone', 'America/Sao_Paulo');
    o.env.DESKCTL_NOW = '2026-11-03T07:00:00.000Z'; // 04:00 local Nov 3
    expect((await hd.listTickets({ dueToday: true })).map((t) => t.id)).toEqual([tomorrow.id]);
    expect((await hd.listTickets({ overdue: true })).map((t) => t.id)).toEqual([late.id, night.id]);
    // 08:00 local: past its due time it is overdue, and no longer counted as due today (seed 003: one or the other).
    o.env.DESKCTL_NOW = '2026-11-03T11:00:00.000Z';
    expect(await hd.listTickets({ dueToday: true })).toEqual([]);
    expect((await hd.listTickets({ overdue: true })).map((t) => t.id)).toEqual([late.id, night.id, tomorrow.id]);
    await hd.solveTickets([tomorrow.id]);
    o.env.DESKCTL_NOW = '2026-11-03T07:00:00.000Z';
    expect(await hd.listTickets({ dueToday: true })).toEqual([]);
  });

  /* ---- R19 ---- */

  async function solvedTicket(): Promise<Ticket> {
    const t = await ticketOf(request(P.bia));
    await hd.solveTickets([t.id]);
    return t;
  }

  it('R19: reopening is refused while reopen.allowed is false (the default)', async () => {
    expect((await hd.getSettings())['reopen.allowed']).toBe(false);
    const t = await solvedTicket();
    const r = await hd.reopenTickets([t.id], 'Ainda com problema');
    expect(r).toMatchObject({ requested: 1, succeeded: 0, failed: 1 });
    expect(r.results[0]).toMatchObject({ ok: false, error: { code: 'precondition_failed' } });
    expect(await status(t)).toBe('solved');
  });

  it.each(['open', 'waiting', 'in_progress', 'closed'] as const)('R19: a ticket in status %s cannot be reopened', async (from) => {
    await hd.setSetting('reopen.allowed', true);
    const t = await ticketOf(request(P.bia));
    if (from === 'waiting') await hd.replyTicket(t.id, 'resposta');
    if (from === 'in_progress') {
      await hd.solveTickets([t.id]);
      await hd.reopenTickets([t.id], 'primeira reabertura');
    }
    if (from === 'closed') {
      await hd.solveTickets([t.id]);
      await hd.closeTickets([t.id]);
    }
    expect(await status(t)).toBe(from);
    const r = await hd.reopenTickets([t.id], 'de novo');
    expect(r.results[0]).toMatchObject({ ok: false, error: { code: 'precondition_failed' } });
    expect(await status(t)).toBe(from);
  });

  it('R19: a ticket with a linked process can never be reopened', async () => {
    await hd.setSetting('reopen.allowed', true);
    const t = await solvedTicket();
    await hd.linkProcess(t.id, 'PROC-2026-7');
    expect((await hd.getTicket(t.protocol)).processRef).toBe('PROC-2026-7');
    const r = await hd.reopenTickets([t.id], 'Reabrir');
    expect(r.results[0]).toMatchObject({ ok: false, error: { code: 'precondition_failed' } });
    expect(await status(t)).toBe('solved');
  });

  it('R19: a message is required to reopen', async () => {
    await hd.setSetting('reopen.allowed', true);
    const t = await solvedTicket();
    await expectCode(hd.reopenTickets([t.id], ''), 'invalid_input');
    await expectCode(hd.reopenTickets([t.id], '   '), 'invalid_input');
    expect(await status(t)).toBe('solved');
    expect(await hd.listNotifications({ kind: 'ticket_reopened' })).toEqual([]);
  });

  it('R19: reopening a solved ticket adds the message, sets in_progress and notifies', async () => {
    await hd.setSetting('reopen.allowed', true);
    const t = await solvedTicket();
    const other = await solvedTicket();
    const r = await hd.reopenTickets([t.id], 'O erro voltou hoje cedo.');
    expect(r).toMatchObject({ requested: 1, succeeded: 1, failed: 0 });
    const d = await hd.getTicket(t.protocol);
    expect(d.status).toBe('in_progress');
    expect(d.solvedAt).toBeNull();
    expect(d.messages.map((m) => m.body)).toContain('O erro voltou hoje cedo.');
    const notes = await hd.listNotifications({ kind: 'ticket_reopened' });
    expect(notes.map((n) => [n.to, n.channel])).toEqual([[P.bia, 'email']]);
    expect(notes[0]!.subject).toContain(t.protocol);
    expect(await status(other)).toBe('solved');
  });

  /* ---- R20 ---- */

  it('R20: only a solved or closed ticket may be rated', async () => {
    const t = await ticketOf(request(P.bia));
    const r = await hd.rateTicket(t.id, 5);
    expect(r.results[0]).toMatchObject({ ok: false, error: { code: 'precondition_failed' } });
    await hd.replyTicket(t.id, 'resposta');
    expect((await hd.rateTicket(t.id, 5)).results[0]).toMatchObject({ ok: false, error: { code: 'precondition_failed' } });
    expect((await hd.getTicket(t.protocol)).rating).toBeNull();

    await hd.solveTickets([t.id]);
    expect((await hd.rateTicket(t.id, 4, 'Bom atendimento')).results[0]).toMatchObject({ ok: true });
    expect(await hd.getTicket(t.protocol)).toMatchObject({ rating: 4, ratingComment: 'Bom atendimento' });

    const c = await ticketOf(request(P.bia));
    await hd.closeTickets([c.id]);
    expect((await hd.rateTicket(c.id, 1)).results[0]).toMatchObject({ ok: true });
    expect(await hd.getTicket(c.protocol)).toMatchObject({ rating: 1, ratingComment: null });
  });

  it.each([0, 6, 2.5, -1, Number.NaN])('R20: a rating of %s is not 1 to 5', async (value) => {
    const t = await solvedTicket();
    await expectCode(hd.rateTicket(t.id, value), 'invalid_input');
    expect((await hd.getTicket(t.protocol)).rating).toBeNull();
  });

  it('R20: a ticket carries one rating only', async () => {
    const t = await solvedTicket();
    expect((await hd.rateTicket(t.id, 3)).results[0]).toMatchObject({ ok: true });
    const again = await hd.rateTicket(t.id, 5, 'mudei de ideia');
    expect(again.results[0]).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await hd.getTicket(t.protocol)).toMatchObject({ rating: 3, ratingComment: null });
  });

  /* ---- R21 ---- */

  const VICE = 'vice@matriz.com.br';
  const JOAO = 'joao@matriz.com.br';

  it("R21: a manager's private ticket is hidden from the other managers; public ones are seen", async () => {
    await hd.addCustomer({ email: VICE, name: 'Vice', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: JOAO, name: 'João', org: 'Matriz' });
    const priv = await ticketOf(request(P.gerente, { subject: 'privado', visibility: 'private' }));
    const pub = await ticketOf(request(P.gerente, { subject: 'público' }));
    const joao = await ticketOf(request(JOAO, { subject: 'do João' }));
    const bia = await ticketOf(request(P.bia, { subject: 'de outra organização' }));
    expect(priv.visibility).toBe('private');

    const seenByVice = (await hd.listTickets({}, { as: VICE })).map((t) => t.id);
    expect(seenByVice).toEqual([pub.id, joao.id]);
    await expectCode(hd.getTicket(priv.protocol, { as: VICE }), 'not_found');
    expect((await hd.getTicket(pub.protocol, { as: VICE })).id).toBe(pub.id);

    const seenByOwner = (await hd.listTickets({}, { as: P.gerente })).map((t) => t.id);
    expect(seenByOwner).toEqual([priv.id, pub.id, joao.id]);
    expect(seenByOwner).not.toContain(bia.id);

    // A plain customer sees only their own tickets.
    expect((await hd.listTickets({}, { as: JOAO })).map((t) => t.id)).toEqual([joao.id]);
    await expectCode(hd.getTicket(pub.protocol, { as: JOAO }), 'not_found');
    // The admin sees everything.
    expect((await hd.listTickets({})).map((t) => t.id)).toEqual([priv.id, pub.id, joao.id, bia.id]);
  });

  it("R21: only a manager's own tickets can be private", async () => {
    await hd.addCustomer({ email: JOAO, name: 'João', org: 'Matriz' });
    await expectCode(hd.createTicket(request(JOAO, { visibility: 'private' })), 'invalid_input');
    expect(await hd.listTickets({})).toEqual([]);
  });

  it('R21: internal tickets stay staff-only, even for the manager they were opened for', async () => {
    await hd.addCustomer({ email: VICE, name: 'Vice', org: 'Matriz', manager: true });
    const internal = await ticketOf(request(P.gerente, { channel: 'agent', visibility: 'internal', subject: 'interno' }));
    const internalAna = await ticketOf(request(P.ana, { channel: 'agent', visibility: 'internal', subject: 'interno ana' }));
    expect((await hd.listTickets({}, { as: P.gerente })).map((t) => t.id)).not.toContain(internal.id);
    expect((await hd.listTickets({}, { as: VICE })).map((t) => t.id)).not.toContain(internal.id);
    expect((await hd.listTickets({}, { as: P.ana })).map((t) => t.id)).not.toContain(internalAna.id);
    await expectCode(hd.getTicket(internal.protocol, { as: P.gerente }), 'not_found');
    expect((await hd.listTickets({})).map((t) => t.id)).toEqual([internal.id, internalAna.id]);
  });
});
