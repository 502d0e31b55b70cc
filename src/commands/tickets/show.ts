import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { TicketRef } from '../../core/schemas.js';
import { examples, parsedAction } from '../shared.js';

// Neither an id nor a protocol is invalid input (exit 2), as for `drafts show abc`.
export const Options = z.object({ ref: TicketRef, as: z.string().optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('show')
        .argument('<ref>', 'ticket id or protocol')
        .option('--as <email>', "a customer's view (R21)")
        .description('Show one ticket with its messages'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl tickets show 2026-000042', 'deskctl tickets show 42 -o json'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const t = await (await ctx.helpdesk()).getTicket(o.ref, { as: o.as });
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
