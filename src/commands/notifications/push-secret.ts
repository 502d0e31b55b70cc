import type { Command } from 'commander';
import { z } from 'zod';
import { invalid } from '../../core/errors.js';
import type { PushSecretStatus } from '../../core/push-secret.js';
import type { Context } from '../../context.js';
import { examples, exclusiveFlags, parsedAction } from '../shared.js';

export const Options = z.object({
  stdin: z.boolean().optional(),
  clear: z.boolean().optional(),
  yes: z.boolean().optional(),
});

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      exclusiveFlags(
        parent
          .command('push-secret')
          .option('--stdin', 'set (or replace) the secret, read from stdin (one trailing line break is dropped; a terminal asks for it, hidden)')
          .option('--clear', 'remove the secret (push notifications then wait until one is set; asks first on a terminal)')
          .option('-y, --yes', 'with --clear: do not ask for confirmation')
          .description('The secret that signs push notifications (R33, header X-Deskctl-Signature-256); without an option, whether one is set (never the secret)'),
        ['--stdin', '--clear'],
      ),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'openssl rand -hex 32 > push.secret && deskctl notifications push-secret --stdin < push.secret',
      'deskctl notifications push-secret',
      'deskctl notifications push-secret --clear --yes',
    ],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  if (o.yes && !o.clear) throw invalid('--yes goes with --clear');
  if (o.stdin) return set(ctx);
  if (o.clear) return clear(ctx, o.yes);
  return show(ctx);
}

const HINT = 'openssl rand -hex 32 | deskctl notifications push-secret --stdin';

/** The secret: a hidden prompt on a terminal, else all of stdin less one trailing line break. Never echoed, not even in an error. */
async function readSecret(ctx: Context): Promise<string> {
  if (ctx.interactive) {
    const { password } = await import('@inquirer/prompts');
    return password({ message: 'Push secret', mask: true }, { input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream });
  }
  if (ctx.io.stdin.isTTY) throw invalid(`--stdin: stdin is a terminal but stdout is not; pipe the secret in (${HINT})`);
  const secret = (await ctx.readStdin()).replace(/\r?\n$/, '');
  if (!secret) throw invalid(`stdin: empty; pipe the push secret in (${HINT})`);
  return secret;
}

async function set(ctx: Context): Promise<void> {
  const secret = await readSecret(ctx);
  const r = await (await ctx.helpdesk()).setPushSecret({ secret });
  warn(ctx, r);
  if (ctx.out.format === 'json') return ctx.out.json(r);
  const stored = r.encrypted ? `encrypted (key ${r.keyId})` : 'in plain text';
  ctx.out.status(r.changed ? `push secret ${r.replaced ? 'replaced' : 'set'}, stored ${stored}` : 'this push secret is already set, stored the same way; nothing changed');
}

async function clear(ctx: Context, yes: boolean | undefined): Promise<void> {
  const hd = await ctx.helpdesk();
  const status = await hd.pushSecretStatus();
  if (status.set && !(await ctx.confirm('Remove the push secret (push notifications wait until one is set again)?', yes))) {
    ctx.out.status('nothing removed');
    ctx.exitCode = 1;
    return;
  }
  const r = await hd.clearPushSecret();
  if (ctx.out.format === 'json') return ctx.out.json(r);
  ctx.out.status(r.cleared ? 'push secret removed; push notifications wait until one is set again' : 'no push secret is set; nothing to remove');
}

async function show(ctx: Context): Promise<void> {
  const s = await (await ctx.helpdesk()).pushSecretStatus();
  warn(ctx, s);
  await ctx.out.object(s, [
    ['push url', s.pushUrl ?? ''],
    ['push secret', s.set ? 'set' : 'not set'],
    ['stored', !s.set ? '' : s.encrypted ? `encrypted (key ${s.keyId}${s.keyMatches ? '' : ', not the key given here'})` : 'plain text'],
    ['updated at', s.updatedAt ?? ''],
  ]);
}

/** What stands between the set-up and a signed push: a missing URL or secret, a secret in plain text, another key. */
function warn(ctx: Context, s: PushSecretStatus): void {
  const where = ctx.resolution.target.kind === 'api' ? 'the server' : 'deskctl';
  if (s.pushUrl === null) ctx.out.warn('notifications.pushUrl is not set: push notifications wait until it is (deskctl settings set notifications.pushUrl https://…)');
  if (!s.set) ctx.out.warn(`no push secret is set: push notifications wait until one is (${HINT})`);
  else if (!s.encrypted) ctx.out.warn(`the push secret is stored in plain text in the database; to encrypt it, give ${where} DESKCTL_SECRETS_KEY or DESKCTL_SECRETS_KEY_FILE (openssl rand -base64 32) and set it again`);
  else if (s.keyMatches === false) ctx.out.warn(`the push secret was encrypted with key ${s.keyId}; the key given here (DESKCTL_SECRETS_KEY or DESKCTL_SECRETS_KEY_FILE) is another one, or none: what runs with it cannot sign push notifications`);
}
