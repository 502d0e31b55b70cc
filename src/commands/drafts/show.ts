import type { Command } from 'commander';
import { z } from 'zod';
import { Id } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

export const Options = z.object({ id: Id, as: z.string().optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('show')
        .argument('<id>')
        .option('--as <email>', 'as this manager (R12: requesters cannot see details)')
        .description('Show a pending draft with its message, custom fields and attachments'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl drafts show 17', 'deskctl drafts show 17 --as gerente@matriz.example -o json'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const d = await (await ctx.helpdesk()).getDraft(o.id, { as: o.as });
  // R36: what held it, as a person reads it (JSON keeps the object).
  const heldBy = d.heldBy ? (d.heldBy.rule === null ? `approval mode ${d.heldBy.mode}` : `rule ${d.heldBy.rule} (mode ${d.heldBy.mode})`) : '';
  await ctx.out.object(d, Object.entries(d).map(([k, v]) => [k, k === 'heldBy' ? heldBy : v] as [string, unknown]));
}
