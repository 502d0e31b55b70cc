import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { LOCALES } from '../../core/model.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

export const Options = z.object({ kind: z.string(), locale: z.enum(LOCALES) });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('reset')
        .argument('<kind>', 'the template: a notification kind (ticket_opened …) or a WhatsApp reply (whatsapp_ask_email …)')
        .addOption(new Option('--locale <locale>', "the template's language").choices(LOCALES).makeOptionMandatory())
        .description("Go back to the built-in template of a kind in a locale (the tenant's own is removed) (R34)"),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl templates reset ticket_opened --locale pt-BR'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const r = await (await ctx.helpdesk()).resetTemplate(o.kind, o.locale);
  if (ctx.out.format === 'json') return ctx.out.json(r);
  ctx.out.status(r.changed ? `template ${r.kind} (${r.locale}) is the built-in one again` : `template ${r.kind} (${r.locale}) is the built-in one already; nothing changed`);
}
