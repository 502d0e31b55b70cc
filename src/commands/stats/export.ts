import type { Command } from 'commander';
import { Option } from 'commander';
import type { z } from 'zod';
import { METRIC_CLOCK, STAT_DIMENSIONS, STAT_METRICS, StatsQuery, statsColumns } from '../../core/stats.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';
import { STATS_FORMATS, WriteFlags, writeOptions, writeRows } from './write.js';

/** The query is the API's StatsQuery (comma lists become lists, dates checked and in order); then how to write it. */
export const Options = StatsQuery.safeExtend(WriteFlags.shape);

export function register(parent: Command, ctx: Context): void {
  const clocks = STAT_METRICS.map((m) => `${m} (${METRIC_CLOCK[m]})`).join(', ');
  examples(
    parsedAction(
      parent
      .command('export')
      .option('--by <dims>', `comma list of ${STAT_DIMENSIONS.join(', ')} (org and collaborator are aliases)`)
      .option('--metrics <list>', `comma list of metrics (default all): ${clocks}`)
      .option('--from <date>', "first day, in the tenant's time zone (YYYY-MM-DD)")
      .option('--to <date>', "last day, inclusive, in the tenant's time zone (YYYY-MM-DD)")
      .addOption(new Option('--format <format>', 'output format; wins over -o (default csv)').choices(STATS_FORMATS))
      .option('--out <file>', 'write to this file (complete or not at all) instead of stdout')
      .option('--delimiter <char>', 'CSV field delimiter, e.g. ";" for spreadsheets in pt-BR, or tab (default ",")')
      .option('--bom', 'start the CSV with a UTF-8 byte order mark (Excel then reads accents right)')
      .description('Ticket statistics (R23) grouped by any dimensions, computed by SQL and streamed row by row'),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'deskctl stats export --by department,category',
      'deskctl stats export --by organization,requester --from 2026-10-01 --to 2026-10-31 --format json',
      'deskctl stats export --by agent,month --metrics solved,avg_resolution_hours,avg_rating',
      'deskctl stats export --by category --delimiter ";" --bom --out estatisticas.csv',
    ],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const query = o;
  const write = writeOptions(ctx, o, 'csv');
  const hd = await ctx.helpdesk();
  const rows = hd.exportStats({ by: query.by, metrics: query.metrics, from: query.from, to: query.to });
  const n = await writeRows(ctx, statsColumns(query), rows, write);
  if (o.out) ctx.out.status(`wrote ${n} row${n === 1 ? '' : 's'} to ${o.out}`);
}
