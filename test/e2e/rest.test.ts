import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TARGETS, e2eHelpdesk } from '../helpers/bin.js';

interface Ticket { id: number; protocol: string; topic: string | null; serviceChannel: string | null; statusDetail: string | null; processRef: string | null; participants?: string[] }
interface Notification { kind: string; to: string }

/**
 * The rest of the source documents (R39-R42) through the built binary: participants, rating
 * alerts, the customer-area settings and topics, on each store, locally and against `deskctl serve`.
 */
describe.each(E2E_TARGETS)('e2e ($target, $engine): participants, rating alerts, the customer area and topics (R39-R42)', ({ target, engine }) => {
  const hd = e2eHelpdesk({ target, engine });
  const { home, run, json, ok } = hd;
  const create = (...extra: string[]) => ['tickets', 'create', '--requester', 'ana@norte.example', '--department', 'Suporte', '--subject', 'Instalar', '--message', 'Preciso', ...extra];

  beforeAll(async () => {
    await hd.open();
    await ok('departments', 'add', 'Suporte');
    await ok('orgs', 'add', 'Norte');
    await ok('orgs', 'add', 'Sul');
    await ok('customers', 'add', 'ana@norte.example', '--name', 'Ana', '--org', 'Norte');
    await ok('customers', 'add', 'bruno@norte.example', '--name', 'Bruno', '--org', 'Norte');
    await ok('customers', 'add', 'caio@sul.example', '--name', 'Caio', '--org', 'Sul');
    await ok('agents', 'add', 'chefe@helpdesk.example', '--name', 'Chefe', '--admin', '--department', 'Suporte');
  });

  afterAll(async () => {
    await hd.close();
  });

  it('R42: topics require what they say; a request missing it is exit 2 naming the topic; stats group by topic', async () => {
    await ok('topics', 'add', 'Instalação', '--require-service-channel', '--require-status-detail');
    await ok('topics', 'add', 'Contrato', '--require-process');
    const listed = await ok('topics', 'list');
    expect(listed.stdout.split('\n')[0]).toBe('id\tname\tprocess\tservice channel\tstatus detail');
    expect(listed.stdout).toContain('Instalação\tno\tyes\tyes');
    const refused = await run(...create('--topic', 'Instalação', '--service-channel', 'phone'));
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe('error: statusDetail: topic "Instalação" requires a status detail (--status-detail TEXT) on every ticket (R42)\n');
    expect((await run(...create('--topic', 'Contrato'))).stderr).toContain('processRef: topic "Contrato" requires a linked process (--process REF)');
    expect((await run(...create('--service-channel', 'fax'))).exitCode).toBe(2);
    const made = await json<{ ticket: Ticket }>(...create('--topic', 'Instalação', '--service-channel', 'in-person', '--status-detail', 'Aguardando técnico'));
    expect(made.ticket).toMatchObject({ topic: 'Instalação', serviceChannel: 'in-person', statusDetail: 'Aguardando técnico' });
    const contrato = await json<{ ticket: Ticket }>(...create('--topic', 'Contrato', '--process', 'PROC-1'));
    expect(contrato.ticket.processRef).toBe('PROC-1');
    const removed = await run('topics', 'remove', 'Contrato');
    expect(removed.exitCode).toBe(1);
    expect(removed.stderr).toContain('is used by 1 ticket');
    const stats = await ok('stats', 'export', '--by', 'topic', '--metrics', 'opened');
    expect(stats.stdout).toContain('Instalação,1');
    expect(stats.stdout).toContain('Contrato,1');
  });

  it('R39: the requester adds a participant of their organization, who sees the ticket and hears of it; another organization is refused', async () => {
    const t = (await json<{ ticket: Ticket }>(...create())).ticket;
    const refused = await run('tickets', 'participants', 'add', t.protocol, 'caio@sul.example', '--as', 'ana@norte.example');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('caio@sul.example is not a customer of Norte');
    const added = await ok('tickets', 'participants', 'add', t.protocol, 'bruno@norte.example', '--as', 'ana@norte.example');
    expect(added.stdout).toBe('participant\nbruno@norte.example\n');
    expect(added.stderr).toContain(`ticket ${t.protocol}: added bruno@norte.example`);
    expect((await ok('tickets', 'participants', t.protocol)).stdout).toBe('participant\nbruno@norte.example\n');
    expect((await json<Ticket>('tickets', 'show', t.protocol, '--as', 'bruno@norte.example')).participants).toEqual(['bruno@norte.example']);
    expect((await run('tickets', 'show', t.protocol, '--as', 'caio@sul.example')).exitCode).toBe(1);
    await ok('tickets', 'reply', t.protocol, '--message', 'Pode testar?');
    await ok('tickets', 'solve', t.protocol);
    const bruno = await json<Notification[]>('notifications', 'list', '--to', 'bruno@norte.example');
    expect(bruno.map((n) => n.kind)).toEqual(['ticket_answered', 'ticket_solved']);

    // R40: the rating tells the admin agent.
    await ok('tickets', 'rate', t.protocol, '5', '--comment', 'Rápido');
    const rated = await json<Notification[]>('notifications', 'list', '--kind', 'ticket_rated');
    expect(rated.map((n) => n.to)).toEqual(['chefe@helpdesk.example']);
  });

  it('R41: the customer area closes and attachments are refused, naming the setting', async () => {
    await ok('settings', 'set', 'tickets.customerCreation', 'false');
    const panel = await run(...create());
    expect(panel.exitCode).toBe(1);
    expect(panel.stderr).toContain('tickets.customerCreation is false');
    await ok(...create('--channel', 'email'));
    await ok('settings', 'set', 'tickets.attachments', 'false');
    const file = join(home.dir, 'print.txt');
    writeFileSync(file, 'x');
    const attached = await run(...create('--channel', 'agent', '--attach', file));
    expect(attached.exitCode).toBe(1);
    expect(attached.stderr).toContain('tickets.attachments is false');
    const shown = await json<Record<string, unknown>>('settings', 'show');
    expect(shown).toMatchObject({ 'tickets.customerCreation': false, 'tickets.attachments': false });
  });
});
