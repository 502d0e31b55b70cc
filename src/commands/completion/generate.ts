import type { Context } from '../../context.js';
import { HELP_TOPICS } from '../help/names.js';
import { completionModel, type CompletionModel } from './model.js';
import { script, type Shell } from './scripts.js';

/** The completion model of the whole program, every command module loaded (the tree comes through the context). */
export async function programModel(ctx: Context): Promise<CompletionModel> {
  if (!ctx.wholeProgram) throw new Error('the completion model needs the program tree (Context.wholeProgram)');
  return completionModel(await ctx.wholeProgram(), HELP_TOPICS);
}

/** The completion script of a shell, exactly as checked in under completions/. */
export async function completionScript(ctx: Context, shell: Shell): Promise<string> {
  return script(shell, await programModel(ctx));
}
