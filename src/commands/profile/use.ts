import type { Command } from 'commander';
import { z } from 'zod';
import { invalid, notFound } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { examples, excludeEachOther, parsedAction } from '../shared.js';

export const UseOptions = z.object({ name: z.string().optional(), none: z.boolean().optional() });
export const RemoveOptions = z.object({ name: z.string() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('use')
        .argument('[name]', 'the profile every command uses from now on')
        .option('--none', 'use no profile: back to the environment and the defaults')
        .description('Choose the profile commands use when no flag or environment variable says otherwise'),
      UseOptions,
      (o) => use(ctx, o.name, Boolean(o.none)),
    ),
    ['deskctl profile use staging', 'deskctl profile use --none'],
  );
}

export function registerRemove(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('remove')
        .argument('<name>')
        .description('Remove a profile, its stored token and SMTP URL (if it is the current one, no profile is current afterwards)'),
      RemoveOptions,
      (o) => remove(ctx, o.name),
    ),
    ['deskctl profile remove staging'],
  );
}

async function openStore(ctx: Context) {
  const { ProfileStore } = await import('../../config/store.js');
  return ProfileStore.open(ctx.env);
}

/** Environment variables that beat the current profile, so `use` can say it will not take effect yet. */
function overriddenBy(env: NodeJS.ProcessEnv): string[] {
  return ['DESKCTL_DB', 'DESKCTL_API_URL', 'DESKCTL_PROFILE'].filter((k) => env[k]);
}

export async function use(ctx: Context, name: string | undefined, none: boolean): Promise<void> {
  excludeEachOther([
    ['a profile name', name !== undefined],
    ['--none', none],
  ]);
  if (!none && name === undefined) throw invalid('give a profile name, or --none for no profile');
  const store = await openStore(ctx);
  const before = store.current();
  if (name !== undefined && !store.get(name)) throw notFound(`no profile named "${name}"; see: deskctl profile list`);
  const changed = before !== name;
  if (changed) store.use(name);
  if (ctx.out.format === 'json') return ctx.out.json({ current: name ?? null, changed });
  if (name === undefined) ctx.out.status(before === undefined ? 'no profile was in use' : `no profile in use (was ${before})`);
  else ctx.out.status(changed ? `now using profile ${name}` : `already using profile ${name}`);
  const over = overriddenBy(ctx.env);
  if (name !== undefined && over.length) ctx.out.warn(`${over.join(' and ')} ${over.length > 1 ? 'are' : 'is'} set in this shell and take${over.length > 1 ? '' : 's'} precedence over the current profile`);
}

export async function remove(ctx: Context, name: string): Promise<void> {
  const store = await openStore(ctx);
  if (!store.get(name)) throw notFound(`no profile named "${name}"; see: deskctl profile list`);
  const r = store.remove(name);
  if (ctx.out.format === 'json') return ctx.out.json({ removed: name, wasCurrent: r.wasCurrent, tokenRemoved: r.hadToken, smtpRemoved: r.hadSmtpUrl });
  const stored = [r.hadToken && 'its stored token', r.hadSmtpUrl && 'its SMTP URL'].filter(Boolean).join(' and ');
  ctx.out.status(`removed profile ${name}${stored ? ` and ${stored}` : ''}`);
  if (r.wasCurrent) ctx.out.status('it was the current profile: commands now use the environment or the defaults (deskctl profile use NAME)');
}
