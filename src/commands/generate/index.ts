import type { Command } from 'commander';
import { z } from 'zod';
import { DeskctlError, EXIT } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

/**
 * The counts as typed: the engine's GenerateOptions counts them (its limits and defaults), so the
 * local and the remote paths refuse the same flags in the same words.
 */
export const Options = z.object({
  orgs: z.string().optional(),
  customers: z.string().optional(),
  tickets: z.string().optional(),
  drafts: z.string().optional(),
  randomSeed: z.string().optional(),
});

/** `deskctl generate`: a command of its own (no verb). */
export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
      .option('--orgs <n>', 'organizations, about a third of them branches of another (default 50)')
      .option('--customers <n>', 'customers, most in an organization, some managers (default 1000)')
      .option('--tickets <n>', 'tickets over the last year, in every status, some rated (default 20000)')
      .option('--drafts <n>', 'drafts waiting for approval now (default 200)')
      .option('--random-seed <s>', 'the same seed (and DESKCTL_NOW) gives the same data (default "deskctl")')
      .description(
        'Fill an empty tenant with deterministic synthetic data of realistic shape (departments, agents, organizations with branches and managers, a year of tickets, decided and pending drafts). All or nothing.',
      ),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'deskctl tenants create synthetic && deskctl --tenant synthetic generate',
      'deskctl --db /tmp/big.db generate --tickets 1000000 --random-seed 42',
      'deskctl --tenant synthetic stats export --by department,month',
    ],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const hd = await ctx.helpdesk();
  const progress = await ctx.progress('generating');
  const started = Date.now();
  let report;
  try {
    report = await hd.generate(
      { orgs: o.orgs, customers: o.customers, tickets: o.tickets, drafts: o.drafts, randomSeed: o.randomSeed },
      { signal: ctx.signal, onProgress: (done, total) => progress.update(done, total) },
    );
  } catch (e) {
    progress.stop();
    if (ctx.signal?.aborted && e instanceof DeskctlError) {
      ctx.out.status('interrupted: nothing was generated (the transaction was rolled back)');
      ctx.exitCode = EXIT.interrupted;
      return;
    }
    throw e;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  progress.stop(`generated ${report.tickets.toLocaleString('en-US')} tickets in ${seconds}s`);
  if (ctx.out.format === 'json') return ctx.out.json(report);
  await ctx.out.object(report, [
    ['tenant', report.tenant],
    ['random seed', report.randomSeed],
    ['departments', report.departments],
    ['categories', report.categories],
    ['agents', report.agents],
    ['organizations', report.organizations],
    ['customers', report.customers],
    ['managers', report.managers],
    ['tickets', report.tickets],
    ['decided drafts', report.decisions],
    ['pending drafts', report.drafts],
    ['tickets from', report.from ?? ''],
    ['tickets to', report.to ?? ''],
  ]);
  if (!ctx.io.stderr.isTTY) ctx.out.status(`generated ${report.tickets} tickets in tenant "${report.tenant}" in ${seconds}s`);
}
