import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskctlJson, E2E_TARGETS, e2eHelpdesk } from '../helpers/bin.js';

interface Received {
  duplicate: boolean;
  conversation: { id: number; state: string; customer: string | null; ticket: number | null; draft: number | null; closedAt: string | null };
  replies: { text: string }[];
  ticket: { id: number; protocol: string; requester: string; priority: string } | null;
  draft: { id: number } | null;
}

/**
 * Seed 002 told through the built binary, as an admin would try it: `whatsapp receive` walks every
 * branch of the flow, locally and through `deskctl serve`, on both stores.
 */
describe.each(E2E_TARGETS)('e2e ($target, $engine): WhatsApp conversations open tickets (seed 002)', ({ target, engine }) => {
  // The clock is pinned (the server's too), so --at can say when earlier messages were sent.
  const hd = e2eHelpdesk({ target, engine }, { DESKCTL_NOW: '2026-12-01T18:00:00.000Z' });
  const { run, ok } = hd;
  const json = <T>(args: string[]) => deskctlJson<T>(args, { env: hd.env });
  const receive = (from: string, text: string, ...extra: string[]) => json<Received>(['whatsapp', 'receive', '--from', from, '--text', text, ...extra]);

  beforeAll(async () => {
    await hd.open();
    await ok('departments', 'add', 'Suporte');
    await ok('orgs', 'add', 'Matriz');
    await ok('customers', 'add', 'gerente@matriz.example', '--name', 'Gerente', '--org', 'Matriz', '--manager');
    await ok('customers', 'add', 'ana@matriz.example', '--name', 'Ana', '--org', 'Matriz', '--phone', '+55 11 97777-0001');
    await ok('customers', 'add', 'rui@x.example', '--name', 'Rui', '--phone', '+55 11 97777-0002');
    await ok('customers', 'add', 'lia@x.example', '--name', 'Lia', '--phone', '+55 11 97777-0003');
  });

  afterAll(async () => {
    await hd.close();
  });

  it('R24: autoTicket is refused before its department, then turned on', async () => {
    const refused = await run('settings', 'set', 'whatsapp.autoTicket', 'true');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('whatsapp.ticket.department');
    await ok('settings', 'set', 'whatsapp.ticket.department', 'Suporte');
    await ok('settings', 'set', 'whatsapp.ticket.priority', 'high');
    await ok('settings', 'set', 'whatsapp.autoTicket', 'true');
    const bad = await run('settings', 'set', 'whatsapp.ticket.priority', 'máxima');
    expect(bad.exitCode).toBe(2);
  });

  it('R26: an unknown phone is asked for an e-mail, registered, and sent the ticket', async () => {
    const first = await run('whatsapp', 'receive', '--from', '+55 21 98888-0001', '--name', 'Maria Souza', '--text', 'Olá, meu boleto não chegou');
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toBe('Olá! Para darmos andamento ao seu atendimento, por favor, informe o seu e-mail.\n');
    expect(first.stderr).toContain('awaiting_email');
    const wrong = await receive('5521988880001', 'é maria@');
    expect(wrong.replies[0]!.text).toMatch(/^Não conseguimos validar o e-mail/);
    const done = await receive('5521988880001', ' maria@empresa.com.br ');
    expect(done.conversation).toMatchObject({ state: 'open', customer: 'maria@empresa.com.br' });
    expect(done.ticket).toMatchObject({ requester: 'maria@empresa.com.br', priority: 'high' });
    expect(done.replies[0]!.text).toContain(done.ticket!.protocol);
    const customers = await json<{ email: string; name: string; phone: string }[]>(['customers', 'list']);
    expect(customers.find((c) => c.email === 'maria@empresa.com.br')).toMatchObject({ name: 'Maria Souza', phone: '+5521988880001' });
    const mail = await json<{ kind: string }[]>(['notifications', 'list', '--to', 'maria@empresa.com.br']);
    expect(mail.map((n) => n.kind).sort()).toEqual(['account_created', 'ticket_opened']);
  });

  it('R7/R16: a customer whose request needs approval gets a draft; the next message joins it', async () => {
    await ok('approval', 'set', 'all-departments');
    const r = await receive('+55 11 97777-0001', 'Preciso de acesso ao ERP', '--id', 'wamid.ana1');
    expect(r.draft).not.toBeNull();
    expect(r.replies[0]!.text).toMatch(/aprovada/);
    const again = await receive('+55 11 97777-0001', 'Preciso de acesso ao ERP', '--id', 'wamid.ana1');
    expect(again).toMatchObject({ duplicate: true, replies: [] });
    const more = await receive('5511977770001', 'é urgente');
    expect(more.draft!.id).toBe(r.draft!.id);
    const draft = await json<{ message: string }>(['drafts', 'show', String(r.draft!.id)]);
    expect(draft.message).toBe('Preciso de acesso ao ERP\n\né urgente');
    await ok('approval', 'set', 'disabled');
  });

  it('R30: a blocked customer is sent nothing automatic, and still gets a ticket', async () => {
    await ok('customers', 'set', 'rui@x.example', '--block-automatic-messages');
    const r = await run('whatsapp', 'receive', '--from', '+55 11 97777-0002', '--text', 'oi');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no automatic reply');
    const conv = await json<{ ticket: number | null }[]>(['conversations', 'list', '--customer', 'rui@x.example']);
    expect(conv[0]!.ticket).not.toBeNull();
  });

  it('R29: a conversation times out (--at), the next message opens a new ticket', async () => {
    await ok('settings', 'set', 'whatsapp.closeAfterMinutes', '60');
    // Messages sent earlier in the day, delivered now: each is judged at the time it was sent.
    const a = await receive('+55 11 97777-0003', 'primeiro', '--at', '2026-12-01T13:00:00Z');
    const b = await receive('+55 11 97777-0003', 'depois de duas horas', '--at', '2026-12-01T15:00:01-00:00');
    expect(b.conversation.id).not.toBe(a.conversation.id);
    expect(b.conversation.ticket).not.toBe(a.conversation.ticket);
    const closed = await json<{ id: number; closedAt: string }[]>(['conversations', 'list', '--state', 'closed', '--phone', '5511977770003']);
    expect(closed.map((c) => [c.id, c.closedAt])).toEqual([
      [a.conversation.id, '2026-12-01T14:00:00.000Z'],
      // By the helpdesk's clock (18:00) the second one has timed out too.
      [b.conversation.id, '2026-12-01T16:00:01.000Z'],
    ]);
    const future = await run('whatsapp', 'receive', '--from', '+55 11 97777-0003', '--text', 'x', '--at', '2026-12-02T18:00:00Z');
    expect(future.exitCode).toBe(2);
    expect(future.stderr).toContain('in the future');
  });

  it('bad input is exit 2 and writes nothing', async () => {
    const before = (await json<unknown[]>(['conversations', 'list'])).length;
    for (const args of [
      ['whatsapp', 'receive', '--from', 'abc', '--text', 'x'],
      ['whatsapp', 'receive', '--from', '+55 11 97777-0009', '--text', '  '],
      ['whatsapp', 'receive', '--from', '+55 11 97777-0009', '--text', 'x', '--at', 'ontem'],
      ['conversations', 'show', 'x'],
      ['conversations', 'list', '--state', 'sleeping'],
    ]) {
      const r = await run(...args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
    }
    expect((await json<unknown[]>(['conversations', 'list'])).length).toBe(before);
  });
});
