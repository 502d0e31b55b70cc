import { displayTarget } from '../../config/database.js';
import type { Command } from 'commander';
import { z } from 'zod';
import { redactUrl, smtpProfileOf, smtpSource } from '../../config/smtp.js';
import { DeskctlError, notFound } from '../../core/errors.js';
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
  const views = store.list().map((e) => view(e.name, e.profile, e.current, e.tokenSet, e.smtpUrl));
  await ctx.out.list(views, [
    { header: 'current', value: (v) => (v.current ? '*' : '') },
    { header: 'name', value: (v) => v.name },
    { header: 'kind', value: (v) => v.kind },
    { header: 'target', value: targetText },
    { header: 'tenant', value: (v) => v.tenant ?? '' },
    { header: 'token', value: tokenText },
    { header: 'smtp', value: (v) => v.smtp ?? '-' },
  ]);
  if (views.length === 0 && ctx.out.format === 'table' && ctx.io.stdout.isTTY) {
    ctx.out.status('add one with: deskctl profile add NAME --db FILE  or  --api URL --token-stdin');
  }
}

export async function show(ctx: Context, name: string): Promise<void> {
  const store = await openStore(ctx);
  const p = store.get(name);
  if (!p) throw notFound(`no profile named "${name}"; see: deskctl profile list`);
  const v = view(name, p, store.current() === name, store.hasToken(name), store.smtpUrl(name));
  if (ctx.out.format === 'json') return ctx.out.json(v);
  await ctx.out.object(v, [
    ['name', v.name],
    ['current', v.current ? 'yes' : 'no'],
    ['kind', v.kind],
    [v.kind === 'local' ? 'db' : 'api', targetText(v)],
    ['tenant', v.tenant ?? '(default unless DESKCTL_TENANT or --tenant)'],
    ...(v.kind === 'api' ? ([['token', v.tokenSet ? `set (plain text in ${store.credentialsPath})` : 'not set (DESKCTL_TOKEN is used)']] as [string, unknown][]) : []),
    ['smtp', v.smtp ?? `not set (DESKCTL_SMTP_URL is used; save one with: deskctl profile set-smtp ${name} --url-stdin)`],
  ]);
}

/** The SMTP URL this run would send e-mail through, redacted, and where it came from; an invalid one is reported, not thrown. */
function effectiveSmtp(ctx: Context, profile: string | undefined): { smtp: string | null; from: string | null; problem: string | null } {
  try {
    const s = smtpSource(ctx.env, smtpProfileOf(ctx.profiles, profile));
    return s ? { smtp: redactUrl(s.url), from: s.from, problem: null } : { smtp: null, from: null, problem: null };
  } catch (e) {
    if (!(e instanceof DeskctlError)) throw e;
    return { smtp: null, from: null, problem: e.message };
  }
}

/** What a command run with these flags and this environment would use, and why. */
export async function effective(ctx: Context): Promise<void> {
  const r = ctx.resolution;
  const t = r.target;
  const smtp = effectiveSmtp(ctx, r.profile);
  const json = {
    profile: r.profile ?? null,
    kind: t.kind,
    db: t.kind === 'local' ? displayTarget(t.db) : null,
    api: t.kind === 'api' ? t.url : null,
    tenant: r.tenant,
    tokenSet: t.kind === 'api' ? t.token !== undefined : false,
    smtp: smtp.smtp,
    from: { target: r.from.target, tenant: r.from.tenant, token: r.from.token ?? null, smtp: smtp.from },
    ...(smtp.problem ? { smtpProblem: smtp.problem } : {}),
  };
  if (ctx.out.format === 'json') return ctx.out.json(json);
  await ctx.out.object(json, [
    ['profile', r.profile ?? '(none)'],
    [t.kind === 'local' ? 'db' : 'api', `${t.kind === 'local' ? displayTarget(t.db) : t.url}   (from ${r.from.target})`],
    ['tenant', `${r.tenant}   (from ${r.from.tenant})`],
    ...(t.kind === 'api'
      ? ([['token', t.token !== undefined ? `set   (from ${r.from.token})` : 'not set: commands will fail (exit 4) until DESKCTL_TOKEN is set or the profile has one']] as [string, unknown][])
      : []),
    [
      'smtp',
      smtp.problem
        ? `invalid: ${smtp.problem}`
        : smtp.smtp
          ? `${smtp.smtp}   (from ${smtp.from})`
          : 'not set: e-mail is not delivered until DESKCTL_SMTP_URL is set or the profile has one (deskctl profile set-smtp NAME --url-stdin)',
    ],
  ]);
}

