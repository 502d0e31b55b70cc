import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { CONVERSATION_STATES, Email, Id, Limit, type Conversation } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import type { Column } from '../../output/render.js';
import { examples, parsedAction } from '../shared.js';

export const ListOptions = z.object({
  state: z.enum(CONVERSATION_STATES).optional(),
  phone: z.string().optional(),
  customer: Email.optional(),
  limit: Limit.optional(),
});
export const IdOptions = z.object({ id: Id });
export const AssignOptions = z.object({ id: Id, agent: Email });

const COLUMNS: Column<Conversation>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'phone', value: (c) => c.phone },
  { header: 'customer', value: (c) => c.customer ?? '' },
  { header: 'state', value: (c) => c.state },
  { header: 'agent', value: (c) => c.agent ?? '' },
  { header: 'ticket', value: (c) => c.ticket ?? '' },
  { header: 'draft', value: (c) => c.draft ?? '' },
  { header: 'last message', value: (c) => c.lastMessageAt },
];

export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
        .command('list')
        .addOption(new Option('--state <state>', 'only conversations in this state (closed: also those past whatsapp.closeAfterMinutes)').choices(CONVERSATION_STATES))
        .option('--phone <phone>', 'only this phone (compared as digits)')
        .option('--customer <email>', "only this customer's")
        .option('--limit <n>', 'at most this many')
        .description('List WhatsApp conversations, oldest first'),
      ListOptions,
      (o) => list(ctx, o),
    ),
    ['deskctl conversations list --state awaiting_email', 'deskctl conversations list --phone "+55 11 91234-5678" -o json'],
  );
  examples(
    parsedAction(cmd.command('show').argument('<id>').description('Show one conversation with its messages, both ways'), IdOptions, (o) => show(ctx, o)),
    ['deskctl conversations show 7'],
  );
  examples(
    parsedAction(
      cmd
        .command('assign')
        .argument('<id>')
        .requiredOption('--agent <email>', 'the agent who takes the conversation')
        .description("Give a conversation to an agent (R28: with whatsapp.agentSync creation-and-conversation, its ticket's agent follows)"),
      AssignOptions,
      (o) => assign(ctx, o.id, o.agent),
    ),
    ['deskctl conversations assign 7 --agent bia@help.example'],
  );
  examples(
    parsedAction(cmd.command('unassign').argument('<id>').description('Take the agent off a conversation (its ticket keeps its agent, R28)'), IdOptions, (o) => assign(ctx, o.id, null)),
    ['deskctl conversations unassign 7'],
  );
  examples(
    parsedAction(cmd.command('close').argument('<id>').description("Close a conversation; the customer's next message starts a new one (R29)"), IdOptions, (o) => close(ctx, o)),
    ['deskctl conversations close 7'],
  );
}

export async function list(ctx: Context, o: z.infer<typeof ListOptions>): Promise<void> {
  await ctx.out.list(await (await ctx.helpdesk()).listConversations(o), COLUMNS);
}

export async function show(ctx: Context, o: z.infer<typeof IdOptions>): Promise<void> {
  const c = await (await ctx.helpdesk()).getConversation(o.id);
  if (ctx.out.format === 'json') return ctx.out.json(c);
  const { messages, ...rest } = c;
  await ctx.out.object(rest);
  if (ctx.out.format === 'table' && messages.length) {
    await ctx.out.list(messages, [
      { header: 'at', value: (m) => m.createdAt },
      { header: 'way', value: (m) => (m.direction === 'in' ? 'customer' : 'sent') },
      { header: 'text', value: (m) => m.text ?? `[${m.type}]` },
      { header: 'status', value: (m) => m.status ?? '' },
    ]);
  }
}

export async function assign(ctx: Context, id: number, agent: string | null): Promise<void> {
  const c = await (await ctx.helpdesk()).assignConversation(id, agent);
  if (ctx.out.format === 'json') return ctx.out.json(c);
  if (!c.changed) return ctx.out.status(`conversation ${id} already ${agent ? `has agent ${agent}` : 'has no agent'}; nothing changed`);
  ctx.out.status(
    agent
      ? `conversation ${id} is now ${agent}'s${c.ticketAgentChanged ? `, and so is ticket ${c.ticket} (R28)` : c.ticket ? `; ticket ${c.ticket} keeps its agent (R28: whatsapp.agentSync, and only an agent of its department)` : ''}`
      : `conversation ${id} has no agent now${c.ticket ? `; ticket ${c.ticket} keeps its agent (R28)` : ''}`,
  );
}

export async function close(ctx: Context, o: z.infer<typeof IdOptions>): Promise<void> {
  const c = await (await ctx.helpdesk()).closeConversation(o.id);
  if (ctx.out.format === 'json') return ctx.out.json(c);
  ctx.out.status(c.changed ? `closed conversation ${o.id}; the next message starts a new one (R29)` : `conversation ${o.id} was already closed; nothing changed`);
}
