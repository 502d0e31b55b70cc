import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parent
      .command('create')
      .argument('<slug>', 'lower-case letters, digits and dashes')
      .option('--name <name>', 'display name (default: the slug)')
      .description('Create a tenant (an account) with default settings')
      .action((slug: string, o: { name?: string }) => run(ctx, slug, o.name)),
    ['deskctl tenants create acme --name "ACME Ltda"', 'deskctl --tenant acme approval show'],
  );
}

export async function run(ctx: Context, slug: string, name?: string): Promise<void> {
  const tenant = await (await ctx.helpdesk()).createTenant(slug, name);
  if (ctx.out.format === 'json') return ctx.out.json(tenant);
  ctx.out.status(`created tenant ${tenant.slug}`);
}
