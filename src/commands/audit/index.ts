import type { Command } from 'commander';
import { z } from 'zod';
import type { AuditEntry } from '../../core/schemas.js';
import { Limit } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

const Since = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected a date or time such as 2026-11-01 or 2026-11-01T12:00:00Z')
  .transform((s) => new Date(s).toISOString());

export const Options = z.object({
  since: Since.optional(),
  limit: Limit.optional(),
  action: z.string().trim().min(1, 'must not be empty').optional(),
  /** `draft` or `draft:17` (a kind, or one entity of it). */
  entity: z
    .string()
    .trim()
    .regex(/^[a-z_]+(:.+)?$/, 'a kind of entity (draft, ticket, customer …), or one of them as kind:id (draft:17)')
    .optional(),
  newestFirst: z.boolean().optional(),
});
type Options = z.infer<typeof Options>;

function options(cmd: Command): Command {
  return cmd
    .option('--since <date>', 'only entries at or after this time')
    .option('--action <action>', 'only this action (draft.approve), or every one of a kind with a final * (draft.*)')
    .option('--entity <kind[:id]>', 'only entries about this kind of entity (draft, ticket …), or one of them (draft:17)')
    .option('--newest-first', 'newest entries first (with --limit: the latest N)')
    .option('--limit <n>', 'at most this many');
}

/**
 * `deskctl audit list` like the other nouns; `deskctl audit [--since …]` (the contract's form) runs
 * the same list, its default verb.
 */
export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      options(cmd.command('list', { isDefault: true })).description('The audit trail, oldest first unless --newest-first; filters by time, action and entity'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl audit list --newest-first --limit 20', 'deskctl audit list --action "draft.*" --since 2026-11-01', 'deskctl audit list --entity draft:17 -o json'],
  );
}

export async function run(ctx: Context, o: Options): Promise<void> {
  const [entity, entityId] = o.entity === undefined ? [] : [o.entity.split(':')[0], o.entity.includes(':') ? o.entity.slice(o.entity.indexOf(':') + 1) : undefined];
  const filter = { since: o.since, action: o.action, entity, entityId };
  const hd = await ctx.helpdesk();
  // Newest first: the list is read in id order and turned round, so --limit keeps the latest.
  let rows: AuditEntry[];
  if (o.newestFirst) {
    rows = (await hd.listAudit(filter)).reverse();
    if (o.limit) rows = rows.slice(0, o.limit);
  } else {
    rows = await hd.listAudit({ ...filter, limit: o.limit });
  }
  await ctx.out.list(rows, [
    { header: 'id', value: (a) => a.id },
    { header: 'at', value: (a) => a.at },
    { header: 'actor', value: (a) => a.actor },
    { header: 'action', value: (a) => a.action },
    { header: 'entity', value: (a) => `${a.entity}${a.entityId === null ? '' : ` ${a.entityId}`}` },
    { header: 'details', value: (a) => (a.details === null ? '' : JSON.stringify(a.details)) },
  ]);
}
