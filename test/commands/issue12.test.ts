import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { count } from '../helpers/db.js';
import { runDeskctl } from '../helpers/run.js';

/** The defects of issue 12 ("what a new user tripped on") that show in-process, each named. */
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-i12-'));
  return { dir, db: join(dir, 'h.db') };
};

describe('defect 2: DESKCTL_TENANT naming a tenant that does not exist yet', () => {
  const { dir, db } = fresh();
  const env = { DESKCTL_DB: db, DESKCTL_TENANT: 'ci-99' };

  it('defect 2: tenants create, list, create --from and remove work (the README CI pattern)', async () => {
    const created = await runDeskctl(['tenants', 'create', 'ci-99'], { env });
    expect(created.exitCode, created.stderr).toBe(0);
    const fixture = join(dir, 'f.yaml');
    writeFileSync(fixture, 'departments:\n  - name: Suporte\n');
    const other = { ...env, DESKCTL_TENANT: 'ci-100' };
    const from = await runDeskctl(['tenants', 'create', 'ci-100', '--from', fixture], { env: other });
    expect(from.exitCode, from.stderr).toBe(0);
    const gone = { ...env, DESKCTL_TENANT: 'never-made' };
    const list = await runDeskctl(['tenants', 'list', '-o', 'json'], { env: gone });
    expect(list.exitCode, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { slug: string }[]).map((t) => t.slug)).toEqual(['default', 'ci-99', 'ci-100']);
    const removed = await runDeskctl(['tenants', 'remove', 'ci-100', '--yes'], { env: gone });
    expect(removed.exitCode, removed.stderr).toBe(0);
    // Removing the tenant the run points at is fine too.
    expect((await runDeskctl(['tenants', 'remove', 'ci-99', '--yes'], { env })).exitCode).toBe(0);
  });

  it('defect 2: other commands still say the tenant does not exist (exit 1)', async () => {
    const r = await runDeskctl(['departments', 'list'], { env: { ...env, DESKCTL_TENANT: 'nope' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('tenant "nope" not found');
  });
});

describe('defect 3: flags that exclude each other are refused, never "the last one wins"', () => {
  const { db } = fresh();
  const env = { DESKCTL_DB: db };

  it.each([
    [['rules', 'add', '--department', 'Suporte', '--category', 'X', '--no-category'], '--category and --no-category'],
    [['rules', 'add', '--department', 'Suporte', '--no-category', '--all-categories'], '--no-category and --all-categories'],
    [['rules', 'remove', '--department', 'Suporte', '--category', 'X', '--no-category'], '--category and --no-category'],
    [['drafts', 'list', '--category', 'X', '--no-category'], '--category and --no-category'],
    [['drafts', 'approve', '--all', '--category', 'X', '--no-category', '--yes'], '--category and --no-category'],
    [['drafts', 'reject', '--all', '--no-category', '--category', 'X', '--yes'], '--category and --no-category'],
    [['drafts', 'approve', '1', '--all'], 'draft ids and --all'],
    [['orgs', 'set', 'A', '--parent', 'P', '--no-parent'], '--parent and --no-parent'],
    [['customers', 'set', 'a@x.example', '--manager', '--no-manager'], '--manager and --no-manager'],
    [['customers', 'set', 'a@x.example', '--org', 'O', '--no-org'], '--org and --no-org'],
    [['customers', 'set', 'a@x.example', '--inactive', '--active'], '--active and --inactive'],
    [['tickets', 'list', '--overdue', '--due-today'], '--overdue and --due-today'],
    [['tickets', 'create', '--requester', 'a@x.example', '--department', 'D', '--subject', 's', '--message', 'm', '--internal', '--private'], '--internal and --private'],
    [['rules', 'remove', '3', '--department', 'Suporte', '--no-category'], 'rule ids and --department with a scope'],
    [['profile', 'use', 'x', '--none'], 'a profile name and --none'],
  ])('defect 3: deskctl %j is exit 2 naming both, nothing written', async (argv, both) => {
    const r = await runDeskctl([...argv, '-o', 'json'], { env });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error: ${both} exclude each other: give one`);
    expect(JSON.parse(r.stderr.split('\n')[1]!)).toEqual({ error: { code: 'invalid_input', message: `${both} exclude each other: give one` } });
  });

  it('defect 3: every command with a --x and --no-x pair declares them exclusive (one helper for all)', async () => {
    const { fullProgram } = await import('../../src/cli.js');
    const { Context } = await import('../../src/context.js');
    const { exclusiveGroupsOf } = await import('../../src/commands/shared.js');
    const program = await fullProgram(new Context({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {} }));
    const missing: string[] = [];
    const walk = (cmd: import('commander').Command, path: string) => {
      const longs = cmd.options.map((o) => o.long ?? '');
      const groups = exclusiveGroupsOf(cmd);
      for (const l of longs) {
        if (!l.startsWith('--no-') || !longs.includes(`--${l.slice(5)}`)) continue;
        if (!groups.some((g) => g.includes(l) && g.includes(`--${l.slice(5)}`))) missing.push(`${path} ${l}`);
      }
      for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`);
    };
    walk(program, 'deskctl');
    expect(missing).toEqual([]);
  });

  it('defect 3: one flag of a pair alone still works', async () => {
    const r = await runDeskctl(['drafts', 'list', '--no-category'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

describe('defect 4 and defect 11: exit codes of refusals and invalid ids; batch ticket verbs take protocols', () => {
  const { db } = fresh();
  const env = { DESKCTL_DB: db };
  let ours: number[] = [];
  let theirs: number[] = [];
  let protocols: string[] = [];

  it('set-up', async () => {
    const { openLocalHelpdesk } = await import('../../src/client/local.js');
    const hd = await openLocalHelpdesk({ file: db, tenant: 'default' });
    await hd.addDepartment('Suporte');
    await hd.addOrganization('Matriz');
    await hd.addOrganization('Outra');
    await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: 'gerente@outra.example', name: 'G2', org: 'Outra', manager: true });
    await hd.addCustomer({ email: 'ana@matriz.example', name: 'Ana', org: 'Matriz' });
    await hd.addCustomer({ email: 'bia@outra.example', name: 'Bia', org: 'Outra' });
    await hd.setSetting('approval.mode', 'all-departments');
    const draft = async (requester: string) => {
      const o = await hd.createTicket({ requester, department: 'Suporte', subject: 's', message: 'm' });
      return o.outcome === 'draft' ? o.draft.id : -1;
    };
    ours = [await draft('ana@matriz.example'), await draft('ana@matriz.example')];
    theirs = [await draft('bia@outra.example'), await draft('bia@outra.example')];
    for (let i = 0; i < 3; i++) {
      const o = await hd.createTicket({ requester: 'ana@matriz.example', department: 'Suporte', subject: `t${i}`, message: 'm', channel: 'agent' });
      if (o.outcome === 'ticket') protocols.push(o.ticket.protocol);
    }
    await hd.close();
    expect(protocols).toHaveLength(3);
  });

  it("defect 4 with R12/R13: drafts outside the --as manager's organizations are not found for them (a 403 would tell which ids exist): exit 1, nothing decided", async () => {
    const r = await runDeskctl(['drafts', 'approve', ...theirs.map(String), '--as', 'gerente@matriz.example', '-o', 'json'], { env });
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { succeeded: number; failed: number; results: { error?: { code: string } }[] };
    expect(report).toMatchObject({ succeeded: 0, failed: 2 });
    expect(report.results.map((x) => x.error?.code)).toEqual(['not_found', 'not_found']);
    expect(count(db, 'drafts')).toBe(4);
  });

  it('defect 4: some refused, some decided is exit 3', async () => {
    const r = await runDeskctl(['drafts', 'reject', String(ours[0]), String(theirs[0]), '--as', 'gerente@matriz.example'], { env });
    expect(r.exitCode, r.stderr).toBe(3);
    expect(count(db, 'drafts')).toBe(3);
  });

  it('defect 4: refused ones and missing ones together, none done, stay exit 1', async () => {
    const r = await runDeskctl(['drafts', 'reject', String(theirs[1]), '999999', '--as', 'gerente@matriz.example'], { env });
    expect(r.exitCode, r.stderr).toBe(1);
  });

  it('defect 4: tickets show abc and drafts show abc agree: invalid input, exit 2', async () => {
    for (const noun of ['tickets', 'drafts']) {
      const r = await runDeskctl([noun, 'show', 'abc', '-o', 'json'], { env });
      expect(r.exitCode, `${noun}: ${r.stderr}`).toBe(2);
      expect(JSON.parse(r.stderr.split('\n')[1]!).error.code).toBe('invalid_input');
    }
  });

  it('defect 4: usage errors found by the parser print the JSON error document too with -o json', async () => {
    for (const argv of [['drafts', 'list', '--bogus', '-o', 'json'], ['--output=json', 'tickets', 'show'], ['-o', 'json', 'drafts', 'approve', '--older-than']]) {
      const r = await runDeskctl(argv, { env });
      expect(r.exitCode, r.stderr).toBe(2);
      const [line, doc] = r.stderr.trim().split('\n');
      expect(line).toMatch(/^error: /);
      expect(JSON.parse(doc!)).toEqual({ error: { code: 'invalid_input', message: line!.replace(/^error: /, '') } });
    }
  });

  it('defect 11: solve, close, rate, link-process and reopen take protocols as tickets show does', async () => {
    await runDeskctl(['settings', 'set', 'reopen.allowed', 'true'], { env });
    const solve = await runDeskctl(['tickets', 'solve', protocols[0]!, protocols[1]!, '-o', 'json'], { env });
    expect(solve.exitCode, solve.stderr).toBe(0);
    expect((JSON.parse(solve.stdout) as { results: { ticket: { protocol: string; status: string } }[] }).results.map((x) => x.ticket)).toMatchObject([
      { protocol: protocols[0], status: 'solved' },
      { protocol: protocols[1], status: 'solved' },
    ]);
    expect((await runDeskctl(['tickets', 'rate', protocols[0]!, '5'], { env })).exitCode).toBe(0);
    expect((await runDeskctl(['tickets', 'reopen', protocols[1]!, '-m', 'voltou'], { env })).exitCode).toBe(0);
    expect((await runDeskctl(['tickets', 'link-process', protocols[2]!, 'PROC-1'], { env })).exitCode).toBe(0);
    expect((await runDeskctl(['tickets', 'close', protocols[2]!], { env })).exitCode).toBe(0);
    const piped = await runDeskctl(['tickets', 'close', '-'], { env, stdin: `${protocols[0]}\n${protocols[1]}\n` });
    expect(piped.exitCode, piped.stderr).toBe(0);
    const shown = JSON.parse((await runDeskctl(['tickets', 'show', protocols[0]!, '-o', 'json'], { env })).stdout);
    expect(shown).toMatchObject({ status: 'closed', rating: 5 });
  });

  it('defect 11: an unknown protocol changes nothing (exit 1); a ref that is neither id nor protocol is exit 2', async () => {
    const unknown = await runDeskctl(['tickets', 'solve', '2026-999999'], { env });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('ticket 2026-999999 not found');
    const bad = await runDeskctl(['tickets', 'close', 'abc'], { env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('ids[0]: a ticket is its id (42) or its protocol (2026-000042)');
  });
});

describe('defect 6: seed reports shape and reference problems together, in one style', () => {
  const { db } = fresh();
  const env = { DESKCTL_DB: db };
  const fixture = [
    'departments: "Suporte"',
    'organizations:',
    '  - name: Matriz',
    '    bogus: 1',
    'customers:',
    '  - email: a@b.example',
    '    name: A',
    '    phone: ""',
    '    organization: Nowhere',
    'tickets:',
    '  - ref: T1',
    '    requester: a@b.example',
    '    department: Ghost',
    '    subject: ""',
    '    message: m',
  ].join('\n');

  it('defect 6: one run lists the shape problems and the references of the same items, nothing written', async () => {
    const r = await runDeskctl(['seed', '-', '-o', 'json'], { env, stdin: fixture });
    expect(r.exitCode, r.stderr).toBe(2);
    const problems = (JSON.parse(r.stderr.split('\n')[1]!) as { error: { problems: string[] } }).error.problems;
    expect(problems).toEqual([
      'departments: expected a list, got the text "Suporte"',
      'organizations[0]: unknown key "bogus"',
      'customers[0].phone: must not be empty',
      // The same customer's reference, checked although its phone is not valid.
      'customers[0].organization: unknown organization "Nowhere"',
      'tickets[0].subject: must not be empty',
      'tickets[0].department: unknown department "Ghost"',
    ]);
    expect(count(db, 'customers')).toBe(0);
  });

  it('defect 6: no raw validator wording in any problem', async () => {
    const r = await runDeskctl(['seed', '-'], { env, stdin: 'settings: 3\ncustomers: [{email: x@y.example}]\nrules: {}\n' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toMatch(/Invalid input|received|Unrecognized/);
    expect(r.stderr).toContain('settings: expected a mapping of keys to values, got 3');
    expect(r.stderr).toContain('customers[0].name: required (text)');
    expect(r.stderr).toContain('rules: expected a list, got a mapping');
  });
});

describe('defect 7: stats summary on a terminal', () => {
  const { db } = fresh();
  const env = { DESKCTL_DB: db };

  it('set-up: one busy queue nobody works, two agents with a few tickets', async () => {
    const ticket = (i: number, agent?: string) => ({ ref: `S-${i}`, requester: 'c@x.example', department: 'Suporte', subject: `s${i}`, message: 'm', channel: 'agent', status: 'open', ...(agent ? { agent } : {}) });
    const fixture = {
      departments: [{ name: 'Suporte' }],
      customers: [{ email: 'c@x.example', name: 'C' }],
      agents: [
        { email: 'ana@help.example', name: 'Ana', departments: ['Suporte'] },
        { email: 'rui@help.example', name: 'Rui', departments: ['Suporte'] },
      ],
      tickets: [...Array.from({ length: 60 }, (_, i) => ticket(i)), ticket(100, 'ana@help.example'), ticket(101, 'ana@help.example'), ticket(102, 'rui@help.example')],
    };
    const r = await runDeskctl(['seed', '-'], { env, stdin: JSON.stringify(fixture) });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('defect 7: colour reaches the terminal as colour, never as escaped codes inside the table', async () => {
    const r = await runDeskctl(['stats', 'summary'], { tty: true, env: { ...env, FORCE_COLOR: '1' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\\x1b');
    expect(r.stdout).toMatch(/\u001b\[90m░+\u001b\[39m/);
  });

  it('defect 7: bars are scaled by the busiest agent, not by the unassigned tickets', async () => {
    const r = await runDeskctl(['stats', 'summary'], { tty: true, env: { ...env, NO_COLOR: '1' } });
    const line = (who: string) => r.stdout.split('\n').find((l) => l.includes(who)) ?? '';
    const blocks = (s: string) => [...s].filter((c) => '█▓░'.includes(c)).length;
    expect(blocks(line('ana@help.example'))).toBe(24);
    expect(blocks(line('rui@help.example'))).toBe(12);
    expect(blocks(line('(unassigned)'))).toBe(0);
  });
});

describe('habits from issue 12', () => {
  const { db } = fresh();
  const env = { DESKCTL_DB: db };

  it('set-up', async () => {
    const { openLocalHelpdesk } = await import('../../src/client/local.js');
    const hd = await openLocalHelpdesk({ file: db, tenant: 'default' });
    await hd.addDepartment('Suporte');
    await hd.addDepartment('Financeiro');
    await hd.addCategory('Acesso', 'Suporte');
    await hd.addOrganization('Filial Norte');
    await hd.addOrganization('Matriz');
    await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: 'ana@matriz.example', name: 'Ana', org: 'Matriz' });
    await hd.setSetting('approval.mode', 'all-departments');
    for (let i = 0; i < 3; i++) await hd.createTicket({ requester: 'ana@matriz.example', department: 'Suporte', subject: `s${i}`, message: 'm' });
    await hd.close();
  });

  it('names that do not exist get "did you mean", as commands do', async () => {
    const cases: [string[], string][] = [
      [['drafts', 'list', '--department', 'Suport'], 'department "Suport" not found (did you mean "Suporte"?)'],
      [['drafts', 'list', '--org', 'filial norte'], 'organization "filial norte" not found (did you mean "Filial Norte"?)'],
      [['drafts', 'list', '--department', 'Suporte', '--category', 'Aceso'], 'category "Aceso" not found in department "Suporte" (did you mean "Acesso"?)'],
      [['customers', 'set', 'ana@matriz.exampel', '--inactive'], 'customer ana@matriz.exampel not found (did you mean ana@matriz.example?)'],
      [['--tenant', 'defualt', 'drafts', 'list'], 'tenant "defualt" not found (did you mean "default"?)'],
    ];
    for (const [argv, message] of cases) {
      const r = await runDeskctl(argv, { env });
      expect(r.exitCode, argv.join(' ')).toBe(1);
      expect(r.stderr).toBe(`error: ${message}\n`);
    }
    const far = await runDeskctl(['drafts', 'list', '--department', 'Jurídico'], { env });
    expect(far.stderr).toBe('error: department "Jurídico" not found\n');
  });

  it('a bulk decision refused without --yes off a terminal says how many and suggests --dry-run (exit 2, nothing decided)', async () => {
    const r = await runDeskctl(['drafts', 'approve', '--all', '--department', 'Suporte'], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('error: refusing to approve 3 drafts (department Suporte) without --yes when not on a terminal: see which with --dry-run, then add --yes\n');
    expect(count(db, 'drafts')).toBe(3);
  });

  it('required options are marked in help', async () => {
    const r = await runDeskctl(['tickets', 'create', '--help'], { env });
    for (const o of ['--requester <email>', '--department <name>', '--subject <text>', '--message <text>']) {
      expect(r.stdout.split('\n').find((l) => l.includes(o))).toMatch(/\(required\)$/);
    }
    expect(r.stdout.split('\n').find((l) => l.includes('--conversation'))).not.toMatch(/required/);
  });
});

describe('habit: long output on a terminal goes through $PAGER, never when piped', () => {
  const { db } = fresh();
  const env = { DESKCTL_DB: db, PAGER: 'less' };

  it('a table taller than the terminal is paged; a short one, or piped output, is not', async () => {
    const made = await runDeskctl(['generate', '--tickets', '0', '--drafts', '40', '--orgs', '3', '--customers', '20'], { env });
    expect(made.exitCode, made.stderr).toBe(0);
    const paged: [string, string][] = [];
    const pager = async (command: string, text: string) => void paged.push([command, text]);
    const long = await runDeskctl(['drafts', 'list'], { env, tty: true, rows: 30, pager });
    expect(long.exitCode, long.stderr).toBe(0);
    expect(paged).toHaveLength(1);
    expect(paged[0]![0]).toBe('less');
    expect(paged[0]![1]).toMatch(/┌/);
    expect(long.stdout).toBe('');

    const short = await runDeskctl(['drafts', 'list', '--limit', '3'], { env, tty: true, rows: 30, pager });
    expect(short.stdout).toMatch(/┌/);
    const piped = await runDeskctl(['drafts', 'list'], { env, rows: 30, pager });
    expect(piped.stdout.split('\n')).toHaveLength(42);
    const none = await runDeskctl(['drafts', 'list'], { env: { DESKCTL_DB: db }, tty: true, rows: 30, pager });
    expect(none.stdout).toMatch(/┌/);
    expect(paged).toHaveLength(1);
  });
});

describe('habit: piped bulk results list every row', () => {
  it('drafts approve --all piped lists each of 230 decisions; on a terminal the first 200 successes and a note', async () => {
    const { db } = fresh();
    const env = { DESKCTL_DB: db };
    expect((await runDeskctl(['generate', '--tickets', '0', '--drafts', '460', '--orgs', '3', '--customers', '20'], { env })).exitCode).toBe(0);
    const piped = await runDeskctl(['drafts', 'approve', '--all', '--limit', '230', '--yes'], { env });
    expect(piped.exitCode, piped.stderr).toBe(0);
    expect(piped.stdout.trim().split('\n')).toHaveLength(231);
    const tty = await runDeskctl(['drafts', 'approve', '--all', '--limit', '230', '--yes'], { env, tty: true });
    expect(tty.exitCode, tty.stderr).toBe(0);
    expect(tty.stderr).toContain('(showing 200 of 230 successes; piped, every row is listed)');
  }, 60_000);
});

describe('habit: audit list like the other nouns', () => {
  it('audit list --newest-first --limit N is the latest N, newest first; deskctl audit alone still lists oldest first', async () => {
    const { db } = fresh();
    const env = { DESKCTL_DB: db };
    for (const d of ['A', 'B', 'C']) expect((await runDeskctl(['departments', 'add', d], { env })).exitCode).toBe(0);
    const newest = JSON.parse((await runDeskctl(['audit', 'list', '--newest-first', '--limit', '2', '--action', 'department.add', '-o', 'json'], { env })).stdout);
    expect(newest.map((a: { details: { name: string } }) => a.details.name)).toEqual(['C', 'B']);
    const bare = JSON.parse((await runDeskctl(['audit', '--entity', 'department', '-o', 'json'], { env })).stdout);
    expect(bare.map((a: { details: { name: string } }) => a.details.name)).toEqual(['A', 'B', 'C']);
    const bad = await runDeskctl(['audit', 'list', '--entity', 'Not An Entity'], { env });
    expect(bad.exitCode).toBe(2);
  });
});

describe('habit: tickets assign', () => {
  it('assigns by protocol, refuses --agent with --none, and needs one of them', async () => {
    const { db } = fresh();
    const env = { DESKCTL_DB: db };
    const { openLocalHelpdesk } = await import('../../src/client/local.js');
    const hd = await openLocalHelpdesk({ file: db, tenant: 'default' });
    await hd.addDepartment('Suporte');
    await hd.addAgent({ email: 'joao@help.example', name: 'João', departments: ['Suporte'] });
    await hd.addCustomer({ email: 'c@x.example', name: 'C' });
    const made = await hd.createTicket({ requester: 'c@x.example', department: 'Suporte', subject: 's', message: 'm' });
    await hd.close();
    const protocol = made.outcome === 'ticket' ? made.ticket.protocol : '';
    const r = await runDeskctl(['tickets', 'assign', protocol, '--agent', 'joao@help.example'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('\tassigned\t');
    expect((await runDeskctl(['tickets', 'assign', protocol, '--agent', 'joao@help.example'], { env })).stdout).toContain('already theirs');
    expect((await runDeskctl(['tickets', 'assign', protocol, '--agent', 'joao@help.example', '--none'], { env })).exitCode).toBe(2);
    expect((await runDeskctl(['tickets', 'assign', protocol], { env })).stderr).toBe('error: give --agent EMAIL, or --none to unassign\n');
    expect((await runDeskctl(['tickets', 'assign', protocol, '--none'], { env })).stdout).toContain('\tunassigned\t');
  });
});

describe("habit: times in tables in the tenant's zone (JSON stays UTC)", () => {
  it("a drawn table shows instants in the tenant's zone; piped tables, CSV and JSON keep UTC", async () => {
    const { db } = fresh();
    const env = { DESKCTL_DB: db, DESKCTL_NOW: '2026-11-02T12:00:00.000Z', NO_COLOR: '1' };
    expect((await runDeskctl(['settings', 'set', 'timezone', 'America/Sao_Paulo'], { env })).exitCode).toBe(0);
    expect((await runDeskctl(['departments', 'add', 'Suporte'], { env })).exitCode).toBe(0);
    const tty = await runDeskctl(['audit', 'list'], { env, tty: true, columns: 200 });
    expect(tty.stdout).toContain('2026-11-02 09:00 -03:00');
    expect(tty.stdout).not.toContain('2026-11-02T12:00:00.000Z');
    const piped = await runDeskctl(['audit', 'list'], { env });
    expect(piped.stdout).toContain('2026-11-02T12:00:00.000Z');
    const json = JSON.parse((await runDeskctl(['audit', 'list', '-o', 'json'], { env, tty: true })).stdout);
    expect(json[0].at).toBe('2026-11-02T12:00:00.000Z');
  });
});
