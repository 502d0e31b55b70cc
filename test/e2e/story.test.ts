import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskctl, E2E_TARGETS, e2eHelpdesk } from '../helpers/bin.js';

interface Draft { id: number; requester: string; organization: string | null; channel: string; message: string | null; category: string | null }
interface Ticket { id: number; protocol: string; status: string; requester: string; processRef: string | null; createdAt: string; dueAt: string }
interface Decision { dryRun: false; requested: number; succeeded: number; failed: number; results: { id: number; ok: boolean; ticket?: { id: number; protocol: string }; error?: { code: string } }[] }
interface Notification { kind: string; channel: string; to: string }

/**
 * The whole story of the approval documentation (seed 000) and the reopen rules (seed 004), told
 * through the built binary on a temporary database, the way an admin would script it.
 */
describe.each(E2E_TARGETS)('e2e ($target, $engine): the approval story of seed 000, through the built binary', ({ target, engine }) => {
  // Locally the commands open the database; remotely they speak to `deskctl serve` over it.
  const hd = e2eHelpdesk({ target, engine });
  const { run, json } = hd;
  const ok = async (...args: string[]) => {
    const r = await hd.ok(...args);
    expect(r.stderr.startsWith('error') ? r.stderr : '', `deskctl ${args.join(' ')}`).toBe('');
    return r;
  };
  const open = (requester: string, department: string, extra: string[] = []) =>
    json<{ outcome: 'ticket' | 'draft'; ticket?: Ticket; draft?: Draft; appended?: boolean }>(
      'tickets', 'create', '--requester', requester, '--department', department, '--subject', `pedido de ${requester}`, '--message', 'preciso de ajuda', ...extra,
    );

  beforeAll(async () => {
    await hd.open();
    await ok('departments', 'add', 'Suporte');
    await ok('departments', 'add', 'Financeiro');
    await ok('categories', 'add', 'Acesso', '--department', 'Suporte');
    await ok('categories', 'add', 'Rede', '--department', 'Suporte');
    await ok('categories', 'add', 'Boleto', '--department', 'Financeiro');
    await ok('orgs', 'add', 'Matriz');
    await ok('orgs', 'add', 'Filial Norte', '--parent', 'Matriz');
    await ok('orgs', 'add', 'Filial Sul', '--parent', 'Matriz');
    await ok('customers', 'add', 'gerente@matriz.example', '--name', 'Gerente', '--org', 'Matriz', '--manager');
    await ok('customers', 'add', 'ana@norte.example', '--name', 'Ana', '--org', 'Filial Norte', '--phone', '+55 11 91234-5678');
    await ok('customers', 'add', 'bia@norte.example', '--name', 'Bia', '--org', 'Filial Norte');
    await ok('customers', 'add', 'caio@sul.example', '--name', 'Caio', '--org', 'Filial Sul');
    await ok('customers', 'add', 'davi@sul.example', '--name', 'Davi', '--org', 'Filial Sul');
    await ok('agents', 'add', 'joao@helpdesk.example', '--name', 'João', '--department', 'Suporte');
  });

  afterAll(async () => {
    const exit = await hd.close();
    // SIGTERM drains and stops: a clean exit.
    if (target === 'remote') expect(exit).toBe(0);
  });

  it('R5/R6: an admin configures approval by department rules; rules are never edited', async () => {
    expect((await json<{ mode: string }>('approval', 'show')).mode).toBe('disabled');
    await ok('approval', 'set', 'departments');
    await ok('rules', 'add', '--department', 'Suporte', '--category', 'Acesso');
    await ok('rules', 'add', '--department', 'Suporte', '--no-category');
    await ok('rules', 'add', '--department', 'Financeiro', '--all-categories');
    const dup = await run('rules', 'add', '--department', 'Suporte', '--category', 'Acesso');
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toMatch(/^error: the rule already exists/);
    const edit = await run('rules', 'edit', '1');
    expect(edit.exitCode).toBe(2);
    expect(edit.stderr).toMatch(/remove .* add/);
    const approval = await json<{ mode: string; rules: { department: string; scope: string; category: string | null }[] }>('approval', 'show');
    expect(approval.mode).toBe('departments');
    expect(approval.rules.map((r) => [r.department, r.scope, r.category])).toEqual([
      ['Suporte', 'category', 'Acesso'],
      ['Suporte', 'none', null],
      ['Financeiro', 'all', null],
    ]);
  });

  it('R7-R10/R16: requests from every channel become drafts or tickets as the rules say', async () => {
    expect((await open('ana@norte.example', 'Suporte', ['--category', 'Acesso', '--field', 'matricula=4411'])).outcome).toBe('draft');
    expect((await open('ana@norte.example', 'Suporte', ['--category', 'Rede'])).outcome).toBe('ticket'); // no rule for Rede
    expect((await open('bia@norte.example', 'Suporte', ['--channel', 'email'])).outcome).toBe('draft'); // R9: e-mail has no category, the "none" rule applies
    const wa = await open('caio@sul.example', 'Financeiro', ['--channel', 'whatsapp', '--conversation', 'wa-7']);
    expect(wa.outcome).toBe('draft');
    const follow = await open('caio@sul.example', 'Financeiro', ['--channel', 'whatsapp', '--conversation', 'wa-7']);
    expect(follow).toMatchObject({ outcome: 'draft', appended: true, draft: { id: wa.draft!.id } });
    expect((await open('davi@sul.example', 'Financeiro', ['--channel', 'api'])).outcome).toBe('draft');
    expect((await open('davi@sul.example', 'Suporte', ['--channel', 'app'])).outcome).toBe('draft');
    expect((await open('ana@norte.example', 'Financeiro', ['--channel', 'agent'])).outcome).toBe('ticket'); // R8
    expect((await open('gerente@matriz.example', 'Suporte', ['--category', 'Acesso'])).outcome).toBe('ticket'); // R7.4

    const drafts = await json<Draft[]>('drafts', 'list');
    expect(drafts.map((d) => [d.requester, d.channel])).toEqual([
      ['ana@norte.example', 'panel'],
      ['bia@norte.example', 'email'],
      ['caio@sul.example', 'whatsapp'],
      ['davi@sul.example', 'api'],
      ['davi@sul.example', 'app'],
    ]);
    expect(drafts[2]!.message).toBe('preciso de ajuda\n\npreciso de ajuda');
    // R11: the parent organization's manager is told of each draft, by e-mail and push.
    const pending = await json<Notification[]>('notifications', 'list', '--kind', 'draft_pending');
    expect(pending).toHaveLength(10);
    expect(new Set(pending.map((n) => `${n.to}/${n.channel}`))).toEqual(new Set(['gerente@matriz.example/email', 'gerente@matriz.example/push']));
    // The piped table is plain tab-separated text with a header.
    const table = await ok('drafts', 'list', '--org', 'Filial Sul');
    expect(table.stdout.split('\n')[0]).toBe('id\trequester\torganization\tdepartment\tcategory\tchannel\tsubject\tcreated');
    expect(table.stdout).not.toMatch(/\u001b\[/);
  });

  it('R13: drafts are approved and rejected by id, through stdin, and in bulk by filter', async () => {
    const [first, second] = await json<Draft[]>('drafts', 'list', '--limit', '2');
    const approved = await json<Decision>('drafts', 'approve', String(first!.id), '--as', 'gerente@matriz.example');
    expect(approved).toMatchObject({ requested: 1, succeeded: 1, failed: 0 });
    const protocol = approved.results[0]!.ticket!.protocol;
    const ticket = await json<Ticket>('tickets', 'show', protocol);
    expect(ticket.requester).toBe('ana@norte.example');
    expect(Date.parse(ticket.dueAt) - Date.parse(ticket.createdAt)).toBe(24 * 3_600_000);

    const again = await run('drafts', 'approve', String(first!.id));
    expect(again.exitCode).toBe(1);

    const rejected = await json<Decision>('drafts', 'reject', String(second!.id), '--reason', 'duplicado');
    expect(rejected.succeeded).toBe(1);
    const told = await json<Notification[]>('notifications', 'list', '--kind', 'draft_rejected', '--to', 'bia@norte.example');
    expect(told).toHaveLength(1);

    // Ids piped back in from `drafts list -o json`.
    const api = await run('drafts', 'list', '--channel', 'api', '-o', 'json');
    const piped = await deskctl(['drafts', 'approve', '-', '-o', 'json'], { env: hd.env, input: api.stdout });
    expect(piped.exitCode).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ requested: 1, succeeded: 1 });

    // Bulk by filter: refused off a terminal without --yes, previewed with --dry-run, then done.
    const refused = await run('drafts', 'reject', '--all', '--org', 'Filial Sul');
    expect(refused.exitCode).toBe(2);
    const dry = await json<{ dryRun: true; matched: number; ids: number[] }>('drafts', 'reject', '--all', '--org', 'Matriz', '--include-children', '--channel', 'app', '--dry-run');
    expect(dry.matched).toBe(1);
    expect((await json<Draft[]>('drafts', 'list')).length).toBe(2);
    const bulk = await json<Decision>('drafts', 'reject', '--all', '--org', 'Matriz', '--include-children', '--channel', 'app', '--yes');
    expect(bulk).toMatchObject({ requested: 1, succeeded: 1, failed: 0 });
  });

  it('R15: removing a customer removes their pending drafts', async () => {
    const left = await json<Draft[]>('drafts', 'list');
    expect(left.map((d) => d.requester)).toEqual(['caio@sul.example']);
    const r = await ok('customers', 'remove', 'caio@sul.example');
    expect(r.stderr).toMatch(/1 pending draft/);
    expect(await json<Draft[]>('drafts', 'list')).toEqual([]);
  });

  it('R14: disabling approval leaves pending drafts pending; new requests become tickets', async () => {
    expect((await open('bia@norte.example', 'Suporte', ['--category', 'Acesso'])).outcome).toBe('draft');
    await ok('approval', 'set', 'disabled');
    expect((await json<Draft[]>('drafts', 'list')).length).toBe(1);
    expect((await open('bia@norte.example', 'Suporte', ['--category', 'Acesso'])).outcome).toBe('ticket');
    const done = await json<Decision>('drafts', 'approve', '--all', '--yes');
    expect(done.succeeded).toBe(1);
  });

  it('R19: a solved ticket is reopened with a message, never one with a linked process', async () => {
    const [a, b] = await json<Ticket[]>('tickets', 'list', '--requester', 'ana@norte.example');
    await ok('tickets', 'solve', String(a!.id), String(b!.id), '--message', 'resolvido');
    const refused = await run('tickets', 'reopen', String(a!.id), '--message', 'voltou');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/reopen\.allowed/);
    await ok('settings', 'set', 'reopen.allowed', 'true');
    await ok('tickets', 'link-process', String(b!.id), 'PROC-17');
    const mixed = await run('tickets', 'reopen', String(a!.id), String(b!.id), '--message', 'voltou', '-o', 'json');
    expect(mixed.exitCode).toBe(3);
    expect(JSON.parse(mixed.stdout)).toMatchObject({ requested: 2, succeeded: 1, failed: 1 });
    expect((await json<Ticket>('tickets', 'show', String(a!.id))).status).toBe('in_progress');
    expect((await json<Ticket>('tickets', 'show', String(b!.id))).status).toBe('solved');
    const missing = await run('tickets', 'reopen', String(a!.id));
    expect(missing.exitCode).toBe(2);
  });

  it('R22: every change left an audit row and its notifications', async () => {
    const audit = await json<{ action: string }[]>('audit');
    const actions = new Set(audit.map((a) => a.action));
    for (const a of ['rule.add', 'draft.create', 'draft.append', 'draft.approve', 'draft.reject', 'customer.remove', 'ticket.create', 'ticket.solve', 'ticket.reopen', 'ticket.link_process', 'settings.set']) {
      expect(actions, a).toContain(a);
    }
    const kinds = new Set((await json<Notification[]>('notifications', 'list')).map((n) => n.kind));
    for (const k of ['draft_pending', 'draft_waiting', 'draft_approved', 'ticket_opened', 'draft_rejected', 'ticket_solved', 'ticket_reopened']) expect(kinds, k).toContain(k);
  });
});
