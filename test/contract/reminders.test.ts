import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { tenantIdBySlug } from '../../src/engine/context.js';
import { sendReminders } from '../../src/engine/reminders.js';
import { openStore, type Store } from '../../src/store/store.js';
import { backends, draftIn, eachSeeded, hoursLater, notSetUp, P, request, START, ticketIn, type Backend, type Opened } from '../helpers/backends.js';

/*
 * R35 across a pinned clock: the backend's clock (DESKCTL_NOW) stays at START while the data is
 * made, and sendReminders is handed the instant of each pass. The passes run on stores of their
 * own on the backend's database, as the dispatchers of other servers would.
 */
describe.each(backends)('R35: reminders and escalation ($name)', (backend: Backend) => {
  let o: Opened;
  let hd: Helpdesk;
  let store: Store;
  let tenant: number;
  eachSeeded(backend, (opened) => {
    o = opened;
    hd = opened.hd;
  });
  beforeEach(async () => {
    store = await openStore(o.file);
    tenant = await tenantIdBySlug(store, 'default');
  });
  afterEach(async () => {
    await store.close();
  });

  const at = (hours: number, minutes = 0) => new Date(Date.parse(hoursLater(START, hours)) + minutes * 60_000);
  const run = (hours: number, minutes = 0, s: Store = store) => sendReminders(s, at(hours, minutes), [tenant]);
  // Subjects as the tenant's pt-BR templates give them (R34), whatever the outbox row's summary.
  const sent = async (kind: string) => (await hd.listNotifications({ kind })).map((n) => [n.channel, n.to, n.subject]);

  it('R35: a pending draft reminds the managers who may decide it at H, not before, again at 2H, each round once however often and from however many stores the pass runs; a decided draft reminds no more', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    await hd.setSetting('approval.remindAfterHours', 24);
    const draft = await draftIn(hd, request(P.ana));
    expect(await run(23, 59)).toEqual({ queued: 0 });
    expect(await sent('draft_reminder')).toEqual([]);

    expect(await run(24)).toEqual({ queued: 2 });
    const first = [
      ['email', P.gerente, 'Lembrete: aprovação pendente há 24 horas – Sem acesso ao sistema'],
      ['push', P.gerente, 'Lembrete: aprovação pendente há 24 horas – Sem acesso ao sistema'],
    ];
    const reminders = await hd.listNotifications({ kind: 'draft_reminder' });
    expect(reminders.map((n) => [n.channel, n.to, n.subject])).toEqual(first);
    expect(reminders.every((n) => n.status === 'pending' && n.createdAt === at(24).toISOString())).toBe(true);
    expect((await store.db.selectFrom('notifications').select(['ref_type', 'ref_id']).where('kind', '=', 'draft_reminder').execute()).every((r) => r.ref_type === 'draft' && r.ref_id === draft.id)).toBe(true);

    // The same interval again, later in it, or twice at once from two stores: nothing more.
    expect(await run(24)).toEqual({ queued: 0 });
    expect(await run(47, 59)).toEqual({ queued: 0 });
    const other = await openStore(o.file);
    try {
      // PostgreSQL: at the same moment (the tenant's advisory lock makes them take turns). SQLite
      // in one process: one after the other (better-sqlite3 waits for the file's lock without
      // yielding, so two connections of one process cannot wait on each other).
      const both = backend.engine === 'postgres' ? await Promise.all([run(48, 0, store), run(48, 0, other)]) : [await run(48, 0, store), await run(48, 0, other)];
      expect(both.map((b) => b.queued).sort()).toEqual([0, 2]);
      expect(await run(48, 30, other)).toEqual({ queued: 0 });
    } finally {
      await other.close();
    }
    expect((await sent('draft_reminder')).map((n) => n[2])).toEqual([...first.map((n) => n[2]), 'Lembrete: aprovação pendente há 2 dias – Sem acesso ao sistema', 'Lembrete: aprovação pendente há 2 dias – Sem acesso ao sistema']);

    // A pass that ran late sends the round it is in, once (not the rounds it missed).
    expect(await run(100)).toEqual({ queued: 2 });
    expect((await sent('draft_reminder')).at(-1)![2]).toBe('Lembrete: aprovação pendente há 4 dias – Sem acesso ao sistema');

    const trail = (await hd.listAudit({ action: 'reminders.send' })).filter(notSetUp);
    expect(trail.map((e) => e.details)).toEqual([
      { draftReminders: 1, escalations: 0, ticketReminders: 0, notifications: 2 },
      { draftReminders: 1, escalations: 0, ticketReminders: 0, notifications: 2 },
      { draftReminders: 1, escalations: 0, ticketReminders: 0, notifications: 2 },
    ]);
    expect(trail.every((e) => e.actor === 'reminders')).toBe(true);

    await hd.decideDrafts({ decision: 'approve', ids: [draft.id] });
    expect(await run(120)).toEqual({ queued: 0 });
  });

  it('R35: a draft pending E hours is escalated once to the admin agents; a ticket waiting T hours reminds its requester every T hours, counted from its last change', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    await hd.setSetting('approval.escalateAfterHours', 48);
    await hd.setSetting('tickets.remindAfterHours', 24);
    await hd.addAgent({ email: 'chefe@deskctl.dev', name: 'Chefe', admin: true });
    const draft = await draftIn(hd, request(P.ana));
    await hd.setSetting('approval.mode', 'disabled');
    const ticket = await ticketIn(hd, request(P.solo));
    await hd.replyTicket(ticket.id, 'Pode nos enviar o print do erro?');
    expect((await hd.getTicket(String(ticket.id))).status).toBe('waiting');

    expect(await run(23)).toEqual({ queued: 0 });
    expect(await run(24)).toEqual({ queued: 1 });
    expect(await sent('ticket_reminder')).toEqual([['email', P.solo, `Aguardamos o seu retorno no chamado ${ticket.protocol}: Sem acesso ao sistema`]]);
    expect(await run(47)).toEqual({ queued: 0 });
    // At 48 h: the escalation (once), and the ticket's second reminder.
    expect(await run(48)).toEqual({ queued: 2 });
    expect(await sent('draft_escalated')).toEqual([['email', 'chefe@deskctl.dev', 'Solicitação sem aprovação há 2 dias: Sem acesso ao sistema']]);
    expect((await store.db.selectFrom('notifications').select('ref_id').where('kind', '=', 'draft_escalated').executeTakeFirstOrThrow()).ref_id).toBe(draft.id);
    // The agent answers again at 50 h: the count starts over from then.
    o.env.DESKCTL_NOW = hoursLater(START, 50);
    await hd.replyTicket(ticket.id, 'Conseguiu o print?');
    expect(await run(72)).toEqual({ queued: 0 });
    expect(await run(74)).toEqual({ queued: 1 });
    expect(await run(96)).toEqual({ queued: 0 });
    expect(await sent('draft_escalated')).toHaveLength(1);
    expect(await sent('ticket_reminder')).toHaveLength(3);
    // A ticket no longer waiting is reminded no more.
    await hd.solveTickets([ticket.id]);
    expect(await run(200)).toEqual({ queued: 0 });
  });

  it('R35: with every setting 0 (the default) nothing is reminded and nothing is written, for one tenant or all', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    await draftIn(hd, request(P.ana));
    await hd.setSetting('approval.mode', 'disabled');
    const ticket = await ticketIn(hd, request(P.solo));
    await hd.replyTicket(ticket.id, 'Pode nos enviar o print do erro?');
    await hd.addAgent({ email: 'chefe@deskctl.dev', name: 'Chefe', admin: true });
    const before = (await hd.listNotifications({})).length;
    expect(await run(10_000)).toEqual({ queued: 0 });
    expect(await sendReminders(store, at(10_000), null)).toEqual({ queued: 0 });
    expect((await hd.listNotifications({})).length).toBe(before);
    expect(await store.db.selectFrom('reminders').selectAll().execute()).toEqual([]);
    // null is every tenant whose settings say so.
    await hd.setSetting('tickets.remindAfterHours', 1);
    expect(await sendReminders(store, at(2), null)).toEqual({ queued: 1 });
  });
});
