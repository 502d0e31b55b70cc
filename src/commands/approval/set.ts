import type { Command } from 'commander';
import { Argument } from 'commander';
import type { z } from 'zod';
import { APPROVAL_MODES } from '../../core/model.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';
import type { SetOptions } from './options.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('set')
        .addArgument(new Argument('<mode>', 'disabled (default) | all-departments | departments (only the rules apply)').choices(APPROVAL_MODES))
        .description('Set the approval mode; pending drafts stay pending whatever the mode (R14)'),
      async () => (await import('./options.js')).SetOptions,
      (o) => run(ctx, o),
    ),
    ['deskctl approval set all-departments', 'deskctl approval set departments && deskctl rules add --department Suporte --no-category'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof SetOptions>): Promise<void> {
  const { mode } = o;
  const result = await (await ctx.helpdesk()).setSetting('approval.mode', mode);
  if (ctx.out.format === 'json') return ctx.out.json({ mode: result.value, changed: result.changed });
  ctx.out.status(result.changed ? `approval mode set to ${mode}` : `approval mode is already ${mode}`);
}
