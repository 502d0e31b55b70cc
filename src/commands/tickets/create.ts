import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { invalid } from '../../core/errors.js';
import { CHANNELS, PRIORITIES, SERVICE_CHANNELS, type Attachment } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { collect, examples, exclusiveFlags, parsedAction } from '../shared.js';

/**
 * The request's own fields are checked by the API's schema (createTicket), so that the local and
 * the remote paths refuse the same input with the same words; the flags here are their text.
 * `--field` pairs are split, and `--attach` files read, in run (a file is I/O).
 */
export const Options = z.object({
  requester: z.string(),
  department: z.string(),
  category: z.string().optional(),
  subject: z.string(),
  message: z.string(),
  channel: z.string(),
  conversation: z.string().optional(),
  field: z.array(z.string()),
  attach: z.array(z.string()),
  internal: z.boolean().optional(),
  private: z.boolean().optional(),
  topic: z.string().optional(),
  serviceChannel: z.string().optional(),
  statusDetail: z.string().optional(),
  process: z.string().optional(),
  type: z.string().optional(),
  priority: z.string().optional(),
});
type Options = z.infer<typeof Options>;

export function register(parent: Command, ctx: Context): void {
  examples(
    exclusiveFlags(
      parsedAction(
      parent
      .command('create')
      .requiredOption('--requester <email>', 'the customer asking')
      .requiredOption('--department <name>', 'the department that will answer')
      .option('--category <name>', 'a category of that department (never with --channel email, R9)')
      .requiredOption('--subject <text>', 'subject')
      .requiredOption('--message <text>', 'the request')
      .addOption(new Option('--channel <channel>', 'where the request came from; agent never needs approval (R8)').choices(CHANNELS).default('panel'))
      .option('--conversation <id>', 'WhatsApp conversation: follow-ups join a pending draft (R16)')
      .option('--field <key=value>', 'a custom field (repeatable)', collect, [])
      .option('--attach <file>', 'attach a file (repeatable; its name, size and SHA-256 are recorded)', collect, [])
      .option('--internal', 'an internal ticket, staff only (with --channel agent)')
      .option('--private', "a manager's own ticket hidden from the other managers (R21)")
      .option('--topic <name>', 'a topic (deskctl topics list); the request must give what it requires (R42)')
      .addOption(new Option('--service-channel <channel>', 'how the customer was served (R42)').choices(SERVICE_CHANNELS))
      .option('--status-detail <text>', 'a status detail, "status complementar" (R42)')
      .option('--process <ref>', 'the linked process (R42: a topic may require one; R19: never reopened)')
      .option('--type <type>', 'the kind of ticket (free text: Incidente, Dúvida …)')
      .addOption(new Option('--priority <priority>', 'how urgent it is').choices(PRIORITIES).default('normal'))
      .description('Open a ticket; when approval applies (R7) it becomes a draft for the managers'),
      Options,
      (o) => run(ctx, o),
      ),
    ['--internal', '--private'],
    ),
    [
      'deskctl tickets create --requester ana@norte.example --department Suporte --category Acesso --subject "ERP" --message "Sem acesso"',
      'deskctl tickets create --requester ana@norte.example --department Suporte --channel email --subject "Falha" --message "..."',
      'deskctl tickets create --requester ana@norte.example --department Suporte --channel whatsapp --conversation wa-991 --subject "Oi" --message "Preciso de ajuda"',
      'deskctl tickets create --requester ana@norte.example --department Suporte --topic Instalação --service-channel phone --status-detail "Aguardando técnico" --subject "Instalar" --message "..."',
    ],
  );
}

function parseFields(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw invalid(`--field "${p}": expected key=value`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

async function readAttachments(files: string[]): Promise<Attachment[]> {
  return Promise.all(
    files.map(async (file) => {
      let data: Buffer;
      try {
        data = await readFile(file);
      } catch (e) {
        throw invalid(`--attach ${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      return { name: basename(file), size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
    }),
  );
}

export async function run(ctx: Context, o: Options): Promise<void> {
  const request = {
    requester: o.requester,
    department: o.department,
    category: o.category ?? null,
    subject: o.subject,
    message: o.message,
    channel: o.channel,
    conversation: o.conversation ?? null,
    fields: parseFields(o.field),
    attachments: await readAttachments(o.attach),
    visibility: o.internal ? 'internal' : o.private ? 'private' : 'public',
    // R42: sent only when given, so a request without them reads as it always did.
    ...(o.topic !== undefined ? { topic: o.topic } : {}),
    ...(o.serviceChannel !== undefined ? { serviceChannel: o.serviceChannel } : {}),
    ...(o.statusDetail !== undefined ? { statusDetail: o.statusDetail } : {}),
    ...(o.process !== undefined ? { processRef: o.process } : {}),
    type: o.type ?? null,
    priority: o.priority,
  };
  const outcome = await (await ctx.helpdesk()).createTicket(request);
  if (ctx.out.format === 'json') return ctx.out.json(outcome);
  if (outcome.outcome === 'ticket') {
    ctx.out.write(`${outcome.ticket.protocol}\n`);
    ctx.out.status(`created ticket ${outcome.ticket.protocol} (id ${outcome.ticket.id}), due ${outcome.ticket.dueAt}`);
  } else {
    ctx.out.write(`draft ${outcome.draft.id}\n`);
    ctx.out.status(
      outcome.appended
        ? `added the message to pending draft ${outcome.draft.id}; the customer was told it waits for approval (R16)`
        : `the request needs approval: draft ${outcome.draft.id} waits for the organization's managers (R7, R10)`,
    );
  }
}
