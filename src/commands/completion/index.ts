import { Argument, type Command } from 'commander';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';
import { SHELLS, type Shell } from './scripts.js';

export function register(cmd: Command, ctx: Context): void {
  examples(
    cmd
      .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
      .description('Print the completion script for bash, zsh or fish: commands, options, fixed values, and names from the current target')
      .action(async (shell: Shell) => {
        const { completionScript } = await import('./generate.js');
        ctx.out.write(await completionScript(ctx, shell));
      }),
    [
      'source <(deskctl completion bash)                                   # bash, this shell (add it to ~/.bashrc)',
      'deskctl completion bash > ~/.local/share/bash-completion/completions/deskctl',
      'deskctl completion zsh > ~/.zfunc/_deskctl                          # with fpath=(~/.zfunc $fpath) before compinit',
      'deskctl completion fish > ~/.config/fish/completions/deskctl.fish',
    ],
  );
}
