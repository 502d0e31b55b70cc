import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { Option } from 'commander';
import { z } from 'zod';
import { EXIT, invalid } from '../../core/errors.js';
import { Limit, NOTIFICATION_CHANNELS, NOTIFICATION_KINDS, type DeliveryReport } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';
import { addReport, emptyReport } from '../../delivery/dispatcher.js';

export const Options = z.object({
  watch: z.boolean().optional(),
  limit: Limit.optional(),
  kind: z.enum(NOTIFICATION_KINDS).optional(),
  channel: z.enum(NOTIFICATION_CHANNELS).optional(),
  interval: z.coerce.number({ error: 'expected a number of seconds' }).positive('more than 0 seconds').max(3600, 'at most 3600 seconds').optional(),
});

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('deliver')
        .option('--watch', 'keep delivering as notifications fall due, until Ctrl-C (the messages in flight finish)')
        .option('--limit <n>', 'at most this many attempts')
        .addOption(new Option('--kind <kind>', 'only this kind').choices(NOTIFICATION_KINDS))
        .addOption(new Option('--channel <channel>', 'only this channel').choices(NOTIFICATION_CHANNELS))
        .option('--interval <seconds>', 'with --watch: how long to wait when nothing is due (default 5)')
        .description(
          'Send the notifications that are due (R33): e-mail through DESKCTL_SMTP_URL (or the profile\'s), WhatsApp through the connection, push to notifications.pushUrl; reminders (R35) first. Exit 0: all delivered; 3: some attempts failed (due again later); 5: no server could be reached',
        ),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'DESKCTL_SMTP_URL=smtp://relay.internal:25 deskctl notifications deliver',
      'deskctl notifications deliver --watch',
      'deskctl notifications deliver --channel email --limit 500 -o json',
    ],
  );
}

/** Attempts one request asks for: a remote server answers after each such chunk, and progress moves. */
const CHUNK = 500;

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  if (o.interval !== undefined && !o.watch) throw invalid('--interval goes with --watch (how long a watch waits when nothing is due)');
  const hd = await ctx.helpdesk();
  // Against an API the server delivers, through its own SMTP server: a local one would be silently unused.
  if (ctx.resolution.target.kind !== 'local' && ctx.env.DESKCTL_SMTP_URL?.trim()) {
    ctx.out.warn('DESKCTL_SMTP_URL is not used against an API: the server delivers through its own SMTP server');
  }
  const total = emptyReport();
  const progress = await ctx.progress('delivering');
  const filter = { kind: o.kind, channel: o.channel };
  try {
    let first = true;
    for (;;) {
      // One pass: chunk after chunk until a chunk finds less than it asked for (nothing more is due).
      for (;;) {
        const ask = Math.min(CHUNK, (o.limit ?? Number.POSITIVE_INFINITY) - total.attempted);
        if (ask <= 0 || ctx.signal?.aborted) break;
        const run = await hd.deliverNotifications({ ...filter, limit: ask, reminders: first });
        first = false;
        addReport(total, run);
        progress.update(total.attempted, total.attempted + (run.attempted === ask ? ask : 0));
        if (run.attempted < ask) break;
      }
      if (!o.watch || ctx.signal?.aborted || (o.limit !== undefined && total.attempted >= o.limit)) break;
      await sleep((o.interval ?? 5) * 1000, undefined, { signal: ctx.signal }).catch(() => undefined);
      if (ctx.signal?.aborted) break;
      first = true;
    }
  } finally {
    progress.stop();
  }
  if (o.watch && ctx.signal?.aborted) ctx.endsOnSignal = true;
  if (ctx.out.format === 'json') ctx.out.json(total);
  else {
    ctx.out.status(summary(total));
    for (const w of total.waiting) ctx.out.warn(`${w.count} ${w.channel} notification${w.count === 1 ? '' : 's'} wait${w.count === 1 ? 's' : ''}: ${w.reason}`);
  }
  ctx.exitCode = exitOf(total);
}

/** The contract (R33): 0 everything attempted was delivered; 5 no attempt reached its server; 3 some failed. */
export function exitOf(r: DeliveryReport): number {
  if (r.attempted > 0 && r.unreachable === r.attempted) return EXIT.unreachable;
  // Notifications due on a channel this process lacks (e-mails, no SMTP server): nothing could reach a server.
  if (r.attempted === 0 && r.waiting.some((w) => w.by === 'dispatcher')) return EXIT.unreachable;
  return r.retried + r.failed > 0 ? EXIT.partial : EXIT.ok;
}

function summary(r: DeliveryReport): string {
  const parts = [`delivered ${r.delivered}`];
  const unreachable = r.unreachable === r.retried ? ' (no server answered)' : ` (${r.unreachable} of them: no server answered)`;
  if (r.retried) parts.push(`${r.retried} due again later${r.unreachable ? unreachable : ''}`);
  if (r.failed) parts.push(`${r.failed} failed (deskctl notifications list --failed; notifications retry)`);
  const reminders = r.reminders ? `; ${r.reminders} reminder notification${r.reminders === 1 ? '' : 's'} queued (R35)` : '';
  if (r.attempted === 0 && !r.reminders) return r.waiting.length ? 'nothing could be sent yet' : 'nothing was due';
  return `${parts.join(', ')}${reminders}`;
}
