import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(parent.command('show').description('Show the account settings').action(() => run(ctx)), ['deskctl settings show -o json']);
}

export async function run(ctx: Context): Promise<void> {
  const settings = await (await ctx.helpdesk()).getSettings();
  await ctx.out.object(settings);
}
