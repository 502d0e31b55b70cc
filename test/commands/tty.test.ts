import { beforeAll, describe, expect, it } from 'vitest';
import { openLocalHelpdesk } from '../../src/client/local.js';
import { tempHome } from '../helpers/bin.js';
import { count, fingerprint } from '../helpers/db.js';
import { runDeskctl } from '../helpers/run.js';

/** The terminal and the piped variants of the main commands, in-process around buffers. */
describe('commands on a terminal and piped', () => {
  const home = tempHome();
  const env = { DESKCTL_DB: home.db };

  beforeAll(async () => {
    const hd = await openLocalHelpdesk({ file: home.db, tenant: 'default' });
    await hd.addDepartment('Suporte');
    await hd.addOrganization('Matriz');
    await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
    await hd.addCustomer({ email: 'ana@matriz.example', name: 'Ana', org: 'Matriz' });
    await hd.setSetting('approval.mode', 'all-departments');
    for (let i = 0; i < 3; i++) await hd.createTicket({ requester: 'ana@matriz.example', department: 'Suporte', subject: `=HYPERLINK("x") ${i}`, message: 'm' });
    await hd.close();
  });

  it('bulk by filter on a terminal asks with the count, and "no" changes nothing (exit 1)', async () => {
    const before = fingerprint(home.db);
    const r = await runDeskctl(['drafts', 'approve', '--all', '--department', 'Suporte'], { tty: true, confirm: false, env });
    expect(r.prompts).toEqual(['Approve 3 drafts (department Suporte)?']);
    expect(r.exitCode).toBe(1);
    expect(fingerprint(home.db)).toBe(before);
  });

  it('bulk by filter off a terminal never prompts: it refuses without --yes (exit 2)', async () => {
    const r = await runDeskctl(['drafts', 'reject', '--all'], { tty: false, confirm: true, env });
    expect(r.prompts).toEqual([]);
    expect(r.exitCode).toBe(2);
    expect(count(home.db, 'drafts')).toBe(3);
  });

  it('a table is drawn on a terminal and tab-separated without escape codes when piped', async () => {
    const tty = await runDeskctl(['drafts', 'list'], { tty: true, env });
    expect(tty.stdout).toMatch(/┌|─/);
    const piped = await runDeskctl(['drafts', 'list'], { tty: false, env });
    expect(piped.stdout.split('\n')[0]).toBe('id\trequester\torganization\tdepartment\tcategory\tchannel\tsubject\tcreated');
    expect(piped.stdout).not.toMatch(/\u001b\[/);
    expect(piped.stderr).toBe('');
  });

  it('colour only on a terminal, and never with NO_COLOR, TERM=dumb or --no-color', async () => {
    const coloured = await runDeskctl(['drafts', 'list'], { tty: true, env });
    expect(coloured.stdout).toMatch(/\u001b\[1m/);
    for (const extra of [{ NO_COLOR: '1' }, { TERM: 'dumb' }]) {
      const r = await runDeskctl(['drafts', 'list'], { tty: true, env: { ...env, ...extra } });
      expect(r.stdout).not.toMatch(/\u001b\[/);
    }
    const flag = await runDeskctl(['drafts', 'list', '--no-color'], { tty: true, env });
    expect(flag.stdout).not.toMatch(/\u001b\[/);
  });

  it('CSV neutralises formula cells; JSON keeps the raw value', async () => {
    const csv = await runDeskctl(['drafts', 'list', '-o', 'csv'], { env });
    expect(csv.stdout).toContain(`"'=HYPERLINK(""x"") 0"`);
    const json = await runDeskctl(['drafts', 'list', '-o', 'json'], { env });
    expect(JSON.parse(json.stdout)[0].subject).toBe('=HYPERLINK("x") 0');
  });

  it('R13: "yes" on a terminal approves the drafts the prompt counted', async () => {
    const r = await runDeskctl(['drafts', 'approve', '--all'], { tty: true, confirm: true, env });
    expect(r.prompts).toEqual(['Approve 3 drafts (every pending draft)?']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(count(home.db, 'tickets')).toBe(3);
    expect(count(home.db, 'drafts')).toBe(0);
  });

  it('--version and --help load nothing and exit 0', async () => {
    const v = await runDeskctl(['--version']);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await runDeskctl(['drafts', 'approve', '--help']);
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toContain('Examples:');
    expect(h.stdout).toContain('--older-than <age>');
  });
});
