import type { Command } from 'commander';
import { z } from 'zod';
import { invalid } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { examples, excludeEachOther, parsedAction, readIds } from '../shared.js';

export const Options = z.object({ ids: z.array(z.string()), failed: z.boolean().optional(), yes: z.boolean().optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('retry')
        .argument('[ids...]', 'notification ids, or - to read them from stdin')
        .option('--failed', 'every failed notification')
        .option('-y, --yes', 'do not ask for confirmation (required with --failed when not on a terminal)')
        .description('Make notifications due again now, with a fresh set of attempts (R33); the next delivery sends them'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl notifications retry 41 42', 'deskctl notifications retry --failed --yes && deskctl notifications deliver'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  excludeEachOther([
    ['notification ids', o.ids.length > 0],
    ['--failed', Boolean(o.failed)],
  ]);
  if (!o.ids.length && !o.failed) throw invalid('give notification ids, - to read them from stdin, or --failed');
  const ids = o.ids.length ? await readIds(ctx, o.ids) : undefined;
  const hd = await ctx.helpdesk();
  if (o.failed) {
    // Every failed one is a bulk change: the one confirmation rule (a terminal asks; off one, --yes or exit 2).
    const n = (await hd.retryNotifications({ failed: true, dryRun: true })).retried;
    if (n === 0) return ctx.out.format === 'json' ? ctx.out.json({ retried: 0, ids: [] }) : ctx.out.status('no notification has failed; nothing changed');
    if (!(await ctx.confirm(`Retry ${n} failed notification${n === 1 ? '' : 's'}?`, o.yes))) {
      ctx.out.status('nothing changed');
      ctx.exitCode = 1;
      return;
    }
  }
  const report = await hd.retryNotifications(ids ? { ids } : { failed: true });
  if (ctx.out.format === 'json') return ctx.out.json(report);
  ctx.out.status(`${report.retried} notification${report.retried === 1 ? '' : 's'} due again now (deskctl notifications deliver sends them)`);
}
