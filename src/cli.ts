import { Command, CommanderError, Option } from 'commander';
import { DeskctlError, EXIT } from './core/errors.js';
import { editDistance } from './core/suggest.js';
import { groupExamples } from './commands/help/examples.js';
import { HELP_TOPICS } from './commands/help/names.js';
import { NOUNS } from './commands/index.js';
import { Context, type Io } from './context.js';
import { FORMATS, Output } from './output/render.js';
import { sourceMappedStack } from './output/stack.js';
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
  // SIGTERM asks for the same orderly stop: bulk work ends after its chunk, `serve` drains.
  process.on('SIGTERM', () => controller.abort());
  // `deskctl ... | head -1`: the reader went away. The work finishes; what is left to print is dropped quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  // stdin is opened only by the commands that read it (constructing it loads the stream stack).
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    signal: controller.signal,
  };
}

/** Global options that take a value, so the command word can be found without loading anything. */
const VALUE_OPTIONS = new Set(['-o', '--output', '--db', '--api', '--profile', '--tenant']);

export { HELP_TOPICS };

/** The words before any option that is not global: the command path, roughly. */
function words(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) out.push(a);
  }
  return out;
}

function commandWord(argv: string[]): string | undefined {
  const [first, second] = words(argv);
  return first === 'help' ? second : first;
}

/** `deskctl help <word>` where the word is neither a command nor a topic: a one-line error with the closest names. */
function unknownHelp(argv: string[]): string | undefined {
  const w = words(argv);
  if (w[0] !== 'help' || w.length < 2) return undefined;
  const names = [...NOUNS.filter((n) => !n.hidden).map((n) => n.name), ...HELP_TOPICS];
  if (names.includes(w[1]!)) return undefined;
  const close = names.filter((n) => editDistance(n, w[1]!) <= Math.max(1, Math.floor(n.length / 3)));
  return `error: no command or help topic '${w[1]}'${close.length ? ` (Did you mean ${close.join(', ')}?)` : ''}; topics: ${HELP_TOPICS.join(', ')}; commands: deskctl --help\n`;
}

function helpTopic(argv: string[]): (typeof HELP_TOPICS)[number] | undefined {
  const w = words(argv);
  return w[0] === 'help' && w.length === 2 && (HELP_TOPICS as readonly string[]).includes(w[1]!) ? (w[1] as (typeof HELP_TOPICS)[number]) : undefined;
}

