import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

export const Options = z.object({ yes: z.boolean().optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('disconnect')
        .option('-y, --yes', 'do not ask for confirmation')
        .description('Remove the WhatsApp connection and its secrets: the webhook refuses its deliveries from then on (asks first on a terminal)'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl whatsapp disconnect --yes'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const hd = await ctx.helpdesk();
  const { connection } = await hd.whatsappStatus();
  if (connection && !(await ctx.confirm(`Disconnect WhatsApp phone number id ${connection.phoneNumberId} and remove its secrets?`, o.yes))) {
    ctx.out.status('nothing removed');
    ctx.exitCode = 1;
    return;
  }
  const r = await hd.disconnectWhatsapp();
  if (ctx.out.format === 'json') return ctx.out.json(r);
  ctx.out.status(r.disconnected ? `disconnected phone number id ${r.phoneNumberId}; its secrets are removed` : 'not connected; nothing to remove');
}
