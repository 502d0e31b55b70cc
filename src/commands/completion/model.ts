import type { Argument, Command, Option } from 'commander';
import { TEMPLATE_KINDS } from '../../core/model.js';
import { SETTING_KEYS } from '../../core/schemas.js';
import { STAT_DIMENSIONS, STAT_METRICS } from '../../core/stats.js';

/** Values `deskctl __complete <kind>` can list from the current target. */
export const DYNAMIC_KINDS = ['profiles', 'tenants', 'departments', 'categories', 'orgs', 'customers', 'agents', 'topics'] as const;
export type DynamicKind = (typeof DYNAMIC_KINDS)[number];

/** How to complete a value: fixed choices, a comma list of them, names from the current target, or file names. */
export type ValueHint = { choices: string[] } | { list: string[] } | { dynamic: DynamicKind } | { files: true } | { free: true };

export interface OptionSpec {
  names: string[];
  description: string;
  /** Absent for a flag; present when the option takes a value. */
  value?: ValueHint;
}

export interface ArgSpec {
  name: string;
  description: string;
  variadic: boolean;
  hint: ValueHint;
}

export interface CommandSpec {
  /** The words after `deskctl`; [] is the program itself. */
  path: string[];
  description: string;
  commands: { name: string; description: string }[];
  options: OptionSpec[];
  args: ArgSpec[];
}

export interface CompletionModel {
  name: string;
  /** Options accepted after any command (the program's own, without --help/--version). */
  globals: OptionSpec[];
  commands: CommandSpec[];
}

/** Option values that name things in the helpdesk, completed by `deskctl __complete`. */
const DYNAMIC_OPTIONS: Record<string, DynamicKind> = {
  '--profile': 'profiles',
  '--tenant': 'tenants',
  '--department': 'departments',
  '--category': 'categories',
  '--org': 'orgs',
  '--parent': 'orgs',
  '--requester': 'customers',
  '--as': 'customers',
  '--customer': 'customers',
  '--agent': 'agents',
  '--topic': 'topics',
};

/** Options whose value is a comma list of fixed names (`--by department,month`), by command path and option. */
const LIST_OPTIONS: Record<string, readonly string[]> = {
  'stats export|--by': STAT_DIMENSIONS,
  'stats export|--metrics': STAT_METRICS,
};

/** First arguments that name things in the helpdesk, by command path. */
const DYNAMIC_ARGS: Record<string, DynamicKind> = {
  'tenants remove': 'tenants',
  'departments remove': 'departments',
  'categories remove': 'categories',
  'orgs set': 'orgs',
  'orgs remove': 'orgs',
  'customers set': 'customers',
  'customers remove': 'customers',
  'topics remove': 'topics',
  'profile show': 'profiles',
  'profile use': 'profiles',
  'profile remove': 'profiles',
};

/** Arguments with a fixed set of values that the command itself checks later (so it keeps its own error). */
const FIXED_ARGS: Record<string, readonly string[]> = {
  'settings set': SETTING_KEYS,
  'templates show': TEMPLATE_KINDS,
  'templates set': TEMPLATE_KINDS,
  'templates reset': TEMPLATE_KINDS,
};

const FILE_VALUE = /^(file|path|dir|directory|file\.yaml\|file\.json\|-)$/i;

function valueName(flags: string): string | undefined {
  return /[<[]([^>\]]+)[>\]]/.exec(flags)?.[1]?.replace(/\.\.\.$/, '');
}

function optionSpec(o: Option, path: string[] = []): OptionSpec {
  const names = [o.short, o.long].filter((n): n is string => Boolean(n));
  const spec: OptionSpec = { names, description: o.description };
  if (o.required || o.optional) {
    const vname = valueName(o.flags) ?? '';
    const list = LIST_OPTIONS[`${path.join(' ')}|${o.long}`];
    spec.value = list
      ? { list: [...list] }
      : o.argChoices
      ? { choices: [...o.argChoices] }
      : o.long && DYNAMIC_OPTIONS[o.long]
        ? { dynamic: DYNAMIC_OPTIONS[o.long]! }
        : FILE_VALUE.test(vname) || /^files?$/i.test(vname)
          ? { files: true }
          : { free: true };
  }
  return spec;
}

function argSpec(a: Argument, path: string[], index: number): ArgSpec {
  const key = path.join(' ');
  const hint: ValueHint = a.argChoices
    ? { choices: [...a.argChoices] }
    : index === 0 && FIXED_ARGS[key]
      ? { choices: [...FIXED_ARGS[key]!] }
      : index === 0 && DYNAMIC_ARGS[key]
      ? { dynamic: DYNAMIC_ARGS[key]! }
      : /file/i.test(a.name())
        ? { files: true }
        : { free: true };
  return { name: a.name(), description: a.description, variadic: a.variadic, hint };
}

/**
 * The completion model of a program tree (every command module loaded): commands, subcommands,
 * options and their values. The shell scripts are generated from this and nothing else.
 */
export function completionModel(program: Command, helpTopics: readonly string[] = []): CompletionModel {
  const help = program.createHelp();
  const isMeta = (o: OptionSpec) => o.names.some((n) => n === '--help' || n === '--version');
  const globals = help.visibleOptions(program).map((o) => optionSpec(o)).filter((o) => !isMeta(o));
  const commands: CommandSpec[] = [];

  const visit = (cmd: Command, path: string[]) => {
    const subs = help.visibleCommands(cmd);
    const spec: CommandSpec = {
      path,
      description: path.length ? cmd.description() : program.description(),
      commands: subs.map((c) => ({ name: c.name(), description: c.summary() || c.description() })),
      options: help.visibleOptions(cmd).map((o) => optionSpec(o, path)).filter((o) => path.length === 0 || !globals.some((g) => g.names.join() === o.names.join())),
      args: cmd.registeredArguments.map((a, i) => argSpec(a, path, i)),
    };
    if (path.length === 0) spec.options = spec.options.filter((o) => isMeta(o));
    commands.push(spec);
    for (const sub of subs) {
      const subPath = [...path, sub.name()];
      if (sub === (cmd as unknown as { _getHelpCommand(): Command | null })._getHelpCommand()) {
        const names = subs.filter((c) => c !== sub).map((c) => c.name());
        commands.push({
          path: subPath,
          description: sub.description(),
          commands: [],
          options: [],
          args: [{ name: 'command', description: 'a command', variadic: false, hint: { choices: path.length ? names : [...names, ...helpTopics] } }],
        });
      } else {
        visit(sub, subPath);
      }
    }
  };
  visit(program, []);
  return { name: program.name(), globals, commands };
}
