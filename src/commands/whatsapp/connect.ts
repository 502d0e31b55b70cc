import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { invalid } from '../../core/errors.js';
import { parseInput } from '../../core/validate.js';
import { WhatsappSecrets, type WhatsappConnection, type WhatsappSecretValues } from '../../core/whatsapp-connection.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

export const Options = z.object({
  phoneNumberId: z.string(),
  displayNumber: z.string().optional(),
  secretsStdin: z.literal(true, { error: 'the secrets come only from stdin: give --secrets-stdin' }),
});

const SHAPE = '{"appSecret":"…","accessToken":"…","verifyToken":"…"}';

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('connect')
        .requiredOption('--phone-number-id <id>', "Meta's id of the business phone number (WhatsApp > API Setup)")
        .option('--display-number <number>', 'the business number as customers dial it, e.g. "+55 11 3000-0000"')
        .addOption(new Option('--secrets-stdin', `read the secrets from stdin as JSON ${SHAPE} (a terminal asks for each, hidden)`).makeOptionMandatory())
        .description('Connect the tenant to its WhatsApp Business number (again: replace the connection); the secrets are never shown again'),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'deskctl whatsapp connect --phone-number-id 106540352242922 --display-number "+55 11 3000-0000" --secrets-stdin < whatsapp-secrets.json',
      'DESKCTL_SECRETS_KEY_FILE=/etc/deskctl/secrets.key deskctl whatsapp connect --phone-number-id 106540352242922 --secrets-stdin < whatsapp-secrets.json',
    ],
  );
}

/** The secrets: hidden prompts on a terminal, else one JSON object on stdin. Never echoed, not even in an error. */
async function readSecrets(ctx: Context): Promise<WhatsappSecretValues> {
  if (ctx.interactive) {
    const { password } = await import('@inquirer/prompts');
    const ask = (message: string) => password({ message, mask: true }, { input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream });
    return parseInput(WhatsappSecrets, { appSecret: await ask('App secret'), accessToken: await ask('Access token'), verifyToken: await ask('Verify token') }, 'secrets');
  }
  if (ctx.io.stdin.isTTY) throw invalid(`--secrets-stdin: stdin is a terminal but stdout is not; pipe the secrets in as JSON ${SHAPE}`);
  const text = (await ctx.readStdin()).trim();
  if (!text) throw invalid(`stdin: empty; pipe the secrets in as JSON ${SHAPE}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input: never repeated here.
    throw invalid(`stdin: not valid JSON; expected ${SHAPE}`);
  }
  return parseInput(WhatsappSecrets, parsed, 'stdin');
}

/** The one warning of a connection whose secrets sit in plain text (connect and show). */
export function warnIfPlain(ctx: Context, c: WhatsappConnection): void {
  if (!c.encrypted) {
    ctx.out.warn(
      `the WhatsApp secrets are stored in plain text in the database; to encrypt them, give ${ctx.resolution.target.kind === 'api' ? 'the server' : 'deskctl'} DESKCTL_SECRETS_KEY or DESKCTL_SECRETS_KEY_FILE (openssl rand -base64 32) and connect again`,
    );
  } else if (c.keyMatches === false) {
    ctx.out.warn(`the WhatsApp secrets were encrypted with key ${c.keyId}; the key given here (DESKCTL_SECRETS_KEY or DESKCTL_SECRETS_KEY_FILE) is another one, or none: what runs with it cannot read them`);
  }
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const secrets = await readSecrets(ctx);
  const r = await (await ctx.helpdesk()).connectWhatsapp({ phoneNumberId: o.phoneNumberId, displayNumber: o.displayNumber, secrets });
  warnIfPlain(ctx, r);
  if (ctx.out.format === 'json') return ctx.out.json(r);
  const number = r.displayNumber ? ` (${r.displayNumber})` : '';
  const stored = r.encrypted ? `encrypted (key ${r.keyId})` : 'in plain text';
  if (!r.changed) ctx.out.status(`already connected to phone number id ${r.phoneNumberId}${number} with these secrets; nothing changed`);
  else ctx.out.status(`${r.replaced ? 'reconnected' : 'connected'} to phone number id ${r.phoneNumberId}${number}; app secret, access token and verify token stored ${stored}`);
}
