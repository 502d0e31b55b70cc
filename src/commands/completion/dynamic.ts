import { existsSync } from 'node:fs';
import { isPostgresUrl } from '../../config/database.js';
import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { parsedAction } from '../shared.js';
import { DYNAMIC_KINDS, type DynamicKind } from './model.js';

/** Any words: an unknown kind completes to nothing (this command never fails loudly). */
export const Options = z.object({ kind: z.string(), prefix: z.string().optional() });

/**
 * `deskctl __complete <kind> [prefix]` (hidden): names for shell completion, one per line, from the
 * target this command line points at. It never fails loudly: on any problem it prints nothing.
 */
export function register(cmd: Command, ctx: Context): void {
  parsedAction(
    cmd.argument('<kind>', DYNAMIC_KINDS.join(' | ')).argument('[prefix]', 'only names that start with this'),
    Options,
    (o) => run(ctx, o),
  );
}

export async function run(ctx: Context, { kind, prefix }: z.infer<typeof Options>): Promise<void> {
  let names: string[] = [];
  try {
    if ((DYNAMIC_KINDS as readonly string[]).includes(kind)) names = await values(ctx, kind as DynamicKind);
  } catch {
    names = [];
  }
  const out = [...new Set(names)].filter((n) => !prefix || n.startsWith(prefix));
  if (out.length) ctx.out.write(`${out.join('\n')}\n`);
}

export async function values(ctx: Context, kind: DynamicKind): Promise<string[]> {
  if (kind === 'profiles') {
    return ctx.profiles.names();
  }
  // Completing must never create a database file: a local file that does not exist has no names.
  // (A PostgreSQL database exists or the connection fails; opening it is what every command does.)
  const target = ctx.resolution.target;
  if (target.kind === 'local' && !isPostgresUrl(target.db) && !existsSync(target.db)) return [];
  const hd = await ctx.helpdesk();
  switch (kind) {
    case 'tenants':
      return (await hd.listTenants()).map((t) => t.slug);
    case 'departments':
      return (await hd.listDepartments()).map((d) => d.name);
    case 'categories':
      return (await hd.listCategories()).map((c) => c.name);
    case 'orgs':
      return (await hd.listOrganizations()).map((o) => o.name);
    case 'customers':
      return (await hd.listCustomers({})).map((c) => c.email);
    case 'agents':
      return (await hd.listAgents()).map((a) => a.email);
    case 'topics':
      return (await hd.listTopics()).map((t) => t.name);
  }
}
