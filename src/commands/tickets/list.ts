import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { CHANNELS, STATUSES, TicketFilter } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { TICKET_COLUMNS, examples, exclusiveFlags, parsedAction } from '../shared.js';

/** The flags are the API's ticket filter (but its paging cursor), and whose view (--as). */
export const Options = TicketFilter.omit({ after: true }).extend({ as: z.string().optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    exclusiveFlags(
      parsedAction(
      parent
      .command('list')
      .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
      .option('--org <name>', 'only this organization')
      .option('--department <name>', 'only this department')
      .option('--category <name>', 'only this category (of --department, when given)')
      .addOption(new Option('--channel <channel>', 'only tickets that came by this channel').choices(CHANNELS))
      .option('--agent <email>', 'only tickets assigned to this agent')
      .option('--requester <email>', 'only this requester')
      .option('--overdue', 'not solved or closed, and past the due time (R18)')
      .option('--due-today', "not solved or closed, and due later today in the tenant's time zone (R18)")
      .option('--limit <n>', 'at most this many')
      .option('--as <email>', "a customer's view: a manager sees the public tickets of their organization (R21)")
      .description('List tickets, oldest first'),
      Options,
      (o) => run(ctx, o),
      ),
      ['--overdue', '--due-today'],
    ),
    ['deskctl tickets list --status open --department Suporte', 'deskctl tickets list --overdue -o csv > overdue.csv', 'deskctl tickets list --agent joao@helpdesk.example --channel whatsapp'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const { as, ...filter } = o;
  const tickets = await (await ctx.helpdesk()).listTickets(filter, { as });
  await ctx.out.list(tickets, TICKET_COLUMNS);
}
