import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

/** The message's fields are checked by the engine's schema (IncomingMessageInput), the same for the local and the remote path. */
export const ReceiveOptions = z.object({
  from: z.string(),
  text: z.string(),
  name: z.string().optional(),
  id: z.string().optional(),
  at: z.string().optional(),
});

export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
        .command('receive')
        .requiredOption('--from <phone>', "the customer's phone (compared as digits only)")
        .requiredOption('--text <text>', 'what the customer wrote')
        .option('--name <name>', "the customer's WhatsApp profile name (the name of a customer registered from the conversation)")
        .option('--id <message-id>', "WhatsApp's message id: a message id seen before has no second effect (R31)")
        .option('--at <time>', 'when it was sent (ISO-8601; default now)')
        .description('Take one incoming WhatsApp message through the conversation flow, as the webhook does (R24-R31)'),
      ReceiveOptions,
      (o) => receive(ctx, o),
    ),
    [
      'deskctl whatsapp receive --from "+55 11 91234-5678" --name "Maria Souza" --text "Olá, meu boleto não chegou"',
      'deskctl whatsapp receive --from 5511912345678 --text maria@empresa.com.br -o json',
    ],
  );
}

export async function receive(ctx: Context, o: z.infer<typeof ReceiveOptions>): Promise<void> {
  const r = await (await ctx.helpdesk()).receiveWhatsApp({ from: o.from, text: o.text, name: o.name ?? null, id: o.id ?? null, at: o.at ?? null, type: 'text' });
  if (ctx.out.format === 'json') return ctx.out.json(r);
  const c = r.conversation;
  if (ctx.out.format === 'csv') return ctx.out.list(r.replies, [{ header: 'reply', value: (x) => x.text }]);
  if (r.duplicate) ctx.out.status(`message ${o.id} was received before; nothing changed (R31)`);
  for (const reply of r.replies) ctx.out.write(`${reply.text}\n`);
  const what = r.ticket ? `ticket ${r.ticket.protocol}` : r.draft ? `draft ${r.draft.id} (waits for approval)` : 'no ticket';
  ctx.out.status(`conversation ${c.id} with ${c.phone}${c.customer ? ` (${c.customer})` : ''}: ${c.state}, ${what}${r.replies.length ? '' : '; no automatic reply'}`);
}
