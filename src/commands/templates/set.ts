import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { invalid } from '../../core/errors.js';
import { LOCALES } from '../../core/model.js';
import type { Context } from '../../context.js';
import { examples, parsedAction, readFileOrStdin } from '../shared.js';

export const Options = z.object({
  kind: z.string(),
  locale: z.enum(LOCALES),
  subject: z.string().optional(),
  bodyFile: z.string().min(1),
});

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('set')
        .argument('<kind>', 'the template: a notification kind (ticket_opened …) or a WhatsApp reply (whatsapp_ask_email …)')
        .addOption(new Option('--locale <locale>', "the template's language").choices(LOCALES).makeOptionMandatory())
        .option('--subject <subject>', 'the subject, one line with {{fields}} (default: the subject it has now)')
        .requiredOption('--body-file <file>', 'the body: a UTF-8 text file with {{fields}} and {{#field}}…{{/field}} sections; - reads stdin')
        .description("Override a template in a locale; one that uses a field the kind does not have is refused, nothing written (R34)"),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'deskctl templates set ticket_opened --locale pt-BR --subject "Chamado {{protocol}} aberto" --body-file ticket_opened.txt',
      "printf 'Olá! Aqui é a {{tenant}}. Qual é o seu e-mail?' | deskctl templates set whatsapp_ask_email --locale pt-BR --body-file -",
    ],
  );
}

/** The body's bytes as text: invalid UTF-8 is refused, never replaced by U+FFFD and stored. */
async function readBody(ctx: Context, file: string): Promise<string> {
  if (file === '-' && ctx.io.stdin.isTTY) ctx.out.status('reading the body from the terminal; end it with Ctrl-D');
  const bytes = await readFileOrStdin(ctx, file, (f) => `--body-file: cannot read ${f}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid(`--body-file: ${file === '-' ? 'stdin' : file} is not valid UTF-8 (save it as UTF-8)`);
  }
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const body = await readBody(ctx, o.bodyFile);
  const r = await (await ctx.helpdesk()).setTemplate(o.kind, { locale: o.locale, subject: o.subject, body });
  if (ctx.out.format === 'json') return ctx.out.json(r);
  ctx.out.status(r.changed ? `template ${r.kind} (${r.locale}) set; templates show ${r.kind} --locale ${r.locale} shows it` : `template ${r.kind} (${r.locale}) is already so; nothing changed`);
}
