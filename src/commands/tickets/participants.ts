import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import type { ParticipantsReport } from '../../core/schemas.js';
import { TicketRef } from '../../core/schemas.js';
import { examples, parsedAction } from '../shared.js';

// A ticket that is neither an id nor a protocol is invalid input (exit 2), as for `tickets show abc`.
export const ListOptions = z.object({ ticket: TicketRef, as: z.string().optional() });
export const ChangeOptions = z.object({ ticket: TicketRef, emails: z.array(z.string()).min(1), as: z.string().optional() });

/** R39: `tickets participants <ticket>`, `participants add <ticket> <email...>`, `participants remove <ticket> <email...>`. */
export function register(parent: Command, ctx: Context): void {
  const cmd = parent.command('participants').description("A ticket's participants: customers of the requester's organization who see it and get its notifications (R39)");
  examples(
    parsedAction(
      cmd.command('list', { isDefault: true }).argument('<ticket>', 'ticket id or protocol').option('--as <email>', "a customer's view (R21, R39)").description("List a ticket's participants"),
      ListOptions,
      (o) => list(ctx, o),
    ),
    ['deskctl tickets participants 2026-000042', 'deskctl tickets participants list 42 -o json'],
  );
  examples(
    parsedAction(
      cmd
        .command('add')
        .argument('<ticket>', 'ticket id or protocol')
        .argument('<emails...>', 'customers of the requester\'s organization (an admin may add any customer)')
        .option('--as <email>', 'act as the requester (R39: the requester or an admin adds participants)')
        .description('Add participants to a ticket; they see it and are told of its answers, solution and reopening'),
      ChangeOptions,
      (o) => change(ctx, o, 'add'),
    ),
    ['deskctl tickets participants add 2026-000042 bruno@norte.example', 'deskctl tickets participants add 42 bruno@norte.example --as ana@norte.example'],
  );
  examples(
    parsedAction(
      cmd
        .command('remove')
        .argument('<ticket>', 'ticket id or protocol')
        .argument('<emails...>', 'participants to remove')
        .option('--as <email>', 'act as the requester')
        .description('Remove participants from a ticket'),
      ChangeOptions,
      (o) => change(ctx, o, 'remove'),
    ),
    ['deskctl tickets participants remove 2026-000042 bruno@norte.example'],
  );
  examples(cmd, ['deskctl tickets participants 2026-000042', 'deskctl tickets participants add 2026-000042 bruno@norte.example']);
}

async function print(ctx: Context, r: ParticipantsReport): Promise<void> {
  if (ctx.out.format === 'json') return ctx.out.json(r);
  await ctx.out.list(
    r.participants.map((email) => ({ email })),
    [{ header: 'participant', value: (p) => p.email }],
  );
}

export async function list(ctx: Context, o: z.infer<typeof ListOptions>): Promise<void> {
  await print(ctx, await (await ctx.helpdesk()).listParticipants(o.ticket, { as: o.as }));
}

export async function change(ctx: Context, o: z.infer<typeof ChangeOptions>, verb: 'add' | 'remove'): Promise<void> {
  const hd = await ctx.helpdesk();
  const r = verb === 'add' ? await hd.addParticipants(o.ticket, o.emails, { as: o.as }) : await hd.removeParticipants(o.ticket, o.emails, { as: o.as });
  await print(ctx, r);
  if (ctx.out.format === 'json') return;
  const done = verb === 'add' ? 'added' : 'removed';
  const already = verb === 'add' ? 'already participants' : 'not participants';
  ctx.out.status(
    `ticket ${r.protocol}: ${r.changed.length ? `${done} ${r.changed.join(', ')}` : `nothing ${done}`}${r.unchanged.length ? `; ${already}: ${r.unchanged.join(', ')}` : ''}`,
  );
}
