import type { Command } from 'commander';
import { z } from 'zod';
import { Message } from '../../core/schemas.js';
import { parseInput } from '../../core/validate.js';
import type { Context } from '../../context.js';
import { invalid } from '../../core/errors.js';
import { examples, exclusiveFlags, printBatch, readTicketId, readTicketIds } from '../shared.js';

/** The verbs that change existing tickets: solve, close, reopen, reply, link-process, rate. */
export function register(parent: Command, ctx: Context): void {
  examples(
    parent
      .command('solve')
      .argument('<tickets...>', 'ticket ids or protocols (or - for stdin)')
      .option('--message <text>', 'a closing message to the customer')
      .description('Mark tickets solved; the customer is told (R22)')
      .action(async (ids: string[], o: { message?: string }) => {
        const message = o.message === undefined ? undefined : parseInput(Message, o.message, 'message');
        await printBatch(ctx, await (await ctx.helpdesk()).solveTickets(await readTicketIds(ctx, ids), message), 'solved');
      }),
    ['deskctl tickets solve 12 13 --message "Resolvido"', 'deskctl tickets solve 2026-000042 --message "Resolvido"'],
  );
  examples(
    exclusiveFlags(
      parent
        .command('assign')
        .argument('<tickets...>', 'ticket ids or protocols (or - for stdin)')
        .option('--agent <email>', 'the agent, who works in the ticket\'s department')
        .option('--none', 'unassign: the tickets get no agent')
        .description("Assign tickets to an agent of their department, or unassign them (--none)")
        .action(async (ids: string[], o: { agent?: string; none?: boolean }) => {
          if (o.agent === undefined && !o.none) throw invalid('give --agent EMAIL, or --none to unassign');
          await printBatch(ctx, await (await ctx.helpdesk()).assignTickets(await readTicketIds(ctx, ids), o.none ? null : o.agent!), o.none ? 'unassigned' : 'assigned', o.none ? 'already unassigned' : 'already theirs');
        }),
      ['--agent', '--none'],
    ),
    ['deskctl tickets assign 2026-000042 43 --agent joao@helpdesk.example', 'deskctl tickets assign 42 --none'],
  );
  examples(
    parent
      .command('close')
      .argument('<tickets...>', 'ticket ids or protocols (or - for stdin)')
      .description('Close tickets')
      .action(async (ids: string[]) => printBatch(ctx, await (await ctx.helpdesk()).closeTickets(await readTicketIds(ctx, ids)), 'closed')),
    ['deskctl tickets close 12'],
  );
  examples(
    parent
      .command('reopen')
      .argument('<tickets...>', 'ticket ids or protocols (or - for stdin)')
      .requiredOption('-m, --message <text>', 'why it is reopened (required, added to the ticket)')
      .description('Reopen solved tickets: needs reopen.allowed, never with a linked process (R19)')
      .action(async (ids: string[], o: { message: string }) => {
        const message = parseInput(Message, o.message, 'message');
        await printBatch(ctx, await (await ctx.helpdesk()).reopenTickets(await readTicketIds(ctx, ids), message), 'reopened');
      }),
    ['deskctl tickets reopen 12 --message "O problema voltou"'],
  );
  examples(
    parent
      .command('reply')
      .argument('<ticket>', 'ticket id or protocol')
      .requiredOption('-m, --message <text>', 'the answer')
      .description('Answer a ticket as an agent; the customer is told (R22)')
      .action(async (id: string, o: { message: string }) => {
        const message = parseInput(Message, o.message, 'message');
        await printBatch(ctx, await (await ctx.helpdesk()).replyTicket(await readTicketId(ctx, id), message), 'answered');
      }),
    ['deskctl tickets reply 12 --message "Pode testar novamente?"'],
  );
  examples(
    parent
      .command('link-process')
      .argument('<ticket>', 'ticket id or protocol')
      .argument('<ref>', 'the process reference')
      .description('Link a process to a ticket; a ticket with a process can never be reopened (R19)')
      .action(async (id: string, ref: string) => printBatch(ctx, await (await ctx.helpdesk()).linkProcess(await readTicketId(ctx, id), ref), 'linked')),
    ['deskctl tickets link-process 12 PROC-17'],
  );
  examples(
    parent
      .command('rate')
      .argument('<ticket>', 'ticket id or protocol')
      .argument('<rating>', '1 to 5')
      .option('--comment <text>', 'a comment with the rating')
      .description('Rate a solved or closed ticket, once (R20)')
      .action(async (id: string, rating: string, o: { comment?: string }) => {
        const r = parseInput(z.coerce.number().int('a rating is a whole number from 1 to 5').min(1, 'a rating is from 1 to 5').max(5, 'a rating is from 1 to 5'), rating, 'rating');
        await printBatch(ctx, await (await ctx.helpdesk()).rateTicket(await readTicketId(ctx, id), r, o.comment), 'rated');
      }),
    ['deskctl tickets rate 12 5 --comment "Rápido!"'],
  );
}