export function buildProgram(ctx: Context): Command {
  const program = new Command('deskctl')
    .description('Administer and operate a helpdesk: approval rules, bulk draft decisions, tickets, audit.')
    .version(VERSION, '-V, --version', 'print the version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(FORMATS))
    .option('--db <file|url>', 'a SQLite file or a postgres:// URL (default: $DESKCTL_DB, the profile, or ~/.local/share/deskctl/helpdesk.db)')
    .option('--api <url>', 'a helpdesk HTTP API instead of a database (also $DESKCTL_API_URL; token from $DESKCTL_TOKEN or the profile)')
    .option('--profile <name>', 'use this saved profile (also $DESKCTL_PROFILE; see deskctl profile)')
    .option('--tenant <slug>', 'tenant to act on (default: $DESKCTL_TENANT, the profile, or "default")')
    .option('--no-color', 'no colour in output (also NO_COLOR=1 or TERM=dumb)')
    .helpCommand('help [command]', `help for a command, or a topic: ${HELP_TOPICS.join(', ')}`)
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // Help wraps to the terminal it is written to (80 columns when piped), not to the process's.
      getOutHelpWidth: () => (ctx.io.stdout.isTTY && ctx.io.stdout.columns) || 80,
      getErrHelpWidth: () => 80,
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
4 unauthenticated or forbidden, 5 backend unreachable, 130 interrupted.
More: deskctl help exit-codes, deskctl help environment, deskctl <command> --help.
Rule numbers (R7, R13 …) in help and messages: docs/rules.md in the deskctl package.`,
    );
  // The whole tree, for the completion scripts: handed over through the context, so that no command
  // module imports this one (no import cycle).
  ctx.wholeProgram ??= () => fullProgram(ctx);
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
    await ctx.prepareColor();
    const topic = helpTopic(argv);
    if (topic) {
      const { TOPICS } = await import('./commands/help/topics.js');
      ctx.io.stdout.write(TOPICS[topic]);
      return EXIT.ok;
    }
    const badHelp = unknownHelp(argv);
    if (badHelp) {
      ctx.io.stderr.write(badHelp);
      return EXIT.usage;
    }
    await addNouns(program, ctx, (name) => name === word);
    await program.parseAsync(argv, { from: 'user' });
    return ctx.signal?.aborted && !ctx.endsOnSignal ? EXIT.interrupted : ctx.exitCode;
  } catch (e) {
    return report(e, ctx, argv);
  } finally {
    await ctx.close();
  }
}

/** Registers every top-level command; only the modules `load` names are imported (the rest show their summary). */
async function addNouns(program: Command, ctx: Context, load: (name: string) => boolean): Promise<void> {
  for (const noun of NOUNS) {
    const cmd = program.command(noun.name, { hidden: Boolean(noun.hidden) }).description(noun.summary);
    if (!load(noun.name)) continue;
    (await noun.load()).register(cmd, ctx);
    markRequired(cmd);
    // A group's `help` explains its verbs; the help topics belong to the program's own `help`.
    if (cmd.commands.length) cmd.helpCommand('help [command]', 'display help for command');
    groupExamples(cmd);
  }
}

/** Help says which options a command cannot run without: "(required)" after their description. */
function markRequired(cmd: Command): void {
  for (const o of cmd.options) if (o.mandatory && !o.description.endsWith('(required)')) o.description = `${o.description} (required)`;
  for (const sub of cmd.commands) markRequired(sub);
}

/** The whole program tree with every command module loaded: for completions and for tests that walk every command. */
export async function fullProgram(ctx: Context): Promise<Command> {
  const program = buildProgram(ctx);
  await addNouns(program, ctx, () => true);
  return program;
}

/** `-o json`, `--output json`, `--output=json` or `-ojson` among the arguments (before commander has parsed them). */
function jsonAsked(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if ((a === '-o' || a === '--output') && argv[i + 1] === 'json') return true;
    if (a === '--output=json' || a === '-ojson') return true;
  }
  return false;
}

function report(e: unknown, ctx: Context, argv: string[] = []): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
    if (e.exitCode === 0) return EXIT.ok;
    // Commander has printed its one line; with -o json the contract's error document follows it.
    if (jsonAsked(argv)) {
      const message = e.message.trim().replace(/\s*\n\s*/g, ' ').replace(/^error: /, '');
      ctx.io.stderr.write(`${JSON.stringify({ error: { code: 'invalid_input', message } })}\n`);
    }
    return EXIT.usage;
  }
  let out: Output;
  try {
    out = ctx.out;
  } catch {
    out = new Output(ctx.io.stdout, ctx.io.stderr, { format: 'table', tty: false });
  }
  // An interrupted job ends with what it says about where it stopped, and exit 130.
  const interrupted = Boolean(ctx.signal?.aborted && !ctx.endsOnSignal);
  if (e instanceof DeskctlError) {
    out.error(e);
    return interrupted ? EXIT.interrupted : e.exitCode;
  }
  if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError')) {
    out.error(new DeskctlError('internal', 'interrupted'));
    return EXIT.interrupted;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  out.error(new DeskctlError('internal', `internal error: ${err.message} (set DESKCTL_DEBUG=1 for the stack)`));
  if (ctx.env.DESKCTL_DEBUG) ctx.io.stderr.write(`${sourceMappedStack(err.stack ?? err.message)}\n`);
  return EXIT.failed;
}
