import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { fullProgram } from '../../src/cli.js';
import { Context, type Io } from '../../src/context.js';
import { runDeskctl } from '../helpers/run.js';

/** RFC 4180 cells (quoted fields may hold the delimiter, quotes and line breaks). */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** OWASP: a cell a spreadsheet would run as a formula. */
const FORMULA = /^[=+\-@\t\r\n]/;

/**
 * CSV formula injection (OWASP: = + - @ tab CR LF) is neutralised in every CSV deskctl writes:
 * data whose every name, subject, reference and comment starts with a formula character goes
 * through every command with -o csv and through stats export to stdout and to a file; no cell of
 * any of them starts with one. A command added later without a row here fails the coverage test.
 */
describe('CSV formula injection is neutralised in every CSV', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-csv-'));
  const env = { DESKCTL_DB: join(dir, 'helpdesk.db'), DESKCTL_NOW: '2026-11-02T12:00:00.000Z', XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
  const run = (argv: string[], stdin?: string) => runDeskctl(argv, { env, stdin });
  const D = '=HYPERLINK("http://evil.example","x")';
  const C = '+SUM(1;2)';
  const O = '-2+3';
  const M = '@Matriz';

  beforeAll(async () => {
    const setup: [string[], string?][] = [
      [['tenants', 'create', 'evil', '--name', '=cmd|\' /C calc\'!A0']],
      [['departments', 'add', D]],
      [['categories', 'add', C, '--department', D]],
      [['orgs', 'add', M]],
      [['orgs', 'add', '--parent', M, '--', O]],
      [['customers', 'add', 'gerente@matriz.example', '--name', '@gerente', '--org', M, '--manager', '--phone', '+55 11 91234-5678']],
      [['customers', 'add', 'ana@norte.example', '--name', '=ana', '--org', O, '--phone=-55 11 91234-5678']],
      [['agents', 'add', 'agente@x.example', '--name=-agente', '--department', D]],
      [['rules', 'add', '--department', D, '--category', C]],
      [['approval', 'set', 'departments']],
      [['tickets', 'create', '--requester', 'ana@norte.example', '--department', D, '--category', C, '--subject', '=1+1', '--message', '@msg', '--field', 'k=\t=x']],
      [['tickets', 'create', '--requester', 'ana@norte.example', '--department', D, '--category', C, '--subject=-draft to reject', '--message', 'm']],
      [['tickets', 'create', '--requester', 'gerente@matriz.example', '--department', D, '--subject', '+ticket', '--message', '\r=x']],
      [['tickets', 'create', '--requester', 'ana@norte.example', '--department', D, '--channel', 'email', '--subject', '@mail', '--message', 'm']],
      [['settings', 'set', 'reopen.allowed', 'true']],
      [['drafts', 'approve', '1']],
      [['drafts', 'reject', '2', '--reason', '=reason']],
      [['tickets', 'solve', '1', '--message', '=done']],
      [['tickets', 'rate', '1', '5', '--comment', '\n=comment']],
      [['tickets', 'link-process', '2', '=PROC']],
      [['tickets', 'solve', '3']],
      [['tickets', 'rate', '3', '4', '--comment', '\t=comment']],
      [['tickets', 'close', '2']],
      [['tickets', 'rate', '2', '3', '--comment', '\r=comment']],
      [['tokens', 'create', '--name', '=token', '--role', 'admin']],
      [['profile', 'add', 'evil', '--db', join(dir, 'other.db'), '--tenant', 'evil']],
      [['config', 'export', '--out', join(dir, 'config.yaml')]],
    ];
    for (const [argv, stdin] of setup) {
      const r = await run(argv, stdin);
      expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });

  /** Every command that writes data, with -o csv (or its own CSV), and where the command reads from. */
  const COMMANDS: Record<string, string[][]> = {
    'tenants list': [['tenants', 'list']],
    'tenants create': [['tenants', 'create', 'evil2', '--name', '@x']],
    'tenants remove': [['tenants', 'remove', 'evil2', '--yes']],
    'settings show': [['settings', 'show']],
    'settings set': [['settings', 'set', 'timezone', 'UTC']],
    'approval show': [['approval', 'show']],
    'approval set': [['approval', 'set', 'departments']],
    'approval explain': [['approval', 'explain', '--requester', 'ana@norte.example', '--department', D, '--category', C]],
    'drafts restore': [['drafts', 'restore', '2']],
    'config plan': [['config', 'plan', join(dir, 'config.yaml')]],
    'rules list': [['rules', 'list']],
    'rules add': [['rules', 'add', '--department', D, '--no-category']],
    'rules remove': [['rules', 'remove', '--department', D, '--no-category']],
    'departments list': [['departments', 'list']],
    'departments add': [['departments', 'add', '=new']],
    'departments remove': [['departments', 'remove', '=new']],
    'categories list': [['categories', 'list']],
    'categories add': [['categories', 'add', '@cat', '--department', D]],
    'categories remove': [['categories', 'remove', '@cat', '--department', D]],
    'orgs list': [['orgs', 'list']],
    'orgs add': [['orgs', 'add', '+org', '--parent', M]],
    'orgs set': [['orgs', 'set', '+org', '--no-parent']],
    'orgs remove': [['orgs', 'remove', '+org']],
    'customers list': [['customers', 'list']],
    'customers add': [['customers', 'add', 'x@y.example', '--name', '=x', '--org', O]],
    'customers set': [['customers', 'set', 'x@y.example', '--name=-x']],
    'customers remove': [['customers', 'remove', 'x@y.example']],
    'agents list': [['agents', 'list']],
    'agents add': [['agents', 'add', 'b@x.example', '--name', '@b', '--department', D]],
    'agents set': [['agents', 'set', 'b@x.example', '--name=-b']],
    'agents remove': [['agents', 'remove', 'b@x.example']],
    'tickets create': [['tickets', 'create', '--requester', 'ana@norte.example', '--department', D, '--category', C, '--subject', '=s', '--message', 'm']],
    'tickets list': [['tickets', 'list'], ['tickets', 'list', '--as', 'gerente@matriz.example']],
    'tickets show': [['tickets', 'show', '1'], ['tickets', 'show', '2'], ['tickets', 'show', '3']],
    'tickets solve': [['tickets', 'solve', '2', '--message', '=ok']],
    'tickets close': [['tickets', 'close', '2']],
    'tickets assign': [['tickets', 'assign', '2', '--none']],
    'tickets reopen': [['tickets', 'reopen', '1', '--message', '@again']],
    'tickets reply': [['tickets', 'reply', '1', '--message=-answer']],
    'tickets link-process': [['tickets', 'link-process', '4', '@P']],
    'tickets rate': [['tickets', 'rate', '2', '4', '--comment', '=c']],
    'tickets participants list': [['tickets', 'participants', 'list', '3']],
    'tickets participants add': [['tickets', 'participants', 'add', '3', 'ana@norte.example']],
    'tickets participants remove': [['tickets', 'participants', 'remove', '3', 'ana@norte.example']],
    'topics list': [['topics', 'list']],
    'topics add': [['topics', 'add', '=topic', '--require-status-detail']],
    'topics remove': [['topics', 'remove', '=topic']],
    'drafts list': [['drafts', 'list'], ['drafts', 'list', '--as', 'ana@norte.example']],
    'drafts show': [['drafts', 'show', '5']],
    'drafts approve': [['drafts', 'approve', '--all', '--yes', '--dry-run'], ['drafts', 'approve', '5']],
    'drafts reject': [['drafts', 'reject', '999'], ['drafts', 'reject', '--all', '--yes', '--dry-run']],
    'notifications list': [['notifications', 'list']],
    'notifications push-secret': [['notifications', 'push-secret']],
    'notifications show': [['notifications', 'show', '1']],
    'notifications deliver': [['notifications', 'deliver', '--channel', 'push']],
    'notifications retry': [['notifications', 'retry', '1']],
    'templates set': [['templates', 'set', 'ticket_opened', '--locale', 'en', '--subject', '=cmd {{protocol}}', '--body-file', '-']],
    'templates show': [['templates', 'show', 'ticket_opened', '--locale', 'en']],
    'templates list': [['templates', 'list']],
    'templates reset': [['templates', 'reset', 'ticket_opened', '--locale', 'en']],
    'tokens create': [['tokens', 'create', '--name', '@t2', '--role', 'admin']],
    'tokens list': [['tokens', 'list']],
    'tokens revoke': [['tokens', 'revoke', '@t2']],
    audit: [['audit']],
    'audit list': [['audit', 'list']],
    seed: [['seed', '-']],
    'stats export': [
      ['stats', 'export', '--by', 'organization,department,category,requester,agent,status,channel,day'],
      ['stats', 'export', '--by', 'department', '--delimiter', ';', '--bom'],
      ['stats', 'export', '--by', 'requester', '--delimiter', 'tab'],
    ],
    'stats approvals': [['stats', 'approvals', '--by', 'org'], ['stats', 'approvals', '--by', 'department']],
    'stats summary': [['stats', 'summary']],
    'whatsapp connect': [['whatsapp', 'connect', '--phone-number-id', '106540352242922', '--display-number', '+55 11 3000-0000', '--secrets-stdin']],
    'whatsapp show': [['whatsapp', 'show']],
    'whatsapp disconnect': [['whatsapp', 'disconnect', '--yes']],
    'profile list': [['profile', 'list']],
    'profile show': [['profile', 'show', 'evil'], ['profile', 'show']],
    'profile add': [['profile', 'add', 'other', '--db', join(dir, 'x.db'), '--tenant', 'evil']],
    'profile use': [['profile', 'use', 'other']],
    'profile set-smtp': [['profile', 'set-smtp', 'evil', '--clear']],
    'profile remove': [['profile', 'remove', 'other']],
    'whatsapp receive': [['whatsapp', 'receive', '--from', '+55 21 90000-0001', '--text', '=cmd', '--name', '@evil']],
    'conversations list': [['conversations', 'list']],
    'conversations show': [['conversations', 'show', '1']],
    'conversations assign': [['conversations', 'assign', '1', '--agent', 'agente@x.example']],
    'conversations unassign': [['conversations', 'unassign', '1']],
    'conversations close': [['conversations', 'close', '1']],
  };
  /** Commands that write no CSV at all, and why. */
  const NO_CSV: Record<string, string> = {
    demo: 'prints a guide for people',
    'rules edit': 'only explains that rules are never edited (exit 2)',
    serve: 'serves the API',
    generate: 'fills an empty tenant only (its counts are numbers)',
    completion: 'prints a shell script',
    __complete: 'prints names for the shell, one a line',
    'config export': 'writes the fixture format (YAML, or JSON with -o json)',
    'config apply': 'prints the plan it applies (config plan -o csv is its CSV) and a status line',
  };

  it('every command of the program is covered here, or listed as writing no CSV', async () => {
    const io: Io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {} } as unknown as Io;
    const program = await fullProgram(new Context(io));
    const walk = (c: Command, pre: string[]): string[] => (c.commands.length ? c.commands.flatMap((x) => walk(x, [...pre, x.name()])) : [pre.join(' ')]);
    const leaves = walk(program, []).filter((n) => n !== 'help');
    expect(leaves.filter((n) => !(n in COMMANDS) && !(n in NO_CSV))).toEqual([]);
  });

  const seen = new Set<string>();
  const entries = Object.entries(COMMANDS).flatMap(([name, argvs]) => argvs.map((argv) => [name, argv] as const));

  it.each(entries)('%s -o csv: no cell starts with = + - @ tab CR or LF', async (name, argv) => {
    const stdin =
      argv[0] === 'seed'
        ? JSON.stringify({ departments: [{ name: D, categories: [C] }] })
        : argv[0] === 'whatsapp' && argv[1] === 'connect'
          ? JSON.stringify({ appSecret: '=secret', accessToken: '+token', verifyToken: '@verify' })
          : argv[0] === 'templates' && argv[1] === 'set'
            ? '@{{requester}}: {{protocol}}\n-{{subject}}'
            : undefined;
    const r = await run([...argv, '-o', 'csv'], stdin);
    expect([0, 1, 3], r.stderr).toContain(r.exitCode);
    const delimiter = argv.includes('tab') ? '\t' : argv.includes(';') ? ';' : ',';
    const cells = parseCsv(r.stdout.replace(/^\uFEFF/, ''), delimiter).flat();
    // What reads prints CSV; a change may print only a status line (stderr), which is no CSV to check.
    if (r.exitCode === 0 && /list|show|audit|stats|seed|approve|reject|tickets/.test(name)) expect(cells.length, `${argv.join(' ')} printed no CSV`).toBeGreaterThan(0);
    for (const cell of cells) {
      expect(cell, `${argv.join(' ')}: ${JSON.stringify(cell)}`).not.toMatch(FORMULA);
      if (/^'[=+\-@\t\r\n]/.test(cell)) seen.add(cell[1]!);
    }
  });

  it('stats export --out writes a neutralised file too', async () => {
    const out = join(dir, 'stats.csv');
    const r = await run(['stats', 'export', '--by', 'department,category,requester', '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(0);
    for (const cell of parseCsv(readFileSync(out, 'utf8')).flat()) expect(cell).not.toMatch(FORMULA);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('the data really carried every kind of formula start (so the checks above were not vacuous)', () => {
    expect([...seen].sort()).toEqual(['\t', '\n', '\r', '+', '-', '=', '@'].sort());
  });

  it('every CSV writer in src goes through neutraliseCell', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(new URL('../../src', import.meta.url).pathname);
    const writers = files.filter((f) => /from 'csv-stringify/.test(readFileSync(f, 'utf8')));
    expect(writers.length).toBeGreaterThan(0);
    for (const f of writers) expect(readFileSync(f, 'utf8'), f).toMatch(/neutraliseCell\(/);
  });
});
