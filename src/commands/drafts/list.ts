import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { DRAFT_COLUMNS, examples } from '../shared.js';
import { filterOptions, toFilter, type FilterFlags } from './filters.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    filterOptions(parent.command('list'))
      .option('--as <email>', 'as this customer: a manager sees what they may decide (R13), a requester their own drafts without details (R12)')
      .description('List pending drafts, oldest first')
      .action((o: FilterFlags & { as?: string }) => run(ctx, o)),
    [
      'deskctl drafts list',
      'deskctl drafts list --org Matriz --include-children --older-than 7d',
      'deskctl drafts list --department Suporte -o json | jq -r ".[].id" | deskctl drafts approve -',
    ],
  );
}

export async function run(ctx: Context, o: FilterFlags & { as?: string }): Promise<void> {
  const drafts = await (await ctx.helpdesk()).listDrafts(toFilter(o), { as: o.as });
  await ctx.out.list(drafts, DRAFT_COLUMNS);
}
