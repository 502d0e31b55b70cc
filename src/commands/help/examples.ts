import type { Command } from 'commander';

/** The examples each command shows in --help (kept so a command group can show its verbs' first examples). */
const EXAMPLES = new WeakMap<Command, string[]>();

/** Adds an "Examples:" block to a command's --help. */
export function examples(cmd: Command, lines: string[]): Command {
  EXAMPLES.set(cmd, [...(EXAMPLES.get(cmd) ?? []), ...lines]);
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

export function examplesOf(cmd: Command): string[] {
  return EXAMPLES.get(cmd) ?? [];
}

/** A command group without examples of its own shows the first example of each of its verbs. */
export function groupExamples(group: Command): void {
  if (group.commands.length === 0 || examplesOf(group).length) return;
  const lines = group.commands.map((c) => examplesOf(c)[0]).filter((l): l is string => l !== undefined);
  if (lines.length) examples(group, lines);
}
