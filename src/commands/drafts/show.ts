import type { Command } from 'commander';
import { Id } from '../../core/schemas.js';
import { parseInput } from '../../core/validate.js';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parent
      .command('show')
      .argument('<id>')
      .option('--as <email>', 'as this manager (R12: requesters cannot see details)')
      .description('Show a pending draft with its message, custom fields and attachments')
      .action((id: string, o: { as?: string }) => run(ctx, id, o.as)),
    ['deskctl drafts show 17', 'deskctl drafts show 17 --as gerente@matriz.example -o json'],
  );
}

export async function run(ctx: Context, id: string, as?: string): Promise<void> {
  const d = await (await ctx.helpdesk()).getDraft(parseInput(Id, id, 'id'), { as });
  await ctx.out.object(d);
}
