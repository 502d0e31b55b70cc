import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { TicketRef } from '../../core/schemas.js';
import { parseInput } from '../../core/validate.js';
import { examples } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parent
      .command('show')
      .argument('<ref>', 'ticket id or protocol')
      .option('--as <email>', "a customer's view (R21)")
      .description('Show one ticket with its messages')
      .action((ref: string, o: { as?: string }) => run(ctx, ref, o.as)),
    ['deskctl tickets show 2026-000042', 'deskctl tickets show 42 -o json'],
  );
}

export async function run(ctx: Context, ref: string, as?: string): Promise<void> {
  // Neither an id nor a protocol is invalid input (exit 2), as for `drafts show abc`.
  const t = await (await ctx.helpdesk()).getTicket(parseInput(TicketRef, ref, 'ref'), { as });
  if (ctx.out.format === 'json') return ctx.out.json(t);
  const { messages, ...rest } = t;
  await ctx.out.object(rest);
  if (ctx.out.format === 'table' && messages.length) {
    await ctx.out.list(messages, [
      { header: 'at', value: (m) => m.createdAt },
      { header: 'author', value: (m) => m.author },
      { header: 'message', value: (m) => m.body },
    ]);
  }
}
