import { Command, CommanderError, Option } from 'commander';
import { DeskctlError, EXIT } from './core/errors.js';
import { NOUNS } from './commands/index.js';
import { Context, type Io } from './context.js';
import { FORMATS, Output } from './output/render.js';
import { VERSION } from './version.js';

export type { Io };

/** The process's own streams and Ctrl-C: the first interrupt stops bulk work after its chunk, the second ends the process. */
export function processIo(): Io {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    controller.abort();
  });
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: controller.signal };
}

/** Global options that take a value, so the command word can be found without loading anything. */
const VALUE_OPTIONS = new Set(['-o', '--output', '--db', '--tenant']);

function commandWord(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return a === 'help' ? argv[i + 1] : a;
  }
  return undefined;
}

export function buildProgram(ctx: Context): Command {
  const program = new Command('deskctl')
    .description('Administer and operate a helpdesk: approval rules, bulk draft decisions, tickets, audit.')
    .version(VERSION, '-V, --version', 'print the version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(FORMATS))
    .option('--db <file>', 'local SQLite database (default: $DESKCTL_DB or ~/.local/share/deskctl/helpdesk.db)')
    .option('--tenant <slug>', 'tenant to act on (default: $DESKCTL_TENANT or "default")')
    .option('--no-color', 'no colour in output (also NO_COLOR=1 or TERM=dumb)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // The contract: an error is one line (commander puts its suggestion on a second one).
      outputError: (s, write) => write(`${s.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ deskctl demo                                  # a sample tenant with pending drafts
  $ deskctl approval set departments
  $ deskctl rules add --department Suporte --category Acesso
  $ deskctl drafts list --org Matriz --include-children -o json
  $ deskctl drafts approve --all --department Suporte --older-than 7d --yes

Exit codes: 0 ok, 1 refused or failed, 2 usage or invalid input, 3 bulk partly failed,
4 unauthenticated or forbidden, 5 backend unreachable, 130 interrupted.`,
    );
  program.hook('preAction', (_root, action) => {
    ctx.globals = action.optsWithGlobals();
    void ctx.format; // validates --output before any work
  });
  return program;
}

/** Runs deskctl with these arguments and returns the exit code; nothing below here exits the process. */
export async function main(argv: string[], io?: Io): Promise<number> {
  const ctx = new Context(io ?? processIo());
  const program = buildProgram(ctx);
  const word = commandWord(argv);
  try {
    for (const noun of NOUNS) {
      const cmd = program.command(noun.name).description(noun.summary);
      if (noun.name === word) (await noun.load()).register(cmd, ctx);
    }
    await program.parseAsync(argv, { from: 'user' });
    return ctx.signal?.aborted ? EXIT.interrupted : ctx.exitCode;
  } catch (e) {
    return report(e, ctx);
  } finally {
    await ctx.close();
  }
}

function report(e: unknown, ctx: Context): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  let out: Output;
  try {
    out = ctx.out;
  } catch {
    out = new Output(ctx.io.stdout, ctx.io.stderr, { format: 'table', tty: false, color: false });
  }
  if (e instanceof DeskctlError) {
    out.error(e);
    return e.exitCode;
  }
  if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError')) {
    out.error(new DeskctlError('internal', 'interrupted'));
    return EXIT.interrupted;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  out.error(new DeskctlError('internal', `internal error: ${err.message} (set DESKCTL_DEBUG=1 for the stack)`));
  if (ctx.env.DESKCTL_DEBUG) ctx.io.stderr.write(`${err.stack}\n`);
  return EXIT.failed;
}
