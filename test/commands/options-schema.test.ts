import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { fullProgram } from '../../src/cli.js';
import * as completion from '../../src/commands/completion/index.js';
import { SCRIPT_FILES } from '../../src/commands/completion/scripts.js';
import { argumentKey, optionsSchemaOf } from '../../src/commands/shared.js';
import { Context } from '../../src/context.js';
import { runDeskctl } from '../helpers/run.js';

/**
 * Commands that take nothing (no argument, no option of their own), and so have nothing to parse.
 * `rules edit` takes anything only to refuse it (R6: rules are never edited).
 */
const TAKES_NOTHING = [
  'agents list',
  'approval show',
  'departments list',
  'orgs list',
  'profile list',
  'rules list',
  'settings show',
  'stats summary',
  'tenants list',
  'tokens list',
  'whatsapp show',
  'topics list',
  'templates list',
];
const REFUSES_EVERYTHING = ['rules edit'];
/** Global options a command may read besides its own (profile add saves --db, --api and --tenant). */
const GLOBALS = ['output', 'db', 'api', 'profile', 'tenant', 'color'];

interface Leaf {
  path: string;
  cmd: Command;
}

async function commandsWithAnAction(): Promise<Leaf[]> {
  const program = await fullProgram(new Context({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {} }));
  const leaves: Leaf[] = [];
  const walk = (cmd: Command, path: string[]) => {
    // commander keeps the action it was given here; a group (a noun with verbs) has none.
    if ((cmd as unknown as { _actionHandler: unknown })._actionHandler) leaves.push({ path: path.join(' '), cmd });
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  for (const noun of program.commands) walk(noun, [noun.name()]);
  return leaves;
}

/** What commander hands an action: the arguments by name and the options by their attribute names. */
const given = (cmd: Command) => [...cmd.registeredArguments.map((a) => argumentKey(a.name())), ...cmd.options.map((o) => o.attributeName())];

describe("house style, a command file: each command's options are parsed by one zod schema (Options) and handed to run(ctx, options)", () => {
  it('every command with arguments or options parses them through an Options schema (parsedAction); the rest are listed as taking nothing', async () => {
    const leaves = await commandsWithAnAction();
    expect(leaves.length).toBeGreaterThan(40);
    const unparsed: string[] = [];
    for (const l of leaves) if (!(await optionsSchemaOf(l.cmd)) && !TAKES_NOTHING.includes(l.path) && !REFUSES_EVERYTHING.includes(l.path)) unparsed.push(l.path);
    expect(unparsed, 'these commands read their flags by hand: give them an Options zod schema wired with parsedAction').toEqual([]);
  });

  it('the commands listed as taking nothing take nothing, and have no schema to forget', async () => {
    const leaves = await commandsWithAnAction();
    for (const path of TAKES_NOTHING) {
      const leaf = leaves.find((l) => l.path === path);
      expect(leaf, `${path} is not a command`).toBeDefined();
      expect(given(leaf!.cmd), `${path} takes arguments or options: give it an Options schema`).toEqual([]);
    }
  });

  it("each Options schema names every argument and flag of its command, by commander's names (none is dropped unparsed)", async () => {
    const problems: string[] = [];
    for (const { path, cmd } of await commandsWithAnAction()) {
      const schema = await optionsSchemaOf(cmd);
      if (!schema) continue;
      const keys = Object.keys(schema.shape);
      const names = given(cmd);
      for (const n of names) if (!keys.includes(n)) problems.push(`${path}: ${n} is not in its Options schema`);
      for (const k of keys) if (!names.includes(k) && !GLOBALS.includes(k)) problems.push(`${path}: its Options schema has ${k}, which the command does not take`);
    }
    expect(problems).toEqual([]);
  });

  it('run(ctx, options) is called without commander: the parsed options are all it needs', async () => {
    let stdout = '';
    const ctx = new Context({ stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: () => true }, stdin: process.stdin, env: {} });
    ctx.wholeProgram = () => fullProgram(ctx);
    await completion.run(ctx, completion.Options.parse({ shell: 'fish' }));
    expect(stdout).toBe(readFileSync(new URL(`../../completions/${SCRIPT_FILES.fish}`, import.meta.url), 'utf8'));
    expect(completion.Options.safeParse({ shell: 'powershell' }).success).toBe(false);
  });

  it('flags an Options schema refuses are exit 2, one part per field, before any database is opened', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'deskctl-options-')), 'never.db');
    const r = await runDeskctl(['notifications', 'list', '--limit', '0', '--to', 'nope'], { env: { DESKCTL_DB: db } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('error: to: expected an e-mail address or a phone number; limit: must be a positive whole number\n');
    const rate = await runDeskctl(['tickets', 'rate', '1', '9'], { env: { DESKCTL_DB: db } });
    expect(rate.exitCode).toBe(2);
    expect(rate.stderr).toBe('error: rating: a rating is from 1 to 5\n');
    expect(existsSync(db)).toBe(false);
  });
});
