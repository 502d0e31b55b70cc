import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

export const Options = z.object({ slug: z.string(), yes: z.boolean().optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('remove')
        .argument('<slug>')
        .option('-y, --yes', 'do not ask for confirmation')
        .description('Remove a tenant and everything it owns (asks first on a terminal)'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl tenants remove ci-run-42 --yes'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const { slug, yes } = o;
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
