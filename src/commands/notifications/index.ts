import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { Limit, NOTIFICATION_CHANNELS, NOTIFICATION_KINDS, Recipient } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';
import * as deliver from './deliver.js';
import * as pushSecret from './push-secret.js';
import * as retry from './retry.js';
import * as show from './show.js';

export const Options = z.object({
  pending: z.boolean().optional(),
  failed: z.boolean().optional(),
  channel: z.string().optional(),
  to: Recipient.optional(),
  kind: z.string().optional(),
  limit: Limit.optional(),
});

export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
        .command('list')
        .option('--pending', 'only those not delivered yet (R33: due, or waiting for their next attempt)')
        .option('--failed', 'only those whose attempts all failed (notifications retry sends them again)')
        .addOption(new Option('--channel <channel>', 'only this channel').choices(NOTIFICATION_CHANNELS))
        .option('--to <email|phone>', 'only to this address (a phone for WhatsApp messages)')
        .addOption(new Option('--kind <kind>', 'only this kind').choices(NOTIFICATION_KINDS))
        .option('--limit <n>', 'at most this many')
        .description('List the notification outbox, oldest first (R22)'),
      Options,
      (o) => list(ctx, o),
    ),
    ['deskctl notifications list --pending --kind draft_pending', 'deskctl notifications list --failed --channel email', 'deskctl notifications list --to ana@norte.example -o json'],
  );
  show.register(cmd, ctx);
  deliver.register(cmd, ctx);
  retry.register(cmd, ctx);
  pushSecret.register(cmd, ctx);
}

export async function list(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const rows = await (await ctx.helpdesk()).listNotifications(o);
  await ctx.out.list(rows, [
    { header: 'id', value: (n) => n.id },
    { header: 'kind', value: (n) => n.kind },
    { header: 'channel', value: (n) => n.channel },
    { header: 'to', value: (n) => n.to },
    { header: 'subject', value: (n) => n.subject },
    { header: 'status', value: (n) => n.status },
    { header: 'attempts', value: (n) => n.attempts },
    { header: 'last error', value: (n) => n.lastError ?? '' },
    { header: 'created', value: (n) => n.createdAt },
    { header: 'delivered', value: (n) => n.deliveredAt ?? '' },
  ]);
}
