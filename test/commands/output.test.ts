import type { Command } from 'commander';
import { openDatabase } from '../../src/store/sqlite.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { fullProgram } from '../../src/cli.js';
import { openLocalHelpdesk } from '../../src/client/local.js';
import { Context } from '../../src/context.js';
import { tempHome } from '../helpers/bin.js';
import { runDeskctl } from '../helpers/run.js';

const ESC = /\u001b/;
const SPINNER = /[\u2800-\u28ff]|✔|✖|approving drafts|rejecting drafts/;
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

/** The main list commands and what their piped header row is. */
const LISTS: [string[], string][] = [
  [['tenants', 'list'], 'slug'],
  [['departments', 'list'], 'id\tname\tcategories'],
  [['categories', 'list'], 'department'],
  [['orgs', 'list'], 'name'],
  [['customers', 'list'], 'email'],
  [['agents', 'list'], 'email'],
  [['rules', 'list'], 'id\tdepartment\tscope\tcategory\tcreated'],
  [['tickets', 'list'], 'id\tprotocol\tstatus\trequester\torganization\tdepartment\tcategory\tsubject\tdue'],
  [['drafts', 'list'], 'id\trequester\torganization\tdepartment\tcategory\tchannel\tsubject\tcreated'],
  [['notifications', 'list'], 'kind'],
  [['audit'], 'action'],
  [['profile', 'list'], 'current\tname\tkind\ttarget\ttenant\ttoken'],
];

/** Every `list` verb in the program tree, and `audit`: so list commands added later are covered too. */
async function treeLists(): Promise<string[][]> {
  const program = await fullProgram(new Context({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {} }));
  const found: string[][] = [];
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      const p = [...path, sub.name()];
      if (sub.name() === 'list' || p.join(' ') === 'audit') found.push(p);
      walk(sub, p);
    }
  };
  walk(program, []);
  return found;
}

