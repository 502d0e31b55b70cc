import type { Command } from 'commander';
import { z } from 'zod';
import { PROFILE_NAME, PROFILE_NAME_RULE } from '../../config/profiles.js';
import { parseSmtpUrl, redactUrl } from '../../config/smtp.js';
import { invalid, notFound } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { examples, excludeEachOther, parsedAction } from '../shared.js';

export const Options = z.object({
  name: z.string().regex(PROFILE_NAME, PROFILE_NAME_RULE),
  urlStdin: z.boolean().optional(),
  clear: z.boolean().optional(),
});
type Options = z.infer<typeof Options>;

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('set-smtp')
        .argument('<name>', 'a saved profile')
        .usage('<name> (--url-stdin | --clear)')
        .option('--url-stdin', 'read the SMTP URL from stdin (a terminal asks for it, hidden); stored in plain text, mode 0600')
        .option('--clear', 'remove the SMTP URL stored for the profile')
        .description('Save the SMTP server e-mail notifications go through (smtp://… or smtps://user:password@host:465) with a profile; DESKCTL_SMTP_URL wins over it'),
      Options,
      (o) => run(ctx, o),
    ),
    [
      "printf '%s' 'smtp://apikey:s3cr%40t@smtp.example.com:587?tls=required' | deskctl profile set-smtp prod --url-stdin",
      'deskctl profile set-smtp prod --url-stdin < smtp-url.txt',
      'deskctl profile set-smtp prod --clear',
    ],
  );
}

/** The URL: a hidden prompt on a terminal, else stdin. Never echoed, not even in an error. */
async function readUrl(ctx: Context): Promise<string> {
  let text: string;
  if (ctx.interactive) {
    const { password } = await import('@inquirer/prompts');
    text = await password({ message: 'SMTP URL', mask: true }, { input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream });
  } else {
    if (ctx.io.stdin.isTTY) throw invalid('--url-stdin: stdin is a terminal but stdout is not; pipe the URL in (... --url-stdin < smtp-url.txt)');
    text = await ctx.readStdin();
  }
  const url = text.trim();
  if (!url) throw invalid('--url-stdin: stdin was empty (pipe the URL in: ... --url-stdin < smtp-url.txt)');
  if (/\s/.test(url)) throw invalid('--url-stdin: an SMTP URL is one line without spaces (percent-encode a space in the password as %20)');
  parseSmtpUrl(url, '--url-stdin');
  return url;
}

export async function run(ctx: Context, o: Options): Promise<void> {
  excludeEachOther([
    ['--url-stdin', Boolean(o.urlStdin)],
    ['--clear', Boolean(o.clear)],
  ]);
  if (!o.urlStdin && !o.clear) throw invalid('give --url-stdin (the URL comes from stdin, never as a flag value) or --clear');
  const { ProfileStore } = await import('../../config/store.js');
  const store = ProfileStore.open(ctx.env);
  if (!store.get(o.name)) throw notFound(`no profile named "${o.name}"; see: deskctl profile list`);
  const url = o.urlStdin ? await readUrl(ctx) : undefined;
  const result = store.setSmtpUrl(o.name, url);
  const shown = url === undefined ? null : redactUrl(url);

  if (ctx.out.format === 'json') return ctx.out.json({ name: o.name, smtp: shown, result });
  if (result === 'unchanged') ctx.out.status(url === undefined ? `profile ${o.name} has no SMTP URL; nothing changed` : `profile ${o.name} already has this SMTP URL (${shown}); nothing changed`);
  else if (result === 'removed') ctx.out.status(`removed the SMTP URL of profile ${o.name}`);
  else ctx.out.status(`${result === 'set' ? 'saved' : 'replaced'} the SMTP URL of profile ${o.name}: ${shown} (plain text in ${store.credentialsPath}, readable only by you: mode 0600)`);
  if (url !== undefined && ctx.env.DESKCTL_SMTP_URL?.trim()) ctx.out.warn('DESKCTL_SMTP_URL is set in this shell and takes precedence over the profile');
}
