import { resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { PROFILE_NAME, PROFILE_NAME_RULE, type Profile } from '../../config/profiles.js';
import { displayTarget, hasPassword, isPostgresUrl } from '../../config/database.js';
import { apiUrl } from '../../config/resolve.js';
import { conflict, invalid } from '../../core/errors.js';
import { Slug } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { examples, excludeEachOther, parsedAction } from '../shared.js';
import { view } from './shape.js';

/** The target is the global --db or --api (and --tenant): the profile saves what they say. */
export const Options = z.object({
  name: z.string().regex(PROFILE_NAME, PROFILE_NAME_RULE),
  db: z.string().min(1, 'must not be empty').optional(),
  api: z.string().min(1, 'must not be empty').optional(),
  tenant: Slug.optional(),
  tokenStdin: z.boolean().optional(),
  force: z.boolean().optional(),
});
type Options = z.infer<typeof Options>;

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('add')
        .argument('<name>', 'the profile name (letters, digits, . _ -)')
        .usage('<name> (--db FILE | --api URL [--token-stdin]) [--tenant SLUG] [--force]')
        .option('--token-stdin', 'read the API token from stdin (a terminal asks for it, hidden); stored in plain text, mode 0600')
        .option('--force', 'replace a profile of that name')
        .description('Save a target under a name: a local database (--db) or an API (--api), with an optional --tenant'),
      Options,
      (o) => run(ctx, o),
      ({ name }, cmd) => {
        const o = cmd.optsWithGlobals<{ db?: string; api?: string; tenant?: string; tokenStdin?: boolean; force?: boolean }>();
        return { name, db: o.db, api: o.api, tenant: o.tenant, tokenStdin: o.tokenStdin, force: o.force };
      },
    ),
    [
      'deskctl profile add local --db ~/helpdesk.db --tenant acme',
      'deskctl profile add staging --api https://staging.example.com --token-stdin < token.txt',
      'pass show helpdesk/ci | deskctl profile add ci --api https://helpdesk.example.com --tenant acme --token-stdin',
    ],
  );
}

async function readToken(ctx: Context): Promise<string> {
  let text: string;
  if (ctx.interactive) {
    const { password } = await import('@inquirer/prompts');
    text = await password(
      { message: 'API token', mask: true },
      { input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream },
    );
  } else {
    if (ctx.io.stdin.isTTY) throw invalid('--token-stdin: stdin is a terminal but stdout is not; pipe the token in (... --token-stdin < token.txt)');
    text = await ctx.readStdin();
  }
  const token = text.trim();
  if (!token) throw invalid('--token-stdin: stdin was empty (pipe the token in: ... --token-stdin < token.txt)');
  if (/\s/.test(token)) throw invalid('--token-stdin: a token is one line without spaces');
  return token;
}

export async function run(ctx: Context, o: Options): Promise<void> {
  excludeEachOther([
    ['--db', o.db !== undefined],
    ['--api', o.api !== undefined],
  ]);
  if (o.db === undefined && o.api === undefined) throw invalid('give the target: --db FILE (a local database) or --api URL (a helpdesk API)');
  if (o.db !== undefined && o.tokenStdin) throw invalid('--token-stdin is for --api: a local database needs no token');
  const profile: Profile = o.db !== undefined ? { db: isPostgresUrl(o.db) ? o.db : resolve(o.db) } : { api: apiUrl(o.api!, '--api') };
  if (o.tenant !== undefined) profile.tenant = o.tenant;

  const { ProfileStore } = await import('../../config/store.js');
  const store = ProfileStore.open(ctx.env);
  const before = store.get(o.name);
  const same = before !== undefined && JSON.stringify(before) === JSON.stringify(profile);
  if (before !== undefined && !same && !o.force) {
    throw conflict(`profile "${o.name}" exists with other settings; add --force to replace it, or remove it first`);
  }
  let token = o.tokenStdin ? await readToken(ctx) : undefined;
  // A token kept for the same URL survives a replace; it is never carried to another URL.
  const keptToken = token === undefined && profile.api !== undefined && before?.api === profile.api && store.hasToken(o.name);
  if (keptToken) token = store.source().token(o.name);
  const result = store.save(o.name, profile, token);
  const current = store.current() === o.name;

  if (ctx.out.format === 'json') return ctx.out.json({ ...view(o.name, profile, current, token !== undefined, store.smtpUrl(o.name)), result });
  const target = profile.db !== undefined ? displayTarget(profile.db) : profile.api;
  ctx.out.status(
    result === 'unchanged'
      ? `profile ${o.name} is already saved (${target}); nothing changed`
      : `${result === 'added' ? 'added' : 'replaced'} profile ${o.name}: ${target}${profile.tenant ? `, tenant ${profile.tenant}` : ''}`,
  );
  if (profile.db !== undefined && result !== 'unchanged' && hasPassword(profile.db)) {
    ctx.out.warn(`the database URL's password is stored in plain text in ${store.configPath}; PGPASSWORD or ~/.pgpass keep it out of the profile`);
  }
  if (profile.api !== undefined && result !== 'unchanged') {
    if (token !== undefined && !keptToken) {
      ctx.out.status(`token stored in plain text in ${store.credentialsPath} (readable only by you: mode 0600)`);
    } else if (keptToken) {
      ctx.out.status(`kept the token stored for ${profile.api}`);
    } else if (token === undefined) {
      ctx.out.status(
        ctx.env.DESKCTL_TOKEN
          ? 'no token stored: DESKCTL_TOKEN is used while it is set'
          : `no token stored: set DESKCTL_TOKEN, or store one with: deskctl profile add ${o.name} --api ${profile.api} --token-stdin --force < token.txt`,
      );
    }
  }
  if (!current && result !== 'unchanged') ctx.out.status(`use it with: deskctl profile use ${o.name}   (or --profile ${o.name} for one command)`);
}
