import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parent
      .command('remove')
      .argument('<slug>')
      .option('-y, --yes', 'do not ask for confirmation')
      .description('Remove a tenant and everything it owns (asks first on a terminal)')
      .action((slug: string, o: { yes?: boolean }) => run(ctx, slug, o.yes)),
    ['deskctl tenants remove ci-run-42 --yes'],
  );
}

export async function run(ctx: Context, slug: string, yes?: boolean): Promise<void> {
  const hd = await ctx.helpdesk({ anyTenant: true });
  if (!(await ctx.confirm(`Remove tenant "${slug}" and all its data?`, yes))) {
    ctx.out.status('nothing removed');
    ctx.exitCode = 1;
    return;
  }
  const result = await hd.removeTenant(slug);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed tenant ${slug}`);
}
