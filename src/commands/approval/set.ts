import type { Command } from 'commander';
import { Argument } from 'commander';
import { APPROVAL_MODES } from '../../core/model.js';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parent
      .command('set')
      .addArgument(new Argument('<mode>', 'disabled (default) | all-departments | departments (only the rules apply)').choices(APPROVAL_MODES))
      .description('Set the approval mode; pending drafts stay pending whatever the mode (R14)')
      .action((mode: string) => run(ctx, mode)),
    ['deskctl approval set all-departments', 'deskctl approval set departments && deskctl rules add --department Suporte --no-category'],
  );
}

export async function run(ctx: Context, mode: string): Promise<void> {
  const result = await (await ctx.helpdesk()).setSetting('approval.mode', mode);
  if (ctx.out.format === 'json') return ctx.out.json({ mode: result.value, changed: result.changed });
  ctx.out.status(result.changed ? `approval mode set to ${mode}` : `approval mode is already ${mode}`);
}
