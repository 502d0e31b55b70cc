import { fullProgram, HELP_TOPICS } from '../../cli.js';
import type { Context } from '../../context.js';
import { completionModel, type CompletionModel } from './model.js';
import { script, type Shell } from './scripts.js';

/** The completion model of the whole program, every command module loaded. */
export async function programModel(ctx: Context): Promise<CompletionModel> {
  return completionModel(await fullProgram(ctx), HELP_TOPICS);
}

/** The completion script of a shell, exactly as checked in under completions/. */
export async function completionScript(ctx: Context, shell: Shell): Promise<string> {
  return script(shell, await programModel(ctx));
}
