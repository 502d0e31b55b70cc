import { Argument, type Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';
import { SHELLS } from './scripts.js';

export const Options = z.object({ shell: z.enum(SHELLS) });

export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
        .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
        .description('Print the completion script for bash, zsh or fish: commands, options, fixed values, and names from the current target'),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'source <(deskctl completion bash)                                   # bash, this shell (add it to ~/.bashrc)',
      'deskctl completion bash > ~/.local/share/bash-completion/completions/deskctl',
      'deskctl completion zsh > ~/.zfunc/_deskctl                          # with fpath=(~/.zfunc $fpath) before compinit',
      'deskctl completion fish > ~/.config/fish/completions/deskctl.fish',
    ],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const { completionScript } = await import('./generate.js');
  ctx.out.write(await completionScript(ctx, o.shell));
}
