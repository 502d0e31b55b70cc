import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runDeskctl } from '../helpers/run.js';

/** The confirmation rule (one helper, ctx.confirm) and the exit codes of the R36-R38 commands, in-process. */
describe('explain, config apply and drafts restore at the terminal and piped (R36-R38)', () => {
  let env: Record<string, string>;
  let dir: string;
  const run = (argv: string[], o: { tty?: boolean; confirm?: boolean } = {}) => runDeskctl(argv, { env, ...o });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deskctl-beyond-'));
    env = { DESKCTL_DB: join(dir, 'helpdesk.db'), DESKCTL_NOW: '2026-11-02T12:00:00.000Z', XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
    for (const argv of [
      ['departments', 'add', 'Suporte'],
      ['orgs', 'add', 'Matriz'],
      ['customers', 'add', 'g@m.example', '--name', 'G', '--org', 'Matriz', '--manager'],
      ['customers', 'add', 'ana@m.example', '--name', 'Ana', '--org', 'Matriz'],
      ['approval', 'set', 'all-departments'],
    ]) {
      const r = await run(argv);
      expect(r.exitCode, r.stderr).toBe(0);
    }
  });

  it('R36: explain exits 0 for a draft and for a ticket; --category and --no-category exclude each other', async () => {
    const draft = await run(['approval', 'explain', '--requester', 'ana@m.example', '--department', 'Suporte']);
    expect(draft.exitCode).toBe(0);
    expect(draft.stdout).toMatch(/^outcome: draft/);
    const ticket = await run(['approval', 'explain', '--requester', 'g@m.example', '--department', 'Suporte', '-o', 'csv']);
    expect(ticket.exitCode).toBe(0);
    expect(ticket.stdout).toContain('R7.4,no,');
    const both = await run(['approval', 'explain', '--requester', 'ana@m.example', '--department', 'Suporte', '--category', 'X', '--no-category']);
    expect(both.exitCode).toBe(2);
  });

  it('R37: config apply asks on a terminal (no: nothing applied, exit 1; yes: applied) and refuses piped without --yes (exit 2)', async () => {
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ departments: [{ name: 'Suporte', categories: ['Acesso'] }], organizations: [{ name: 'Matriz' }] }));
    expect((await run(['config', 'apply', file])).exitCode).toBe(2);
    const no = await run(['config', 'apply', file], { tty: true, confirm: false });
    expect(no.exitCode).toBe(1);
    expect(no.stdout).toContain('+ category Suporte/Acesso');
    const yes = await run(['config', 'apply', file], { tty: true, confirm: true });
    expect(yes.exitCode, yes.stderr).toBe(0);
    expect((await run(['config', 'plan', file, '--detailed-exitcode'])).exitCode).toBe(0);
  });

  it('R38: restore --batch asks on a terminal; ids need no confirmation', async () => {
    await run(['tickets', 'create', '--requester', 'ana@m.example', '--department', 'Suporte', '--subject', 's', '--message', 'm']);
    const rejected = await run(['drafts', 'reject', '1', '-o', 'json']);
    const batch = (JSON.parse(rejected.stdout) as { batch: string }).batch;
    expect(rejected.stderr).toBe('');
    const no = await run(['drafts', 'restore', '--batch', batch], { tty: true, confirm: false });
    expect(no.exitCode).toBe(1);
    expect((await run(['drafts', 'restore', '--batch', batch], { tty: true, confirm: true })).exitCode).toBe(0);
    await run(['drafts', 'reject', '1']);
    expect((await run(['drafts', 'restore', '1'])).exitCode).toBe(0);
    expect((await run(['drafts', 'restore', '1', '--batch', batch])).exitCode).toBe(2);
  });
});
