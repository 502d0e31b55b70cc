import type { Command } from 'commander';
import { z } from 'zod';
import { invalid } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { batchExit, countForbidden, DRAFT_COLUMNS, examples, excludeEachOther, parsedAction, readIds } from '../shared.js';

export const Options = z.object({
  ids: z.array(z.string()),
  batch: z.string().optional(),
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
});

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('restore')
        .argument('[ids...]', 'rejected draft ids, or - to read them from stdin')
        .option('--batch <id>', 'every draft one bulk rejection rejected (its batch id)')
        .option('--dry-run', 'change nothing; print which drafts would be restored')
        .option('-y, --yes', 'do not ask for confirmation (required with --batch when not on a terminal)')
        .description('Undo a rejection: rejected drafts back as pending drafts, within undo.windowHours (R38)'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl drafts restore 17 18', 'deskctl drafts restore --batch 0b6f2c1e-6d1a-4c39-9d0e-2f7a1c5b8e44 --yes', 'deskctl drafts reject --all --org Matriz --yes -o json | jq -r .batch'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  excludeEachOther([
    ['draft ids', o.ids.length > 0],
    ['--batch', o.batch !== undefined],
  ]);
  if (!o.ids.length && o.batch === undefined) throw invalid('give rejected draft ids, - to read them from stdin, or --batch ID');
  const ids = o.ids.length ? await readIds(ctx, o.ids) : undefined;
  const hd = await ctx.helpdesk();
  const req = { ids, batch: o.batch };

  if (o.dryRun || o.batch !== undefined) {
    const dry = await hd.restoreDrafts({ ...req, dryRun: true });
    if (!dry.dryRun) return;
    if (o.dryRun) {
      if (ctx.out.format === 'json') return ctx.out.json(dry);
      ctx.out.write(dry.ids.map((id) => `${id}\n`).join(''));
      ctx.out.status(`dry run: would restore ${dry.matched} draft${dry.matched === 1 ? '' : 's'}; nothing changed`);
      return;
    }
    // A batch is a bulk change: the one confirmation rule (a terminal asks; off one, --yes or exit 2).
    const n = dry.matched;
    if (!(await ctx.confirm(`Restore ${n} draft${n === 1 ? '' : 's'} rejected in batch ${o.batch}?`, o.yes))) {
      ctx.out.status('nothing changed');
      ctx.exitCode = 1;
      return;
    }
  }

  const report = await hd.restoreDrafts(req);
  if (report.dryRun) return;
  ctx.exitCode = batchExit(report.requested, report.failed, countForbidden(report.results));
  if (ctx.out.format === 'json') return ctx.out.json(report);
  const restored = report.results.flatMap((r) => (r.ok && r.draft ? [r.draft] : []));
  if (restored.length) await ctx.out.list(restored, DRAFT_COLUMNS);
  for (const r of report.results) if (!r.ok) ctx.out.status(`error: ${r.error?.message}`);
  ctx.out.status(`restored ${report.succeeded} of ${report.requested} draft${report.requested === 1 ? '' : 's'}; ${report.failed} failed`);
}
