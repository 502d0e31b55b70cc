import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { RULE_COLUMNS, examples } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(parent.command('list').description('List the approval rules').action(() => run(ctx)), ['deskctl rules list', 'deskctl rules list -o csv']);
}

export async function run(ctx: Context): Promise<void> {
  await ctx.out.list(await (await ctx.helpdesk()).listRules(), RULE_COLUMNS);
}
