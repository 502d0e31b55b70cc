import { existsSync, writeFileSync } from 'node:fs';
import { openDatabase } from '../../src/store/sqlite.js';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deskctl, tempHome } from '../helpers/bin.js';
import { fingerprint } from '../helpers/db.js';

/** Bad flags and values: exit 2, one clear line on stderr naming what is wrong, nothing written. */
describe('e2e: bad input exits 2 with one line and writes nothing', () => {
  const home = tempHome();
  const env = { ...home.env, DESKCTL_DB: home.db };
  const run = (args: string[], input?: string) => deskctl(args, { env, input });

  beforeAll(async () => {
    for (const args of [
      ['departments', 'add', 'Suporte'],
      ['categories', 'add', 'Acesso', '--department', 'Suporte'],
      ['orgs', 'add', 'Matriz'],
      ['customers', 'add', 'gerente@matriz.example', '--name', 'G', '--org', 'Matriz', '--manager'],
      ['customers', 'add', 'ana@matriz.example', '--name', 'Ana', '--org', 'Matriz'],
      ['approval', 'set', 'all-departments'],
      ['tickets', 'create', '--requester', 'ana@matriz.example', '--department', 'Suporte', '--subject', 's', '--message', 'm'],
      ['tickets', 'create', '--requester', 'gerente@matriz.example', '--department', 'Suporte', '--subject', 's', '--message', 'm'],
    ]) {
      const r = await run(args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });

  const cases: [string, string[], RegExp, string?][] = [
    ['bulk by filter off a terminal without --yes', ['drafts', 'approve', '--all'], /without --yes/],
    ['a decision with nothing selected', ['drafts', 'reject'], /give draft ids/],
    ['ids and --all together', ['drafts', 'approve', '1', '--all', '--yes'], /draft ids and --all exclude each other/],
    ['filters without --all', ['drafts', 'approve', '1', '--org', 'Matriz'], /only with --all/],
    ['a draft id that is not a number', ['drafts', 'approve', 'abc'], /ids\[0\]: an id is a positive whole number/],
    ['ids on stdin that are not numbers', ['drafts', 'approve', '-'], /ids\[1\]/, '1\nx\n'],
    ['an empty stdin', ['drafts', 'approve', '-'], /no ids/, ''],
    ['a malformed age', ['drafts', 'approve', '--all', '--older-than', '3w', '--yes'], /older-than: expected a duration/],
    ['an unknown channel filter', ['drafts', 'reject', '--all', '--channel', 'fax', '--yes'], /fax.*invalid|invalid.*fax/i],
    ['--include-children without --org', ['drafts', 'list', '--include-children'], /needs --org/],
    ['a zero limit', ['drafts', 'list', '--limit', '0'], /limit: must be a positive whole number/],
    ['an invalid requester e-mail', ['tickets', 'create', '--requester', 'not-an-email', '--department', 'Suporte', '--subject', 's', '--message', 'm'], /requester: invalid e-mail/],
    ['an e-mail request with a category (R9)', ['tickets', 'create', '--requester', 'ana@matriz.example', '--department', 'Suporte', '--category', 'Acesso', '--channel', 'email', '--subject', 's', '--message', 'm'], /R9/],
    ['a missing required option', ['tickets', 'create', '--requester', 'ana@matriz.example'], /required option/],
    ['an empty subject', ['tickets', 'create', '--requester', 'ana@matriz.example', '--department', 'Suporte', '--subject', ' ', '--message', 'm'], /subject: must not be empty/],
    ['a field without =', ['tickets', 'create', '--requester', 'ana@matriz.example', '--department', 'Suporte', '--subject', 's', '--message', 'm', '--field', 'x'], /--field "x"/],
    ['an attachment that does not exist', ['tickets', 'create', '--requester', 'ana@matriz.example', '--department', 'Suporte', '--subject', 's', '--message', 'm', '--attach', '/nonexistent/file.pdf'], /--attach/],
    ['a rule without a scope', ['rules', 'add', '--department', 'Suporte'], /exactly one of/],
    ['a rule with two scopes', ['rules', 'add', '--department', 'Suporte', '--category', 'Acesso', '--all-categories'], /--category and --all-categories exclude each other/],
    ['rules edit', ['rules', 'edit', '1'], /cannot be edited/],
    ['an unknown approval mode', ['approval', 'set', 'sometimes'], /sometimes/],
    ['an unknown setting', ['settings', 'set', 'nope', '1'], /unknown setting "nope"/],
    ['a bad setting value', ['settings', 'set', 'response.forecastHours', '-3'], /response\.forecastHours: must be more than 0/],
    ['an unknown time zone', ['settings', 'set', 'timezone', 'Mars/Base'], /timezone: not a known IANA time zone/],
    ['a rating out of range', ['tickets', 'rate', '1', '6'], /rating: a rating is from 1 to 5/],
    ['reopen without a message', ['tickets', 'reopen', '1'], /required option/],
    ['an unknown output format', ['-o', 'yaml', 'approval', 'show'], /yaml/],
    ['an unknown flag', ['approval', 'show', '--bogus'], /unknown option '--bogus'/],
    ['an unknown command', ['draftz', 'list'], /unknown command 'draftz'/],
    ['a misspelt subcommand', ['drafts', 'lsit'], /Did you mean list/],
    ['a tenant slug with spaces', ['tenants', 'create', 'Bad Slug'], /slug: a slug is/],
    ['a customer without a name', ['customers', 'add', 'x@y.example'], /required option '--name/],
    ['a manager without an organization', ['customers', 'add', 'x@y.example', '--name', 'X', '--manager'], /give --org/],
    ['an audit date that is not a date', ['audit', '--since', 'yesterday'], /since: expected a date/],
    ['--active with --inactive', ['customers', 'set', 'ana@matriz.example', '--active', '--inactive'], /exclude each other/],
  ];

  it.each(cases)('%s', async (_name, args, message, input) => {
    const before = fingerprint(home.db);
    const r = await run(args, input);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(message);
    expect(fingerprint(home.db)).toBe(before);
  });

  it('with -o json the error is also a JSON document on stderr', async () => {
    const r = await run(['settings', 'set', 'timezone', 'Mars/Base', '-o', 'json']);
    expect(r.exitCode).toBe(2);
    const [line, doc] = r.stderr.split('\n');
    expect(line).toMatch(/^error: timezone/);
    expect(JSON.parse(doc!)).toEqual({ error: { code: 'invalid_input', message: expect.stringMatching(/^timezone: /) } });
  });
});

describe('e2e: a --db that can never be a database', () => {
  const home = tempHome();
  it.each([
    ['a folder /proc will not create', '/proc/deskctl-nope/h.db'],
    ['/dev/null', '/dev/null'],
    ['a file that is not a database', 'not-a-database'],
    ['a name too long for the file system', `${'x'.repeat(300)}/h.db`],
    ['a folder', '.'],
  ])('--db naming %s: exit 5 with one line "cannot open/prepare database", quickly, never a hang or a crash', async (_, path) => {
    writeFileSync(join(home.dir, 'not-a-database'), 'hello\n');
    const r = await deskctl(['--db', path.startsWith('/') ? path : join(home.dir, path), 'tenants', 'list'], { env: home.env, timeout: 15_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/^error: cannot (open|prepare) database .*\n$/);
  });
});

describe('e2e: a --db whose folder does not exist (issue 12, defect 8)', () => {
  const home = tempHome();
  it.each(['--db', 'DESKCTL_DB'])('defect 8: %s naming a file in a missing folder is an error naming the folder, and no folder is made', async (how) => {
    const path = join(home.dir, 'nonexistent', 'dir', 'h.db');
    const args = how === '--db' ? ['--db', path, 'tenants', 'list'] : ['tenants', 'list'];
    const r = await deskctl(args, { env: how === '--db' ? home.env : { ...home.env, DESKCTL_DB: path } });
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toBe(
      `error: cannot open database ${path} (from ${how}): the folder ${join(home.dir, 'nonexistent', 'dir')} does not exist; create it first (deskctl creates only the default location's folders)\n`,
    );
    expect(existsSync(join(home.dir, 'nonexistent'))).toBe(false);
  });

  it('defect 8: the default location is still created, folders and all', async () => {
    const r = await deskctl(['tenants', 'list'], { env: home.env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(home.env.XDG_DATA_HOME!, 'deskctl', 'helpdesk.db'))).toBe(true);
  });
});

describe('e2e: an internal error', () => {
  it('is one line naming DESKCTL_DEBUG; with it, the stack names places in the TypeScript sources, not the built bundle', async () => {
    const home = tempHome();
    const env = { ...home.env, DESKCTL_DB: home.db };
    expect((await deskctl(['departments', 'add', 'Suporte'], { env })).exitCode).toBe(0);
    // A database damaged behind deskctl's back: the audit table is gone, so a write fails inside.
    const db = openDatabase(home.db);
    db.exec('DROP TABLE audit');
    db.close();
    const plain = await deskctl(['departments', 'add', 'Financeiro'], { env });
    expect(plain.exitCode).toBe(1);
    expect(plain.stderr).toBe('error: internal error: no such table: audit (set DESKCTL_DEBUG=1 for the stack)\n');
    const debug = await deskctl(['departments', 'add', 'Financeiro'], { env: { ...env, DESKCTL_DEBUG: '1' } });
    expect(debug.exitCode).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at audit \(\/.*\/src\/engine\/context\.ts:\d+:\d+\)\n/);
    expect(debug.stderr).not.toMatch(/dist\/cli\.cjs:/);
  });
});
