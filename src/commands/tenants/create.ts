import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { printSeedReport, readFixture } from '../seed/fixture.js';
import { examples, parsedAction } from '../shared.js';

/** The slug and name are the API's to check (createTenant), with the same words on every path. */
export const Options = z.object({ slug: z.string(), name: z.string().optional(), from: z.string().optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('create')
        .argument('<slug>', 'lower-case letters, digits and dashes')
        .option('--name <name>', 'display name (default: the slug)')
        .option('--from <fixture>', 'seed the new tenant from this fixture (YAML or JSON, - for stdin) in the same transaction')
        .description('Create a tenant (an account) with default settings, or from a fixture'),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'deskctl tenants create acme --name "ACME Ltda"',
      'deskctl --tenant acme approval show',
      'deskctl tenants create ci-$RUN_ID --from fixture.yaml   # an isolated tenant per CI run',
      'deskctl tenants remove ci-$RUN_ID --yes',
    ],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const { slug } = o;
  if (o.from !== undefined) {
    const fixture = await readFixture(ctx, o.from);
    const hd = await ctx.helpdesk({ anyTenant: true });
    const progress = await ctx.progress('seeding');
    let report;
    try {
      report = await hd.createTenantFromFixture(slug, fixture, { name: o.name, signal: ctx.signal, onProgress: (done, total) => progress.update(done, total) });
    } finally {
      progress.stop();
    }
    ctx.out.status(`created tenant ${report.created.slug}`);
    return printSeedReport(ctx, report, o.from === '-' ? 'stdin' : o.from);
  }
  const tenant = await (await ctx.helpdesk({ anyTenant: true })).createTenant(slug, o.name);
  if (ctx.out.format === 'json') return ctx.out.json(tenant);
  ctx.out.status(`created tenant ${tenant.slug}`);
}
