import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { CHANNELS } from '../../src/core/schemas.js';
import type { StatsRow } from '../../src/core/stats.js';
import { fingerprint } from '../helpers/db.js';
import {
  backends,
  draftIn,
  eachSeeded,
  engines,
  expectCode,
  inProcessApi,
  notSetUp,
  P,
  report,
  request,
  tenantAdmin,
  ticketIn,
  type InProcessApi,
  type Opened,
} from '../helpers/backends.js';

/** Another customer of Filial Norte, Ana's organization. */
const BRUNO = 'bruno@norte.com.br';
const ATTACHMENT = { name: 'print.png', size: 10, sha256: 'ab' };

describe.each(backends)('the rest of the source documents, R39-R42 ($name)', (backend) => {
  let o: Opened;
  let hd: Helpdesk;

  eachSeeded(backend, async (opened) => {
    o = opened;
    hd = opened.hd;
    await hd.addCustomer({ email: BRUNO, name: 'Bruno', org: 'Filial Norte' });
  });

  const audits = async () => (await hd.listAudit({})).filter(notSetUp);
  const to = async (email: string) => (await hd.listNotifications({ to: email })).map((n) => n.kind);

  /* ---- R39: participants ---- */

  it('R39: the requester adds a customer of their organization, who then sees the ticket (list and show)', async () => {
    const t = await ticketIn(hd, request(P.ana));
    const other = await ticketIn(hd, request(P.ana, { subject: 'outro' }));
    expect((await hd.listTickets({}, { as: BRUNO })).map((x) => x.id)).toEqual([]);
    await expectCode(hd.getTicket(t.protocol, { as: BRUNO }), 'not_found');

    const r = await hd.addParticipants(t.protocol, [BRUNO], { as: P.ana });
    expect(r).toEqual({ id: t.id, protocol: t.protocol, participants: [BRUNO], changed: [BRUNO], unchanged: [] });
    expect((await hd.listTickets({}, { as: BRUNO })).map((x) => x.id)).toEqual([t.id]);
    expect((await hd.getTicket(t.protocol, { as: BRUNO })).participants).toEqual([BRUNO]);
    expect((await hd.getTicket(String(t.id))).participants).toEqual([BRUNO]);
    expect((await hd.listParticipants(t.protocol, { as: BRUNO })).participants).toEqual([BRUNO]);
    // Only that ticket: the requester's other tickets stay theirs.
    await expectCode(hd.getTicket(other.protocol, { as: BRUNO }), 'not_found');
    expect((await hd.getTicket(other.protocol)).participants).toEqual([]);
    // Adding again is reported, not failed; the audit has the one addition.
    expect(await hd.addParticipants(t.protocol, [BRUNO], { as: P.ana })).toMatchObject({ changed: [], unchanged: [BRUNO] });
    expect((await audits()).filter((a) => a.action === 'ticket.add_participants')).toHaveLength(1);
  });

  it('R39: participants get every ticket notification the requester gets, in the same change', async () => {
    await hd.setSetting('reopen.allowed', true);
    const t = await ticketIn(hd, request(P.ana));
    await hd.addParticipants(t.protocol, [BRUNO], { as: P.ana });
    await hd.replyTicket(t.id, 'Pode testar?');
    await hd.solveTickets([t.id], 'Resolvido');
    await hd.reopenTickets([t.id], 'Voltou');
    expect(await to(P.ana)).toEqual(['ticket_opened', 'ticket_answered', 'ticket_solved', 'ticket_reopened']);
    expect(await to(BRUNO)).toEqual(['ticket_answered', 'ticket_solved', 'ticket_reopened']);
    const answered = (await hd.listNotifications({ kind: 'ticket_answered' })).filter((n) => n.subject.includes(t.protocol));
    expect(new Set(answered.map((n) => n.createdAt)).size).toBe(1);
    // A removed participant hears no more.
    await hd.removeParticipants(t.protocol, [BRUNO], { as: P.ana });
    await hd.solveTickets([t.id]);
    expect(await to(BRUNO)).toHaveLength(3);
    expect(await to(P.ana)).toHaveLength(5);
  });

  it('R39: a customer of another organization is refused (nothing written); an admin may add any customer of the tenant', async () => {
    const t = await ticketIn(hd, request(P.ana));
    const before = await audits();
    const e = await expectCode(hd.addParticipants(t.protocol, [P.bia], { as: P.ana }), 'precondition_failed');
    expect(e.message).toMatch(/bia@avulsa\.com\.br is not a customer of Filial Norte.*\(R39\)/);
    // All or nothing: the good e-mail beside it is not added either.
    await expectCode(hd.addParticipants(t.protocol, [BRUNO, P.solo], { as: P.ana }), 'precondition_failed');
    expect((await hd.listParticipants(t.protocol)).participants).toEqual([]);
    expect(await audits()).toEqual(before);
    // The admin: any customer.
    expect((await hd.addParticipants(t.protocol, [P.bia, P.solo])).participants).toEqual([P.bia, P.solo]);
    expect((await hd.listTickets({}, { as: P.bia })).map((x) => x.id)).toEqual([t.id]);
  });

  it('R39: only the requester or an admin changes participants; the requester is no participant; internal tickets have none', async () => {
    const t = await ticketIn(hd, request(P.ana));
    await hd.addParticipants(t.protocol, [BRUNO], { as: P.ana });
    // A participant sees the ticket but does not add others.
    await expectCode(hd.addParticipants(t.protocol, [P.bia], { as: BRUNO }), 'forbidden');
    await expectCode(hd.removeParticipants(t.protocol, [BRUNO], { as: BRUNO }), 'forbidden');
    // Someone who cannot see it is told it does not exist.
    await expectCode(hd.addParticipants(t.protocol, [P.bia], { as: P.bia }), 'not_found');
    await expectCode(hd.addParticipants(t.protocol, [P.ana]), 'precondition_failed');
    await expectCode(hd.addParticipants(t.protocol, ['ghost@x.example']), 'not_found');
    await expectCode(hd.addParticipants(t.protocol, ['not an e-mail']), 'invalid_input');
    const internal = await ticketIn(hd, request(P.ana, { channel: 'agent', visibility: 'internal' }));
    await expectCode(hd.addParticipants(internal.protocol, [BRUNO]), 'precondition_failed');
    // A customer without an organization cannot add anyone; an admin can for them.
    const solo = await ticketIn(hd, request(P.solo));
    await expectCode(hd.addParticipants(solo.protocol, [BRUNO], { as: P.solo }), 'precondition_failed');
    const removed = await hd.removeParticipants(t.protocol, [BRUNO, P.bia], { as: P.ana });
    expect(removed).toMatchObject({ participants: [], changed: [BRUNO], unchanged: [P.bia] });
    await expectCode(hd.getTicket(t.protocol, { as: BRUNO }), 'not_found');
  });

  it("R39, R21: a manager's view includes the tickets they participate in", async () => {
    const t = await ticketIn(hd, request(P.bia));
    expect((await hd.listTickets({}, { as: P.gerente })).map((x) => x.id)).not.toContain(t.id);
    await hd.addParticipants(t.protocol, [P.gerente]);
    expect((await hd.listTickets({}, { as: P.gerente })).map((x) => x.id)).toContain(t.id);
  });

  /* ---- R40: rating alerts ---- */

  it("R40: every rating tells each admin agent at once (ticket_rated, in the rating's transaction), nobody else", async () => {
    await hd.addAgent({ email: 'chefe@deskctl.dev', name: 'Chefe', admin: true });
    await hd.addAgent({ email: 'gestora@deskctl.dev', name: 'Gestora', admin: true });
    const t = await ticketIn(hd, request(P.ana));
    await hd.solveTickets([t.id]);
    expect(await hd.listNotifications({ kind: 'ticket_rated' })).toEqual([]);
    const r = await hd.rateTicket(t.id, 2, 'Demorou');
    expect(r.succeeded).toBe(1);
    const rated = await hd.listNotifications({ kind: 'ticket_rated' });
    expect(rated.map((n) => [n.to, n.channel])).toEqual([
      ['chefe@deskctl.dev', 'email'],
      ['gestora@deskctl.dev', 'email'],
    ]);
    expect(rated[0]!.subject).toContain(t.protocol);
    expect(rated[0]!.subject).toContain('nota 2'); // the tenant's pt-BR template (R34)
    const rateAudit = (await audits()).find((a) => a.action === 'ticket.rate')!;
    expect(rated[0]!.createdAt).toBe(rateAudit.at);
    // A refused rating (R20: once) tells nobody.
    expect((await hd.rateTicket(t.id, 5)).failed).toBe(1);
    expect(await hd.listNotifications({ kind: 'ticket_rated' })).toHaveLength(2);
    expect(await to(P.agent)).toEqual([]);
  });

  /* ---- R41: the customer area ---- */

  it('R41: the settings exist with their defaults (true)', async () => {
    expect(await hd.getSettings()).toMatchObject({ 'tickets.customerCreation': true, 'tickets.attachments': true });
    expect(await hd.setSetting('tickets.customerCreation', 'false')).toEqual({ key: 'tickets.customerCreation', value: false, changed: true });
    expect((await hd.getSettings())['tickets.customerCreation']).toBe(false);
    await expectCode(hd.setSetting('tickets.attachments', 'maybe'), 'invalid_input');
  });

  it('R41: with tickets.customerCreation false the panel and the app are refused naming the setting; other channels open tickets', async () => {
    await hd.setSetting('tickets.customerCreation', false);
    const before = await audits();
    for (const channel of ['panel', 'app']) {
      const e = await expectCode(hd.createTicket(request(P.ana, { channel })), 'precondition_failed');
      expect(e.message).toContain('tickets.customerCreation');
    }
    expect(await audits()).toEqual(before);
    for (const channel of ['email', 'api', 'whatsapp', 'agent']) await ticketIn(hd, request(P.ana, { channel }));
    await hd.setSetting('tickets.customerCreation', true);
    await ticketIn(hd, request(P.ana, { channel: 'panel' }));
  });

  it('R41: with tickets.attachments false a request with attachments is refused on every channel naming the setting', async () => {
    await ticketIn(hd, request(P.ana, { attachments: [ATTACHMENT] }));
    await hd.setSetting('tickets.attachments', false);
    const before = (await hd.listTickets({})).length;
    for (const channel of CHANNELS) {
      const e = await expectCode(hd.createTicket(request(P.ana, { channel, attachments: [ATTACHMENT] })), 'precondition_failed');
      expect(e.message).toContain('tickets.attachments');
    }
    expect(await hd.listTickets({})).toHaveLength(before);
    await ticketIn(hd, request(P.ana, { channel: 'panel' }));
  });

  /* ---- R42: topics ---- */

  it('R42: topics are an admin-managed list; a duplicate is a conflict; one in use cannot be removed', async () => {
    expect(await hd.listTopics()).toEqual([]);
    const inst = await hd.addTopic({ name: 'Instalação', requireServiceChannel: true, requireStatusDetail: true });
    expect(inst).toMatchObject({ name: 'Instalação', requireProcess: false, requireServiceChannel: true, requireStatusDetail: true });
    await hd.addTopic({ name: 'Dúvida' });
    expect((await hd.listTopics()).map((t) => t.name)).toEqual(['Instalação', 'Dúvida']);
    await expectCode(hd.addTopic({ name: 'Dúvida' }), 'conflict');
    await expectCode(hd.addTopic({ name: '  ' }), 'invalid_input');
    await ticketIn(hd, request(P.ana, { topic: 'Dúvida' }));
    const e = await expectCode(hd.removeTopic('Dúvida'), 'precondition_failed');
    expect(e.message).toContain('used by 1 ticket');
    expect(await hd.removeTopic('Instalação')).toEqual({ removed: 'Instalação' });
    await expectCode(hd.removeTopic('Instalação'), 'not_found');
    expect((await audits()).filter((a) => a.entity === 'topic').map((a) => a.action)).toEqual(['topic.add', 'topic.add', 'topic.remove']);
  });

  it('R42: a request missing what its topic requires is refused naming what the topic requires; one that gives it is a ticket with them', async () => {
    await hd.addTopic({ name: 'Contrato', requireProcess: true, requireServiceChannel: true, requireStatusDetail: true });
    const before = await audits();
    const e = await expectCode(hd.createTicket(request(P.ana, { topic: 'Contrato' })), 'invalid_input');
    for (const field of ['processRef', 'serviceChannel', 'statusDetail']) expect(e.message).toContain(`${field}: topic "Contrato" requires`);
    expect(e.message).toContain('(R42)');
    const partly = await expectCode(hd.createTicket(request(P.ana, { topic: 'Contrato', serviceChannel: 'phone', statusDetail: 'Aguardando' })), 'invalid_input');
    expect(partly.message).toMatch(/^processRef: topic "Contrato" requires a linked process/);
    await expectCode(hd.createTicket(request(P.ana, { topic: 'Contato' })), 'not_found');
    await expectCode(hd.createTicket(request(P.ana, { serviceChannel: 'fax' })), 'invalid_input');
    expect(await audits()).toEqual(before);
    const t = await ticketIn(hd, request(P.ana, { topic: 'Contrato', serviceChannel: 'in-person', statusDetail: 'Aguardando técnico', processRef: 'PROC-7' }));
    expect(t).toMatchObject({ topic: 'Contrato', serviceChannel: 'in-person', statusDetail: 'Aguardando técnico', processRef: 'PROC-7' });
    expect(await hd.getTicket(t.protocol)).toMatchObject({ topic: 'Contrato', serviceChannel: 'in-person', statusDetail: 'Aguardando técnico' });
    // Without a topic, the fields are optional; a ticket has none of them by default.
    expect(await ticketIn(hd, request(P.ana))).toMatchObject({ topic: null, serviceChannel: null, statusDetail: null, processRef: null });
    expect(await ticketIn(hd, request(P.ana, { serviceChannel: 'whatsapp' }))).toMatchObject({ topic: null, serviceChannel: 'whatsapp' });
  });

  it('R42, R10: a draft keeps the topic, service channel, status detail and process, and approval carries them to the ticket', async () => {
    await hd.addTopic({ name: 'Contrato', requireProcess: true, requireServiceChannel: true });
    await hd.setSetting('approval.mode', 'all-departments');
    const fields = { topic: 'Contrato', serviceChannel: 'email', statusDetail: 'Em análise', processRef: 'PROC-9' };
    await expectCode(hd.createTicket(request(P.ana, { topic: 'Contrato' })), 'invalid_input');
    const d = await draftIn(hd, request(P.ana, fields));
    expect(d).toMatchObject(fields);
    // The requester's view (R12) shows the topic, not the details.
    const mine = (await hd.listDrafts({}, { as: P.ana }))[0]!;
    expect(mine).toMatchObject({ topic: 'Contrato', serviceChannel: null, statusDetail: null, processRef: null });
    await expectCode(hd.removeTopic('Contrato'), 'precondition_failed');
    const r = report(await hd.decideDrafts({ decision: 'approve', ids: [d.id] }));
    const t = await hd.getTicket(String(r.results[0]!.ticket!.id));
    expect(t).toMatchObject(fields);
  });

  it('R42, R23: statistics group by topic', async () => {
    await hd.addTopic({ name: 'Dúvida' });
    await hd.addTopic({ name: 'Instalação' });
    await ticketIn(hd, request(P.ana, { topic: 'Dúvida' }));
    await ticketIn(hd, request(P.bia, { topic: 'Dúvida' }));
    const inst = await ticketIn(hd, request(P.bia, { topic: 'Instalação' }));
    await ticketIn(hd, request(P.solo));
    await hd.solveTickets([inst.id]);
    const rows: StatsRow[] = [];
    for await (const row of hd.exportStats({ by: ['topic'], metrics: ['opened', 'solved'] })) rows.push(row);
    const byTopic = Object.fromEntries(rows.map((r) => [String(r.topic), [r.opened, r.solved]]));
    expect(byTopic).toEqual({ Dúvida: [2, 0], Instalação: [1, 1], null: [1, 0] });
    const ranged: StatsRow[] = [];
    for await (const row of hd.exportStats({ by: ['topic', 'department'], from: '2026-11-01', to: '2026-11-30' })) ranged.push(row);
    expect(ranged.find((r) => r.topic === 'Dúvida')).toMatchObject({ department: 'Suporte', opened: 2 });
  });

  it('R39, R42: a fixture seeds topics, tickets with a topic and its fields, and participants; a second run changes nothing', async () => {
    const fixture = {
      settings: { 'tickets.customerCreation': false, 'tickets.attachments': true },
      topics: [{ name: 'Instalação', requireServiceChannel: true }, { name: 'Dúvida' }],
      tickets: [
        { ref: 'T-1', requester: P.ana, department: 'Suporte', subject: 's', message: 'm', channel: 'email', topic: 'Instalação', serviceChannel: 'phone', statusDetail: 'Aguardando', participants: [BRUNO] },
        { ref: 'T-2', requester: P.bia, department: 'Suporte', subject: 's', message: 'm', status: 'solved', topic: 'Dúvida', participants: [P.ana] },
      ],
      drafts: [{ ref: 'D-1', requester: P.ana, department: 'Suporte', subject: 's', message: 'm', topic: 'Instalação', serviceChannel: 'chat', processRef: 'P-1' }],
    };
    const first = await hd.seed(fixture);
    expect(first.counts.find((c) => c.kind === 'topics')).toEqual({ kind: 'topics', created: 2, updated: 0, unchanged: 0 });
    expect(await hd.getSettings()).toMatchObject({ 'tickets.customerCreation': false });
    const [t1, t2] = await hd.listTickets({});
    expect(t1).toMatchObject({ topic: 'Instalação', serviceChannel: 'phone', statusDetail: 'Aguardando' });
    expect((await hd.getTicket(t1!.protocol)).participants).toEqual([BRUNO]);
    expect((await hd.getTicket(t2!.protocol)).participants).toEqual([P.ana]);
    expect((await hd.listTickets({}, { as: P.ana })).map((t) => t.id)).toEqual([t1!.id, t2!.id]);
    expect((await hd.listDrafts({}))[0]).toMatchObject({ topic: 'Instalação', serviceChannel: 'chat', processRef: 'P-1' });
    const second = await hd.seed(fixture);
    expect(second.changed).toBe(false);
    expect(second.counts.find((c) => c.kind === 'topics')).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const changed = await hd.seed({ topics: [{ name: 'Dúvida', requireStatusDetail: true }] });
    expect(changed.counts.find((c) => c.kind === 'topics')).toMatchObject({ updated: 1 });
    expect((await hd.listTopics()).find((t) => t.name === 'Dúvida')).toMatchObject({ requireStatusDetail: true, requireServiceChannel: false });
  });

  it('R1: a tenant with topics, topic tickets and participants is removed whole', async () => {
    await hd.createTenant('outra');
    const other = await backend.open({ file: o.file, tenant: 'outra' });
    try {
      await other.hd.seed({
        departments: [{ name: 'Suporte' }],
        organizations: [{ name: 'Norte' }],
        customers: [
          { email: 'a@x.example', name: 'A', organization: 'Norte' },
          { email: 'b@x.example', name: 'B', organization: 'Norte' },
        ],
        topics: [{ name: 'Dúvida' }],
        tickets: [{ ref: 'T', requester: 'a@x.example', department: 'Suporte', subject: 's', message: 'm', topic: 'Dúvida', participants: ['b@x.example'] }],
        drafts: [{ ref: 'D', requester: 'a@x.example', department: 'Suporte', subject: 's', message: 'm', topic: 'Dúvida' }],
      });
    } finally {
      await other.close();
    }
    expect(await hd.removeTenant('outra')).toEqual({ removed: 'outra' });
    expect(await hd.listTopics()).toEqual([]);
  });

  it('R39, R42: an invalid fixture names every problem of topics and participants, and writes nothing', async () => {
    const before = fingerprint(o.file);
    const e = await expectCode(
      hd.seed({
        topics: [{ name: 'Instalação', requireServiceChannel: true, requireProcess: true }, { name: 'Instalação' }],
        tickets: [
          { ref: 'T-1', requester: P.ana, department: 'Suporte', subject: 's', message: 'm', topic: 'Instalação', participants: [P.ana, 'ghost@x.example', BRUNO, BRUNO] },
          { ref: 'T-2', requester: P.ana, department: 'Suporte', subject: 's', message: 'm', topic: 'Nenhum', serviceChannel: 'fax' },
        ],
      }),
      'invalid_input',
    );
    const lines = e.details as string[];
    expect(lines).toEqual(
      expect.arrayContaining([
        'topics[1].name: duplicate topic "Instalação" (also topics[0])',
        'tickets[0].processRef: topic "Instalação" requires a linked process on every ticket (R42)',
        'tickets[0].serviceChannel: topic "Instalação" requires a service channel on every ticket (R42)',
        `tickets[0].participants[0]: ${P.ana} is the ticket's requester; a participant is someone else (R39)`,
        'tickets[0].participants[1]: unknown customer ghost@x.example',
        `tickets[0].participants[3]: duplicate participant ${BRUNO}`,
        'tickets[1].topic: unknown topic "Nenhum"',
      ]),
    );
    expect(lines.some((l) => l.startsWith('tickets[1].serviceChannel: expected one of'))).toBe(true);
    expect(fingerprint(o.file)).toBe(before);
  });
});

