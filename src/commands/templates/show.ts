import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { LOCALES } from '../../core/model.js';
import type { Context } from '../../context.js';
import { printable } from '../../output/render.js';
import { examples, parsedAction } from '../shared.js';

export const Options = z.object({ kind: z.string(), locale: z.enum(LOCALES).optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('show')
        .argument('<kind>', 'the template: a notification kind (ticket_opened …) or a WhatsApp reply (whatsapp_ask_email …)')
        .addOption(new Option('--locale <locale>', "the template's language (default: the tenant's locale setting)").choices(LOCALES))
        .description('Show a template in effect: its subject, its body and the fields it may use (R34)'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl templates show ticket_opened', 'deskctl templates show draft_rejected --locale en', 'deskctl templates show ticket_opened -o json | jq -r .body > ticket_opened.txt'],
  );
}

/** Text a tenant wrote, safe on a terminal line by line (its line breaks kept). */
const shown = (text: string) => text.split('\n').map(printable).join('\n');

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const t = await (await ctx.helpdesk()).showTemplate(o.kind, o.locale);
  if (ctx.out.format === 'json') return ctx.out.json(t);
  if (ctx.out.format === 'csv') {
    return ctx.out.object(t, [
      ['kind', t.kind],
      ['locale', t.locale],
      ['overridden', t.overridden],
      ['subject', t.subject ?? ''],
      ['body', t.body],
      ['fields', t.fields.map((f) => f.name).join(' ')],
    ]);
  }
  const origin = t.overridden ? `overridden (${t.updatedAt})` : 'built-in';
  const width = Math.max(...t.fields.map((f) => f.name.length));
  ctx.out.write(
    [
      `${t.kind} (${t.locale}), ${origin}`,
      `subject: ${t.subject === null ? '(none: a WhatsApp message)' : printable(t.subject)}`,
      '',
      shown(t.body),
      '',
      'fields:',
      ...t.fields.map((f) => `  ${f.name.padEnd(width)}  ${f.description}`),
      '',
    ].join('\n'),
  );
}
