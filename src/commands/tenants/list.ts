import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(parent.command('list').description('List the tenants of this database').action(() => run(ctx)), ['deskctl tenants list -o json']);
}

export async function run(ctx: Context): Promise<void> {
  const tenants = await (await ctx.helpdesk({ anyTenant: true })).listTenants();
  await ctx.out.list(tenants, [
    { header: 'slug', value: (t) => t.slug },
    { header: 'name', value: (t) => t.name },
    { header: 'created', value: (t) => t.createdAt },
  ]);
}
