import type { Command } from 'commander';
import type { z } from 'zod';
import type { BatchReport } from '../client/helpdesk.js';
import { EXIT, invalid } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import type { Context } from '../context.js';
import type { Column } from '../output/render.js';

export { examples } from './help/examples.js';

/**
 * The one rule for things that exclude each other (gh's MutuallyExclusive): of the named
 * conditions, at most one may hold; two are a usage error naming both (exit 2), never "the last
 * one wins". Names are as the user typed them (`--category`, `draft ids`).
 */
export function excludeEachOther(conditions: [name: string, given: boolean][]): void {
  const given = conditions.filter(([, g]) => g).map(([n]) => n);
  if (given.length > 1) {
    const names = given.length === 2 ? `${given[0]} and ${given[1]}` : `${given.slice(0, -1).join(', ')} and ${given.at(-1)}`;
    throw invalid(`${names} exclude each other: give one`);
  }
}

/**
 * Flags of one group exclude each other (`--category C` / `--no-category` / `--all-categories`):
 * commander keeps only the last of a pair that sets the same value, so which flags were typed is
 * recorded as they are parsed and checked, by excludeEachOther, before the command runs.
 */
export function exclusiveFlags(cmd: Command, ...groups: string[][]): Command {
  EXCLUSIVE.set(cmd, [...(EXCLUSIVE.get(cmd) ?? []), ...groups]);
  const seen = new Set<string>();
  for (const flag of groups.flat()) {
    if (!cmd.options.some((o) => o.long === flag)) throw new Error(`exclusiveFlags: ${cmd.name()} has no option ${flag}`);
    cmd.on(`option:${flag.replace(/^--/, '')}`, () => seen.add(flag));
  }
  cmd.hook('preAction', () => {
    for (const group of groups) excludeEachOther(group.map((f) => [f, seen.has(f)]));
  });
  return cmd;
}

const EXCLUSIVE = new WeakMap<Command, string[][]>();

/** The groups of flags exclusiveFlags declared on a command (so a test can hold every command to them). */
export const exclusiveGroupsOf = (cmd: Command): string[][] => EXCLUSIVE.get(cmd) ?? [];

/**
 * The house style's action (gh's options + run, shadcn's zod options): commander's arguments, by
 * their names, and the command's options are parsed once by the command's `Options` zod schema
 * (parseInput: one line per field, exit 2) and the parsed options handed to `run`. `input` says
 * what is parsed when a command reads more than its own arguments and flags (`profile add` reads
 * the global --db, --api and --tenant). Flags that exclude each other are checked before (exclusiveFlags).
 *
 * The schema may come from a loader (`() => import('./options.js').then((m) => m.Options)`): a
 * noun whose other verbs need no zod (`approval show`, `rules list` read the local database
 * without it) keeps its schemas in a module of their own, loaded when the action runs.
 */
export function parsedAction<S extends z.ZodObject>(
  cmd: Command,
  Options: S | (() => Promise<S>),
  run: (options: z.output<S>) => unknown,
  input: (given: Record<string, unknown>, cmd: Command) => Record<string, unknown> = (given) => given,
): Command {
  OPTIONS.set(cmd, Options);
  return cmd.action(async (...args: unknown[]) => {
    const given = input(commandInput(cmd, args), cmd);
    const schema = typeof Options === 'function' ? await Options() : Options;
    await run(parseInput(schema, given));
  });
}

const OPTIONS = new WeakMap<Command, z.ZodObject | (() => Promise<z.ZodObject>)>();

/** The Options schema parsedAction wired to a command (so a test can hold every command to one). */
export async function optionsSchemaOf(cmd: Command): Promise<z.ZodObject | undefined> {
  const options = OPTIONS.get(cmd);
  return typeof options === 'function' ? options() : options;
}

/** The names an Options schema gets for a command's arguments: `<ids...>` is `ids`, `[dry-run]` would be `dryRun`. */
export const argumentKey = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** What commander gave an action: its arguments by name, and the command's options. */
function commandInput(cmd: Command, args: unknown[]): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  cmd.registeredArguments.forEach((a, i) => (given[argumentKey(a.name())] = args[i]));
  const opts = cmd.opts();
  for (const key of Object.keys(opts)) {
    if (key in given) throw new Error(`${cmd.name()}: the argument and the option ${key} share a name`);
  }
  return { ...given, ...opts };
}

/** For repeatable options (`--field a=1 --field b=2`). */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Ids from arguments, or from stdin when the only argument is `-` (one per line, or a JSON array of objects with an id). */
export async function readIds(ctx: Context, args: string[]): Promise<number[]> {
  const raw = await readRefs(ctx, args);
  const [{ z }, { Id }, { parseInput }] = await Promise.all([import('zod'), import('../core/schemas.js'), import('../core/validate.js')]);
  return parseInput(z.array(Id), raw, 'ids');
}

/** The arguments, or the lines (or JSON array items, or their `id`s) of stdin when the only argument is `-`. */
async function readRefs(ctx: Context, args: string[]): Promise<unknown[]> {
  let raw: unknown[] = args;
  if (args.length === 1 && args[0] === '-') {
    const text = (await ctx.readStdin()).trim();
    if (text.startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw invalid('stdin: not valid JSON (give one id per line, or a JSON array)');
      }
      raw = (Array.isArray(parsed) ? parsed : []).map((x) => (x && typeof x === 'object' && 'id' in x ? (x as { id: unknown }).id : x));
    } else {
      raw = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    }
    if (raw.length === 0) throw invalid('stdin: no ids were given');
  } else if (args.includes('-')) {
    throw invalid('"-" reads ids from stdin and stands alone');
  }
  return raw;
}

