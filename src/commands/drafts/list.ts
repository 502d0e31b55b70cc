import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { DRAFT_COLUMNS, examples, parsedAction } from '../shared.js';
import { FilterFlags, filterOptions, toFilter } from './filters.js';

export const Options = FilterFlags.extend({ as: z.string().optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      filterOptions(parent.command('list'))
        .option('--as <email>', 'as this customer: a manager sees what they may decide (R13), a requester their own drafts without details (R12)')
        .description('List pending drafts, oldest first'),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'deskctl drafts list',
      'deskctl drafts list --org Matriz --include-children --older-than 7d',
      'deskctl drafts list --department Suporte -o json | jq -r ".[].id" | deskctl drafts approve -',
    ],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const drafts = await (await ctx.helpdesk()).listDrafts(toFilter(o), { as: o.as });
  await ctx.out.list(drafts, DRAFT_COLUMNS);
}
