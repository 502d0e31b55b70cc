import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { fullProgram } from '../../src/cli.js';
import { Context } from '../../src/context.js';
import { runDeskctl } from '../helpers/run.js';

/** Every visible command path of the whole tree, every command module loaded (including ones added later). */
async function commandPaths(): Promise<string[][]> {
  const ctx = new Context({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {} });
  const program = await fullProgram(ctx);
  const help = program.createHelp();
  const paths: string[][] = [];
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of help.visibleCommands(cmd)) {
      if (sub.name() === 'help') continue;
      paths.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(program, []);
  return paths;
}

describe('help that teaches', () => {
  it('every command has a description and at least one example in --help', async () => {
    const paths = await commandPaths();
    expect(paths.length).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const path of paths) {
      const r = await runDeskctl([...path, '--help']);
      expect(r.exitCode, path.join(' ')).toBe(0);
      const [, description] = r.stdout.split('\n\n');
      if (!description?.trim()) missing.push(`${path.join(' ')}: no description`);
      if (!/\nExamples:\n {2}\$ .*deskctl/.test(r.stdout)) missing.push(`${path.join(' ')}: no example (add one with examples() from src/commands/shared.ts)`);
    }
    expect(missing).toEqual([]);
  });

  it('deskctl help exit-codes', async () => {
    const r = await runDeskctl(['help', 'exit-codes']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatchInlineSnapshot(`
      "Exit codes

        0    ok
        1    the operation was refused or failed: not found, conflict, a rule said no
        2    usage error or invalid input; nothing was written
        3    a bulk operation partly failed (some ids succeeded, some did not)
        4    unauthenticated or forbidden (no or a bad API token; --as a manager outside their organizations)
        5    the backend could not be reached or stayed busy (the database cannot be opened or another
             writer held it past the 15 s wait; the API does not answer)
        130  interrupted (Ctrl-C): bulk work stops after the chunk in progress, which commits whole

      An error is one line on stderr, "error: <message>"; with -o json it is followed by
      {"error":{"code":"...","message":"..."}} on stderr. The codes and their exit codes:
        invalid_input 2, not_found 1, conflict 1, precondition_failed 1,
        forbidden 4, unauthenticated 4, unavailable 5, internal 1

      Examples:
        $ deskctl drafts approve 17 18 || echo "exit $?"
        $ deskctl drafts approve --all --yes -o json > result.json; echo "exit $?"   # 3: only some were approved
      "
    `);
  });

  it('the exit-codes topic lists every error code with the exit code main() uses', async () => {
    const { ERROR_EXIT_CODES } = await import('../../src/core/errors.js');
    const { stdout } = await runDeskctl(['help', 'exit-codes']);
    for (const [code, exit] of Object.entries(ERROR_EXIT_CODES)) expect(stdout).toContain(`${code} ${exit}`);
  });

  it('deskctl help environment names every DESKCTL_* variable the code reads', async () => {
    const r = await runDeskctl(['help', 'environment']);
    expect(r.exitCode).toBe(0);
    const src = fileURLToPath(new URL('../../src/', import.meta.url));
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    const used = new Set(files(src).flatMap((f) => readFileSync(f, 'utf8').match(/DESKCTL_[A-Z_]+[A-Z]/g) ?? []));
    for (const name of [...used, 'NO_COLOR', 'TERM=dumb', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME']) expect(r.stdout, name).toContain(name);
    expect(r.stdout).toContain('flags beat environment variables, which beat the profile, which beats the default');
  });

  it('help for a command, inline', async () => {
    const r = await runDeskctl(['approval', 'set', '--help']);
    expect(r.stdout).toMatchInlineSnapshot(`
      "Usage: deskctl approval set [options] <mode>

      Set the approval mode; pending drafts stay pending whatever the mode (R14)

      Arguments:
        mode                   disabled (default) | all-departments | departments
                               (only the rules apply) (choices: "disabled",
                               "all-departments", "departments")

      Options:
        -h, --help             display help for command

      Global Options:
        -V, --version          print the version
        -o, --output <format>  output format (choices: "table", "json", "csv")
        --db <file|url>        a SQLite file or a postgres:// URL (default:
                               $DESKCTL_DB, the profile, or
                               ~/.local/share/deskctl/helpdesk.db)
        --api <url>            a helpdesk HTTP API instead of a database (also
                               $DESKCTL_API_URL; token from $DESKCTL_TOKEN or the
                               profile)
        --profile <name>       use this saved profile (also $DESKCTL_PROFILE; see
                               deskctl profile)
        --tenant <slug>        tenant to act on (default: $DESKCTL_TENANT, the
                               profile, or "default")
        --no-color             no colour in output (also NO_COLOR=1 or TERM=dumb)

      Examples:
        $ deskctl approval set all-departments
        $ deskctl approval set departments && deskctl rules add --department Suporte --no-category

      "
    `);
  });

  it('help for profile add and completion, inline', async () => {
    expect((await runDeskctl(['profile', 'add', '--help'])).stdout).toMatchInlineSnapshot(`
      "Usage: deskctl profile add <name> (--db FILE | --api URL [--token-stdin]) [--tenant SLUG] [--force]

      Save a target under a name: a local database (--db) or an API (--api), with an
      optional --tenant

      Arguments:
        name                   the profile name (letters, digits, . _ -)

      Options:
        --token-stdin          read the API token from stdin (a terminal asks for it,
                               hidden); stored in plain text, mode 0600
        --force                replace a profile of that name
        -h, --help             display help for command

      Global Options:
        -V, --version          print the version
        -o, --output <format>  output format (choices: "table", "json", "csv")
        --db <file|url>        a SQLite file or a postgres:// URL (default:
                               $DESKCTL_DB, the profile, or
                               ~/.local/share/deskctl/helpdesk.db)
        --api <url>            a helpdesk HTTP API instead of a database (also
                               $DESKCTL_API_URL; token from $DESKCTL_TOKEN or the
                               profile)
        --profile <name>       use this saved profile (also $DESKCTL_PROFILE; see
                               deskctl profile)
        --tenant <slug>        tenant to act on (default: $DESKCTL_TENANT, the
                               profile, or "default")
        --no-color             no colour in output (also NO_COLOR=1 or TERM=dumb)

      Examples:
        $ deskctl profile add local --db ~/helpdesk.db --tenant acme
        $ deskctl profile add staging --api https://staging.example.com --token-stdin < token.txt
        $ pass show helpdesk/ci | deskctl profile add ci --api https://helpdesk.example.com --tenant acme --token-stdin

      "
    `);
    expect((await runDeskctl(['help', 'completion'])).stdout).toMatchInlineSnapshot(`
      "Usage: deskctl completion [options] <shell>

      Print the completion script for bash, zsh or fish: commands, options, fixed
      values, and names from the current target

      Arguments:
        shell                  the shell (choices: "bash", "zsh", "fish")

      Options:
        -h, --help             display help for command

      Global Options:
        -V, --version          print the version
        -o, --output <format>  output format (choices: "table", "json", "csv")
        --db <file|url>        a SQLite file or a postgres:// URL (default:
                               $DESKCTL_DB, the profile, or
                               ~/.local/share/deskctl/helpdesk.db)
        --api <url>            a helpdesk HTTP API instead of a database (also
                               $DESKCTL_API_URL; token from $DESKCTL_TOKEN or the
                               profile)
        --profile <name>       use this saved profile (also $DESKCTL_PROFILE; see
                               deskctl profile)
        --tenant <slug>        tenant to act on (default: $DESKCTL_TENANT, the
                               profile, or "default")
        --no-color             no colour in output (also NO_COLOR=1 or TERM=dumb)

      Examples:
        $ source <(deskctl completion bash)                                   # bash, this shell (add it to ~/.bashrc)
        $ deskctl completion bash > ~/.local/share/bash-completion/completions/deskctl
        $ deskctl completion zsh > ~/.zfunc/_deskctl                          # with fpath=(~/.zfunc $fpath) before compinit
        $ deskctl completion fish > ~/.config/fish/completions/deskctl.fish

      "
    `);
  });

  it('unknown commands, verbs, options and topics: one line naming the closest one, exit 2', async () => {
    const cases: [string[], string][] = [
      [['draft', 'list'], "error: unknown command 'draft' (Did you mean drafts?)\n"],
      [['drafts', 'lst'], "error: unknown command 'lst' (Did you mean list?)\n"],
      [['drafts', 'list', '--departmen', 'x'], "error: unknown option '--departmen' (Did you mean --department?)\n"],
      [['profile', 'ad', 'x'], "error: unknown command 'ad' (Did you mean add?)\n"],
      [['help', 'exit-code'], "error: no command or help topic 'exit-code' (Did you mean exit-codes?); topics: exit-codes, environment; commands: deskctl --help\n"],
      [['help', 'nonsense'], "error: no command or help topic 'nonsense'; topics: exit-codes, environment; commands: deskctl --help\n"],
    ];
    for (const [argv, stderr] of cases) {
      const r = await runDeskctl(argv);
      expect({ argv, exitCode: r.exitCode, stderr: r.stderr, stdout: r.stdout }).toEqual({ argv, exitCode: 2, stderr, stdout: '' });
    }
  });

  it('deskctl help <command> is that command\'s --help, and groups list their verbs\' examples', async () => {
    const viaHelp = await runDeskctl(['help', 'drafts']);
    const viaFlag = await runDeskctl(['drafts', '--help']);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaFlag.stdout).toContain('  $ deskctl drafts list\n');
    expect(viaFlag.stdout).toContain('help [command]              display help for command');
  });
});
