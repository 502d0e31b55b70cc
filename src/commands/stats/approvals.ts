import type { Command } from 'commander';
import { Option } from 'commander';
import type { z } from 'zod';
import { APPROVAL_METRICS, ApprovalStatsQuery } from '../../core/stats.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';
import { STATS_FORMATS, WriteFlags, fromArray, writeOptions, writeRows } from './write.js';

/** The query is the API's ApprovalStatsQuery (org is organization, dates checked and in order); then how to write it. */
export const Options = ApprovalStatsQuery.safeExtend(WriteFlags.shape);

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
      .command('approvals')
      .option('--by <dim>', 'org (organization) or department; without it, one total row')
      .option('--from <date>', "first day, in the tenant's time zone (YYYY-MM-DD)")
      .option('--to <date>', "last day, inclusive (YYYY-MM-DD)")
      .addOption(new Option('--format <format>', 'output format; wins over -o (default table)').choices(STATS_FORMATS))
      .option('--out <file>', 'write to this file instead of stdout')
      .option('--delimiter <char>', 'CSV field delimiter (default ",")')
      .option('--bom', 'start the CSV with a UTF-8 byte order mark')
      .description(
        'Approval statistics (R23): drafts pending (by creation time), approved and rejected, and the average hours from draft to decision (by decision time)',
      ),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl stats approvals --by org', 'deskctl stats approvals --by department --from 2026-10-01 --to 2026-10-31 --format csv'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const { format, out, delimiter, bom, ...query } = o;
  const write = writeOptions(ctx, o, 'table');
  const rows = await (await ctx.helpdesk()).approvalStats(query);
  const columns = [...(query.by ? [query.by] : []), ...APPROVAL_METRICS];
  const n = await writeRows(ctx, columns, fromArray(rows as unknown as Record<string, unknown>[]), write);
  if (o.out) ctx.out.status(`wrote ${n} row${n === 1 ? '' : 's'} to ${o.out}`);
}
