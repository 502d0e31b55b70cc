import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { examples, yesNo } from '../shared.js';
import { warnIfPlain } from './connect.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parent.command('show').description('Show the WhatsApp connection (never its secrets: only whether each is set, and how it is stored) and the whatsapp.* settings').action(() => run(ctx)),
    ['deskctl whatsapp show', 'deskctl whatsapp show -o json'],
  );
}

export async function run(ctx: Context): Promise<void> {
  const s = await (await ctx.helpdesk()).whatsappStatus();
  const c = s.connection;
  if (c) warnIfPlain(ctx, c);
  else ctx.out.status('not connected: deskctl whatsapp connect --phone-number-id ID --secrets-stdin < secrets.json');
  const set = (b: boolean) => (b ? 'set' : 'not set');
  const fields: [string, unknown][] = c
    ? [
        ['connected', yesNo(true)],
        ['phone number id', c.phoneNumberId],
        ['display number', c.displayNumber ?? ''],
        ['app secret', set(c.secrets.appSecret)],
        ['access token', set(c.secrets.accessToken)],
        ['verify token', set(c.secrets.verifyToken)],
        ['stored', c.encrypted ? `encrypted (key ${c.keyId}${c.keyMatches ? '' : ', not the key given here'})` : 'plain text'],
        ['connected at', c.connectedAt],
        ['updated at', c.updatedAt],
      ]
    : [['connected', yesNo(false)]];
  for (const [k, v] of Object.entries(s.settings)) fields.push([k, v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v)]);
  await ctx.out.object(s, fields);
}