/** R39 through the API's authorisation: a participant's own token sees the ticket; other customers' tokens do not. */
describe.each(engines)('R39 over customer tokens (%s)', (engine) => {
  let api: InProcessApi;
  let url: string;
  const tokens: Record<string, string> = {};
  let ticket: { id: number; protocol: string };

  beforeAll(async () => {
    api = await inProcessApi({ engine });
    const hd = await tenantAdmin(api.store);
    await hd.addDepartment('Suporte');
    await hd.addOrganization('Norte');
    await hd.addOrganization('Sul');
    await hd.addCustomer({ email: 'ana@norte.example', name: 'Ana', org: 'Norte' });
    await hd.addCustomer({ email: 'bruno@norte.example', name: 'Bruno', org: 'Norte' });
    await hd.addCustomer({ email: 'caio@sul.example', name: 'Caio', org: 'Sul' });
    for (const who of ['ana', 'bruno', 'caio']) {
      const email = who === 'caio' ? 'caio@sul.example' : `${who}@norte.example`;
      tokens[who] = (await hd.createToken({ name: who, role: 'customer', customer: email })).token;
    }
    url = await api.listen(Object.values(tokens));
  });
  afterAll(() => api.close());

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/v1/tenants/default${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("R39: the requester's token adds a participant of its organization, whose token then sees the ticket; another organization's does not", async () => {
    const made = await call('ana', 'POST', '/tickets', { department: 'Suporte', subject: 's', message: 'm' });
    expect(made.status).toBe(201);
    ticket = (made.body as { ticket: { id: number; protocol: string } }).ticket;
    expect((await call('bruno', 'GET', `/tickets/${ticket.id}`)).status).toBe(404);
    const refused = await call('ana', 'POST', `/tickets/${ticket.protocol}/participants`, { emails: ['caio@sul.example'] });
    expect(refused.status).toBe(412);
    const added = await call('ana', 'POST', `/tickets/${ticket.protocol}/participants`, { emails: ['bruno@norte.example'] });
    expect(added).toMatchObject({ status: 200, body: { participants: ['bruno@norte.example'] } });
    const seen = await call('bruno', 'GET', `/tickets/${ticket.id}`);
    expect(seen).toMatchObject({ status: 200, body: { id: ticket.id, participants: ['bruno@norte.example'] } });
    expect(((await call('bruno', 'GET', '/tickets')).body.items as { id: number }[]).map((t) => t.id)).toEqual([ticket.id]);
    expect((await call('caio', 'GET', `/tickets/${ticket.id}`)).status).toBe(404);
    // The participant may not add others; a body with an unknown key is refused.
    expect((await call('bruno', 'POST', `/tickets/${ticket.id}/participants`, { emails: ['ana@norte.example'] })).status).toBe(403);
    expect((await call('ana', 'POST', `/tickets/${ticket.id}/participants`, { emails: ['bruno@norte.example'], bogus: 1 })).status).toBe(400);
    expect((await call('ana', 'POST', `/tickets/${ticket.id}/participants/remove`, { emails: ['bruno@norte.example'] })).body).toMatchObject({ participants: [] });
    expect((await call('bruno', 'GET', `/tickets/${ticket.id}`)).status).toBe(404);
  });
});
