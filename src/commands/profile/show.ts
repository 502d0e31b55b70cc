import { displayTarget } from '../../config/database.js';
import type { Command } from 'commander';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

export const ShowOptions = z.object({ name: z.string().optional() });
import { targetText, tokenText, view } from './shape.js';

export function registerList(parent: Command, ctx: Context): void {
  examples(parent.command('list').description('List saved profiles; * marks the current one (tokens are never shown)').action(() => list(ctx)), [
    'deskctl profile list',
    'deskctl profile list -o json | jq -r ".[].name"',
  ]);
}

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('show')
        .argument('[name]', 'a saved profile; without it, what this command line and environment point at')
        .description('Show a profile, or where commands go now and where each setting came from (never the token)'),
      ShowOptions,
      ({ name }) => (name === undefined ? effective(ctx) : show(ctx, name)),
    ),
    ['deskctl profile show', 'deskctl profile show staging', 'DESKCTL_TENANT=acme deskctl --profile staging profile show -o json'],
  );
}

async function openStore(ctx: Context) {
  const { ProfileStore } = await import('../../config/store.js');
  return ProfileStore.open(ctx.env);
}

export async function list(ctx: Context): Promise<void> {
  const store = await openStore(ctx);
  const views = store.list().map((e) => view(e.name, e.profile, e.current, e.tokenSet));
  await ctx.out.list(views, [
    { header: 'current', value: (v) => (v.current ? '*' : '') },
    { header: 'name', value: (v) => v.name },
    { header: 'kind', value: (v) => v.kind },
    { header: 'target', value: targetText },
    { header: 'tenant', value: (v) => v.tenant ?? '' },
    { header: 'token', value: tokenText },
  ]);
  if (views.length === 0 && ctx.out.format === 'table' && ctx.io.stdout.isTTY) {
    ctx.out.status('add one with: deskctl profile add NAME --db FILE  or  --api URL --token-stdin');
  }
}

export async function show(ctx: Context, name: string): Promise<void> {
  const store = await openStore(ctx);
  const p = store.get(name);
  if (!p) throw notFound(`no profile named "${name}"; see: deskctl profile list`);
  const v = view(name, p, store.current() === name, store.hasToken(name));
  if (ctx.out.format === 'json') return ctx.out.json(v);
  await ctx.out.object(v, [
    ['name', v.name],
    ['current', v.current ? 'yes' : 'no'],
    ['kind', v.kind],
    [v.kind === 'local' ? 'db' : 'api', targetText(v)],
    ['tenant', v.tenant ?? '(default unless DESKCTL_TENANT or --tenant)'],
    ...(v.kind === 'api' ? ([['token', v.tokenSet ? `set (plain text in ${store.credentialsPath})` : 'not set (DESKCTL_TOKEN is used)']] as [string, unknown][]) : []),
  ]);
}

/** What a command run with these flags and this environment would use, and why. */
export async function effective(ctx: Context): Promise<void> {
  const r = ctx.resolution;
  const t = r.target;
  const json = {
    profile: r.profile ?? null,
    kind: t.kind,
    db: t.kind === 'local' ? displayTarget(t.db) : null,
    api: t.kind === 'api' ? t.url : null,
    tenant: r.tenant,
    tokenSet: t.kind === 'api' ? t.token !== undefined : false,
    from: { target: r.from.target, tenant: r.from.tenant, token: r.from.token ?? null },
  };
  if (ctx.out.format === 'json') return ctx.out.json(json);
  await ctx.out.object(json, [
    ['profile', r.profile ?? '(none)'],
    [t.kind === 'local' ? 'db' : 'api', `${t.kind === 'local' ? displayTarget(t.db) : t.url}   (from ${r.from.target})`],
    ['tenant', `${r.tenant}   (from ${r.from.tenant})`],
    ...(t.kind === 'api'
      ? ([['token', t.token !== undefined ? `set   (from ${r.from.token})` : 'not set: commands will fail (exit 4) until DESKCTL_TOKEN is set or the profile has one']] as [string, unknown][])
      : []),
  ]);
}

