import type { Command } from 'commander';
import { z } from 'zod';
import { Message } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { invalid } from '../../core/errors.js';
import { examples, exclusiveFlags, parsedAction, printBatch, readTicketId, readTicketIds } from '../shared.js';

/** Ticket ids or protocols as typed (or `-` for stdin): readTicketIds looks them up. */
const Tickets = z.array(z.string());
const Rating = z.coerce.number().int('a rating is a whole number from 1 to 5').min(1, 'a rating is from 1 to 5').max(5, 'a rating is from 1 to 5');

export const SolveOptions = z.object({ tickets: Tickets, message: Message.optional() });
export const AssignOptions = z.object({ tickets: Tickets, agent: z.string().optional(), none: z.boolean().optional() });
export const CloseOptions = z.object({ tickets: Tickets });
export const ReopenOptions = z.object({ tickets: Tickets, message: Message });
export const ReplyOptions = z.object({ ticket: z.string(), message: Message });
export const LinkProcessOptions = z.object({ ticket: z.string(), ref: z.string() });
export const RateOptions = z.object({ ticket: z.string(), rating: Rating, comment: z.string().optional() });

/** The verbs that change existing tickets: solve, close, reopen, reply, link-process, rate. */
export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('solve')
        .argument('<tickets...>', 'ticket ids or protocols (or - for stdin)')
        .option('--message <text>', 'a closing message to the customer')
        .description('Mark tickets solved; the customer is told (R22)'),
      SolveOptions,
      (o) => solve(ctx, o),
    ),
    ['deskctl tickets solve 12 13 --message "Resolvido"', 'deskctl tickets solve 2026-000042 --message "Resolvido"'],
  );
  examples(
    exclusiveFlags(
      parsedAction(
        parent
          .command('assign')
          .argument('<tickets...>', 'ticket ids or protocols (or - for stdin)')
          .option('--agent <email>', 'the agent, who works in the ticket\'s department')
          .option('--none', 'unassign: the tickets get no agent')
          .description("Assign tickets to an agent of their department, or unassign them (--none)"),
        AssignOptions,
        (o) => assign(ctx, o),
      ),
      ['--agent', '--none'],
    ),
    ['deskctl tickets assign 2026-000042 43 --agent joao@helpdesk.example', 'deskctl tickets assign 42 --none'],
  );
  examples(
    parsedAction(
      parent
        .command('close')
        .argument('<tickets...>', 'ticket ids or protocols (or - for stdin)')
        .description('Close tickets'),
      CloseOptions,
      (o) => close(ctx, o),
    ),
    ['deskctl tickets close 12'],
  );
  examples(
    parsedAction(
      parent
        .command('reopen')
        .argument('<tickets...>', 'ticket ids or protocols (or - for stdin)')
        .requiredOption('-m, --message <text>', 'why it is reopened (required, added to the ticket)')
        .description('Reopen solved tickets: needs reopen.allowed, never with a linked process (R19)'),
      ReopenOptions,
      (o) => reopen(ctx, o),
    ),
    ['deskctl tickets reopen 12 --message "O problema voltou"'],
  );
  examples(
    parsedAction(
      parent
        .command('reply')
        .argument('<ticket>', 'ticket id or protocol')
        .requiredOption('-m, --message <text>', 'the answer')
        .description('Answer a ticket as an agent; the customer is told (R22)'),
      ReplyOptions,
      (o) => reply(ctx, o),
    ),
    ['deskctl tickets reply 12 --message "Pode testar novamente?"'],
  );
  examples(
    parsedAction(
      parent
        .command('link-process')
        .argument('<ticket>', 'ticket id or protocol')
        .argument('<ref>', 'the process reference')
        .description('Link a process to a ticket; a ticket with a process can never be reopened (R19)'),
      LinkProcessOptions,
      (o) => linkProcess(ctx, o),
    ),
    ['deskctl tickets link-process 12 PROC-17'],
  );
  examples(
    parsedAction(
      parent
        .command('rate')
        .argument('<ticket>', 'ticket id or protocol')
        .argument('<rating>', '1 to 5')
        .option('--comment <text>', 'a comment with the rating')
        .description('Rate a solved or closed ticket, once (R20)'),
      RateOptions,
      (o) => rate(ctx, o),
    ),
    ['deskctl tickets rate 12 5 --comment "Rápido!"'],
  );
}

export async function solve(ctx: Context, o: z.infer<typeof SolveOptions>): Promise<void> {
  await printBatch(ctx, await (await ctx.helpdesk()).solveTickets(await readTicketIds(ctx, o.tickets), o.message), 'solved');
}

export async function assign(ctx: Context, o: z.infer<typeof AssignOptions>): Promise<void> {
  if (o.agent === undefined && !o.none) throw invalid('give --agent EMAIL, or --none to unassign');
  await printBatch(ctx, await (await ctx.helpdesk()).assignTickets(await readTicketIds(ctx, o.tickets), o.none ? null : o.agent!), o.none ? 'unassigned' : 'assigned', o.none ? 'already unassigned' : 'already theirs');
}

export async function close(ctx: Context, o: z.infer<typeof CloseOptions>): Promise<void> {
  await printBatch(ctx, await (await ctx.helpdesk()).closeTickets(await readTicketIds(ctx, o.tickets)), 'closed');
}

export async function reopen(ctx: Context, o: z.infer<typeof ReopenOptions>): Promise<void> {
  await printBatch(ctx, await (await ctx.helpdesk()).reopenTickets(await readTicketIds(ctx, o.tickets), o.message), 'reopened');
}

export async function reply(ctx: Context, o: z.infer<typeof ReplyOptions>): Promise<void> {
  await printBatch(ctx, await (await ctx.helpdesk()).replyTicket(await readTicketId(ctx, o.ticket), o.message), 'answered');
}

export async function linkProcess(ctx: Context, o: z.infer<typeof LinkProcessOptions>): Promise<void> {
  await printBatch(ctx, await (await ctx.helpdesk()).linkProcess(await readTicketId(ctx, o.ticket), o.ref), 'linked');
}

export async function rate(ctx: Context, o: z.infer<typeof RateOptions>): Promise<void> {
  await printBatch(ctx, await (await ctx.helpdesk()).rateTicket(await readTicketId(ctx, o.ticket), o.rating, o.comment), 'rated');
}
