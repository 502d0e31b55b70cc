import type { Command } from 'commander';
import { Option } from 'commander';
import { APPROVAL_METRICS, ApprovalStatsQuery } from '../../core/stats.js';
import { parseInput } from '../../core/validate.js';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';
import { STATS_FORMATS, fromArray, writeOptions, writeRows, type WriteFlags } from './write.js';

interface Flags extends WriteFlags {
  by?: string;
  from?: string;
  to?: string;
}

export function register(parent: Command, ctx: Context): void {
  examples(
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
      )
      .action((o: Flags) => run(ctx, o)),
    ['deskctl stats approvals --by org', 'deskctl stats approvals --by department --from 2026-10-01 --to 2026-10-31 --format csv'],
  );
}

export async function run(ctx: Context, o: Flags): Promise<void> {
  const query = parseInput(ApprovalStatsQuery, { by: o.by, from: o.from, to: o.to });
  const write = writeOptions(ctx, o, 'table');
  const rows = await (await ctx.helpdesk()).approvalStats(query);
  const columns = [...(query.by ? [query.by] : []), ...APPROVAL_METRICS];
  const n = await writeRows(ctx, columns, fromArray(rows as unknown as Record<string, unknown>[]), write);
  if (o.out) ctx.out.status(`wrote ${n} row${n === 1 ? '' : 's'} to ${o.out}`);
}