/**
 * Tickets from arguments (or `-` for stdin): ids or protocols, as `tickets show` takes them. Each
 * protocol is looked up to its id; one that does not exist stops the command before anything changes.
 */
export async function readTicketIds(ctx: Context, args: string[]): Promise<number[]> {
  const refs = await readRefs(ctx, args);
  const [{ z }, { TicketRef }, { parseInput }] = await Promise.all([import('zod'), import('../core/schemas.js'), import('../core/validate.js')]);
  const valid = parseInput(z.array(TicketRef), refs.map(String), 'ids');
  if (valid.every((r) => !r.includes('-'))) return valid.map(Number);
  const hd = await ctx.helpdesk();
  const ids: number[] = [];
  for (const ref of valid) ids.push(ref.includes('-') ? (await hd.getTicket(ref)).id : Number(ref));
  return ids;
}

/** One ticket by id or protocol (`tickets reply`, `rate`, `link-process`). */
export async function readTicketId(ctx: Context, ref: string): Promise<number> {
  if (ref === '-') throw invalid('id: give one ticket id or protocol (- reads a list only where a command takes several)');
  const [id] = await readTicketIds(ctx, [ref]);
  return id!;
}

/**
 * The exit code of a batch: 0 all done, 3 partly done; none done is 4 when every one was refused
 * as forbidden (`--as` a manager outside their organizations), 1 otherwise.
 */
export function batchExit(requested: number, failed: number, forbidden = 0): number {
  if (failed === 0) return EXIT.ok;
  if (failed !== requested) return EXIT.partial;
  return forbidden === failed ? EXIT.auth : EXIT.failed;
}

const isForbidden = (r: { ok: boolean; error?: { code: string } }) => !r.ok && (r.error?.code === 'forbidden' || r.error?.code === 'unauthenticated');

/** How many results of a batch were refused as forbidden (for batchExit). */
export const countForbidden = (results: { ok: boolean; error?: { code: string } }[]) => results.filter(isForbidden).length;

/** Prints a per-ticket batch result (solve, close, reopen ...) and sets the exit code. */
export async function printBatch(ctx: Context, report: BatchReport, verb: string, unchanged?: string): Promise<void> {
  ctx.exitCode = batchExit(report.requested, report.failed, countForbidden(report.results));
  if (ctx.out.format === 'json') return ctx.out.json(report);
  await ctx.out.list(report.results, [
    { header: 'id', value: (r) => r.id },
    { header: 'protocol', value: (r) => r.ticket?.protocol ?? '' },
    { header: 'result', value: (r) => (r.ok ? (r.changed === false ? (unchanged ?? `already ${r.ticket?.status}`) : verb) : `failed: ${r.error?.code}`) },
    { header: 'status', value: (r) => r.ticket?.status ?? '' },
    { header: 'detail', value: (r) => r.error?.message ?? '' },
  ]);
  if (report.requested === 1 && report.failed === 1 && ctx.out.format === 'table') {
    ctx.out.status(`error: ${report.results[0]!.error!.message}`);
  }
}

export const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** Columns shared by every command that shows tickets. */
export const TICKET_COLUMNS: Column<import('../core/schemas.js').Ticket>[] = [
  { header: 'id', value: (t) => t.id },
  { header: 'protocol', value: (t) => t.protocol },
  { header: 'status', value: (t) => t.status },
  { header: 'requester', value: (t) => t.requester },
  { header: 'organization', value: (t) => t.organization ?? '' },
  { header: 'department', value: (t) => t.department },
  { header: 'category', value: (t) => t.category ?? '' },
  { header: 'subject', value: (t) => t.subject },
  { header: 'due', value: (t) => t.dueAt },
];

export const DRAFT_COLUMNS: Column<import('../core/schemas.js').Draft>[] = [
  { header: 'id', value: (d) => d.id },
  { header: 'requester', value: (d) => d.requester },
  { header: 'organization', value: (d) => d.organization ?? '' },
  { header: 'department', value: (d) => d.department },
  { header: 'category', value: (d) => d.category ?? '' },
  { header: 'channel', value: (d) => d.channel },
  { header: 'subject', value: (d) => d.subject },
  { header: 'created', value: (d) => d.createdAt },
];

export const RULE_COLUMNS: Column<import('../core/schemas.js').Rule>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'department', value: (r) => r.department },
  { header: 'scope', value: (r) => r.scope },
  { header: 'category', value: (r) => (r.scope === 'category' ? r.category : r.scope === 'none' ? '(no category)' : '(all categories)') },
  { header: 'created', value: (r) => r.createdAt },
];

/** The bytes of a file a command reads, or of stdin for `-`; a file that cannot be read is invalid input, saying why (`what`: how the message names it). */
export async function readFileOrStdin(ctx: Context, file: string, what: (file: string) => string): Promise<Buffer> {
  if (file === '-') return ctx.readStdinBytes();
  try {
    return await (await import('node:fs/promises')).readFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw invalid(`${what(file)}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'a directory' : (err.code ?? err.message)}`);
  }
}