describe('output discipline: the main list commands on a terminal and piped', () => {
  const home = tempHome();
  const env = { ...home.env, NO_COLOR: undefined, DESKCTL_DB: home.db };

  beforeAll(async () => {
    const hd = await openLocalHelpdesk({ file: home.db, tenant: 'default' });
    await hd.addDepartment('Suporte');
    await hd.addCategory('Acesso ao sistema de gestão empresarial', 'Suporte');
    await hd.addOrganization('Matriz');
    await hd.addOrganization('Filial Norte com um nome bem comprido', 'Matriz');
    await hd.addCustomer({ email: 'gerente@matriz.example', name: 'Gerente', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: 'ana.beatriz.de.souza@filial-norte.example', name: 'Ana Beatriz de Souza', org: 'Filial Norte com um nome bem comprido' });
    await hd.addAgent({ email: 'joao@helpdesk.example', name: 'João', departments: ['Suporte'] });
    await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso ao sistema de gestão empresarial' });
    await hd.setSetting('approval.mode', 'departments');
    const subject = 'Não consigo acessar o ERP desde a atualização de ontem à noite, aparece erro 500';
    for (let i = 0; i < 3; i++) {
      await hd.createTicket({ requester: 'ana.beatriz.de.souza@filial-norte.example', department: 'Suporte', category: 'Acesso ao sistema de gestão empresarial', subject: `${subject} ${i}`, message: 'm' });
      await hd.createTicket({ requester: 'ana.beatriz.de.souza@filial-norte.example', department: 'Suporte', subject: `${subject} ${i}`, message: 'm' });
    }
    await hd.close();
  });

  it.each(LISTS)('%s piped: plain tab-separated lines with a header, no colour, nothing on stderr', async (argv, header) => {
    const r = await runDeskctl(argv, { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toContain(header);
    expect(r.stdout.split('\n')[0]).toContain(header.includes('\t') ? header : '');
    expect(r.stdout).not.toMatch(ESC);
    expect(r.stdout).not.toMatch(/[┌─│└]/);
    expect(r.stderr).toBe('');
    const columns = r.stdout.split('\n')[0]!.split('\t').length;
    for (const line of r.stdout.replace(/\n$/, "").split('\n')) expect(line.split('\t')).toHaveLength(columns);
  });

  it.each(LISTS)('%s on a 60-column terminal: a drawn table that fits the width', async (argv) => {
    const r = await runDeskctl(argv, { env, tty: true, columns: 60 });
    expect(r.exitCode, r.stderr).toBe(0);
    if (r.stdout.trim()) {
      expect(r.stdout).toMatch(/[┌─]/);
      for (const line of strip(r.stdout).split('\n')) expect([...line].length, line).toBeLessThanOrEqual(60);
    }
  });

  it('colour on a terminal only, and never with NO_COLOR, TERM=dumb or --no-color', async () => {
    expect((await runDeskctl(['tickets', 'list'], { env, tty: true })).stdout).toMatch(ESC);
    for (const [extraEnv, extraArgs] of [[{ NO_COLOR: '1' }, []], [{ TERM: 'dumb' }, []], [{}, ['--no-color']]] as const) {
      const r = await runDeskctl(['tickets', 'list', ...extraArgs], { env: { ...env, ...extraEnv }, tty: true });
      expect(r.stdout).toMatch(/[┌─]/);
      expect(r.stdout + r.stderr).not.toMatch(ESC);
    }
    // Errors are coloured by the same rule.
    const err = await runDeskctl(['tickets', 'show', '999'], { env: { ...env, NO_COLOR: '1' }, tty: true });
    expect(err.stderr).toBe('error: ticket 999 not found\n'.replace('ticket 999 not found', err.stderr.slice(7).trim()));
    expect(err.stderr).not.toMatch(ESC);
  });

  it('piping any list command (every `list` in the tree, and audit) yields no escape codes and no spinner text', async () => {
    const lists = await treeLists();
    expect(lists.map((p) => p.join(' '))).toEqual(expect.arrayContaining(LISTS.map(([a]) => a.join(' '))));
    for (const argv of lists) {
      for (const format of [[], ['-o', 'json'], ['-o', 'csv']]) {
        const r = await runDeskctl([...argv, ...format], { env: { ...env, FORCE_COLOR: undefined } });
        expect(r.stdout + r.stderr, argv.join(' ')).not.toMatch(ESC);
        expect(r.stdout + r.stderr, argv.join(' ')).not.toMatch(SPINNER);
      }
    }
  });

  it('progress shows only on a terminal, only on stderr, and not with TERM=dumb; prompts never off a terminal', async () => {
    const piped = await runDeskctl(['drafts', 'approve', '--all', '--limit', '1', '--yes'], { env });
    expect(piped.exitCode, piped.stderr).toBe(0);
    expect(piped.stdout + piped.stderr).not.toMatch(SPINNER);
    expect(piped.stdout + piped.stderr).not.toMatch(ESC);

    const tty = await runDeskctl(['drafts', 'approve', '--all', '--limit', '1', '--yes'], { env, tty: true });
    expect(tty.exitCode, tty.stderr).toBe(0);
    expect(tty.stdout).not.toMatch(SPINNER);

    const dumb = await runDeskctl(['drafts', 'approve', '--all', '--limit', '1', '--yes'], { env: { ...env, TERM: 'dumb' }, tty: true });
    expect(dumb.stderr).not.toMatch(SPINNER);
    expect(dumb.stderr + dumb.stdout).not.toMatch(ESC);

    const noPrompt = await runDeskctl(['drafts', 'reject', '--all'], { env, confirm: true });
    expect(noPrompt.prompts).toEqual([]);
    expect(noPrompt.exitCode).toBe(2);
  });
});

describe('progress on a terminal', () => {
  it('draws on a terminal that tells its width, never on one of zero columns (the spinner would redraw forever)', async () => {
    const drafts = async () => {
      const home = tempHome();
      const env = { DESKCTL_DB: home.db, DESKCTL_NOW: '2026-11-02T12:00:00.000Z' };
      expect((await runDeskctl(['generate', '--tickets', '0', '--drafts', '30', '--orgs', '3', '--customers', '20'], { env })).exitCode).toBe(0);
      return env;
    };
    const wide = await runDeskctl(['drafts', 'approve', '--all', '--yes'], { tty: true, columns: 80, env: await drafts() });
    expect(wide.exitCode, wide.stderr).toBe(0);
    expect(wide.stderr).toContain('approving drafts');
    const none = await runDeskctl(['drafts', 'approve', '--all', '--yes'], { tty: true, columns: 0, env: await drafts() });
    expect(none.exitCode, none.stderr).toBe(0);
    expect(none.stderr).not.toContain('approving drafts');
    expect(none.stderr).toMatch(/approved 30 of 30 drafts/);
  });
});

describe('a bulk decision stopped by an error part-way', () => {
  // A chunk of 10 drafts commits; the next one fails (a trigger the test adds refuses the 11th ticket).
  const stoppedAfterTen = async () => {
    const home = tempHome();
    const env = { DESKCTL_DB: home.db, DESKCTL_NOW: '2026-11-02T12:00:00.000Z', DESKCTL_DECIDE_CHUNK: '10' };
    expect((await runDeskctl(['generate', '--tickets', '0', '--drafts', '30', '--orgs', '3', '--customers', '20'], { env })).exitCode).toBe(0);
    const db = openDatabase(home.db);
    db.exec("CREATE TRIGGER refuse_eleventh BEFORE INSERT ON tickets WHEN (SELECT count(*) FROM tickets) >= 10 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    db.close();
    return env;
  };

  it('R13: -o json still prints one whole document: what was decided before the error, and the error', async () => {
    const r = await runDeskctl(['drafts', 'approve', '--all', '--yes', '-o', 'json'], { env: await stoppedAfterTen() });
    expect(r.exitCode).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ dryRun: false, requested: 10, succeeded: 10, failed: 0, stopped: { code: 'internal' } });
    expect(doc.results).toHaveLength(10);
    expect(doc.stopped.message).toMatch(/refused by the test/);
  });

  it('R13: on a terminal or piped, a line says how far it got before the error line', async () => {
    const r = await runDeskctl(['drafts', 'approve', '--all', '--yes'], { env: await stoppedAfterTen() });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^stopped after 10 drafts: 10 approved \(they stay so\), 0 failed; the rest are still pending\nerror: internal error: refused by the test/);
  });
});
