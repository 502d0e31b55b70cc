import type { Command } from 'commander';
import { z } from 'zod';
import { Id } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';
import { printable } from '../../output/render.js';

export const Options = z.object({ id: Id });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent.command('show').argument('<id>', 'a notification id').description('Show one notification: its words as sent, its state and every delivery attempt (R33)'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl notifications show 41', 'deskctl notifications show 41 -o json | jq .history'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const n = await (await ctx.helpdesk()).getNotification(o.id);
  if (ctx.out.format === 'json') return ctx.out.json(n);
  const { history, body, ...rest } = n;
  if (ctx.out.format !== 'table') return ctx.out.object({ ...rest, body });
  await ctx.out.object(rest);
  // The text as it is sent, its lines kept (a table cell would run them into one).
  // Each line made printable: a customer's text may hold escape sequences.
  if (body) ctx.out.write(`\n${body.replace(/\n+$/, '').split('\n').map(printable).join('\n')}\n\n`);
  if (ctx.out.format === 'table' && history.length) {
    await ctx.out.list(history, [
      { header: 'at', value: (a) => a.at },
      { header: 'outcome', value: (a) => a.outcome },
      { header: 'detail', value: (a) => a.detail ?? '' },
    ]);
  }
}
