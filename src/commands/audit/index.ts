import type { Command } from 'commander';
import { z } from 'zod';
import { Limit } from '../../core/schemas.js';
import { parseInput } from '../../core/validate.js';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

const Since = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected a date or time such as 2026-11-01 or 2026-11-01T12:00:00Z')
  .transform((s) => new Date(s).toISOString());

/** `deskctl audit` is a command of its own (no verb): the audit trail, oldest first. */
export function register(cmd: Command, ctx: Context): void {
  examples(
    cmd
      .option('--since <date>', 'only entries at or after this time')
      .option('--limit <n>', 'at most this many')
      .action((o: { since?: string; limit?: string }) => run(ctx, o)),
    ['deskctl audit --since 2026-11-01', 'deskctl audit --limit 20 -o json'],
  );
}

export async function run(ctx: Context, o: { since?: string; limit?: string }): Promise<void> {
  const filter = parseInput(z.object({ since: Since.optional(), limit: Limit.optional() }), o);
  const rows = await (await ctx.helpdesk()).listAudit(filter);
  await ctx.out.list(rows, [
    { header: 'id', value: (a) => a.id },
    { header: 'at', value: (a) => a.at },
    { header: 'actor', value: (a) => a.actor },
    { header: 'action', value: (a) => a.action },
    { header: 'entity', value: (a) => `${a.entity}${a.entityId === null ? '' : ` ${a.entityId}`}` },
    { header: 'details', value: (a) => (a.details === null ? '' : JSON.stringify(a.details)) },
  ]);
}
