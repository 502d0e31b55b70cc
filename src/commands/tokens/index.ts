import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { TOKEN_ROLES } from '../../engine/tokens.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

/** --role is one of TOKEN_ROLES (commander refuses others); the engine checks the rest. */
export const CreateOptions = z.object({ name: z.string(), role: z.string(), customer: z.string().optional() });
export const RevokeOptions = z.object({ name: z.string() });

export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
        .command('create')
        .requiredOption('--name <name>', 'a name to know it by (unique among live tokens)')
        .addOption(new Option('--role <role>', 'admin: the whole tenant; manager: decides its drafts (R13); customer: opens tickets (R12)').choices(TOKEN_ROLES).makeOptionMandatory())
        .option('--customer <email>', 'the manager or customer the token acts as')
        .description('Create an API token; it is printed this once, and only its hash is stored'),
      CreateOptions,
      (o) => create(ctx, o),
    ),
    [
      'deskctl --db /srv/helpdesk.db tokens create --name ci --role admin',
      'deskctl tokens create --name gerente --role manager --customer gerente@matriz.example',
    ],
  );
  examples(cmd.command('list').description('List live tokens (never the tokens themselves)').action(() => list(ctx)), ['deskctl tokens list']);
  examples(
    parsedAction(cmd.command('revoke').argument('<name>').description('Revoke a token: it stops working at once'), RevokeOptions, (o) => revoke(ctx, o)),
    ['deskctl tokens revoke ci'],
  );
}

export async function create(ctx: Context, o: z.infer<typeof CreateOptions>): Promise<void> {
  const t = await (await ctx.helpdesk()).createToken({ name: o.name, role: o.role, customer: o.customer ?? null });
  if (ctx.out.format === 'json') return ctx.out.json(t);
  ctx.out.write(`${t.token}\n`);
  ctx.out.status(`created ${t.role} token "${t.name}"${t.customer ? ` for ${t.customer}` : ''}; it is shown only now, keep it safe (e.g. DESKCTL_TOKEN)`);
}

export async function list(ctx: Context): Promise<void> {
  const tokens = await (await ctx.helpdesk()).listTokens();
  await ctx.out.list(tokens, [
    { header: 'name', value: (t) => t.name },
    { header: 'role', value: (t) => t.role },
    { header: 'customer', value: (t) => t.customer ?? '' },
    { header: 'created', value: (t) => t.createdAt },
    { header: 'last used', value: (t) => t.lastUsedAt ?? '' },
  ]);
}

export async function revoke(ctx: Context, o: z.infer<typeof RevokeOptions>): Promise<void> {
  const r = await (await ctx.helpdesk()).revokeToken(o.name);
  if (ctx.out.format === 'json') return ctx.out.json(r);
  ctx.out.status(`revoked token "${o.name}"`);
}
