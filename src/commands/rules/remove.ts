import type { Command } from 'commander';
import type { z } from 'zod';
import { invalid } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { RULE_COLUMNS, examples, excludeEachOther, parsedAction, readIds } from '../shared.js';
import type { RemoveOptions } from './options.js';
import { scopeOptions, toSpec } from './spec.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      scopeOptions(parent.command('remove').argument('[ids...]', 'rule ids (or - to read them from stdin)')).description(
        'Remove rules by id, or the rule that matches a department and scope',
      ),
      async () => (await import('./options.js')).RemoveOptions,
      (o) => run(ctx, o),
    ),
    ['deskctl rules remove 3 4', 'deskctl rules remove --department Suporte --category Acesso'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof RemoveOptions>): Promise<void> {
  const { ids } = o;
  const hd = await ctx.helpdesk();
  const byFlags = o.department !== undefined || o.category !== undefined || o.allCategories;
  excludeEachOther([
    ['rule ids', ids.length > 0],
    ['--department with a scope', Boolean(byFlags)],
  ]);
  if (!ids.length && !byFlags) throw invalid('give rule ids, or --department with --category C, --no-category or --all-categories');
  const result = ids.length ? await hd.removeRules(await readIds(ctx, ids)) : await hd.removeRuleMatching(toSpec(o));
  if (ctx.out.format !== 'table') return ctx.out.format === 'json' ? ctx.out.json(result) : ctx.out.list(result.removed, RULE_COLUMNS);
  ctx.out.status(`removed rule${result.removed.length === 1 ? '' : 's'} ${result.removed.map((r) => r.id).join(', ')}`);
}
