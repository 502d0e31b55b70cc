import type { Command } from 'commander';
import type { z } from 'zod';
import type { Context } from '../../context.js';
import { RULE_COLUMNS, examples, parsedAction } from '../shared.js';
import type { AddOptions } from './options.js';
import { scopeOptions, toSpec } from './spec.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      scopeOptions(parent.command('add')).description('Add an approval rule for a department and a category scope; the same rule twice is a conflict (R6)'),
      async () => (await import('./options.js')).AddOptions,
      (o) => run(ctx, o),
    ),
    [
      'deskctl rules add --department Suporte --category Acesso',
      'deskctl rules add --department Financeiro --no-category',
      'deskctl rules add --department Comercial --all-categories',
    ],
  );
}

export async function run(ctx: Context, o: z.infer<typeof AddOptions>): Promise<void> {
  const spec = toSpec(o);
  const rule = await (await ctx.helpdesk()).addRule(spec);
  if (ctx.out.format !== 'table') return ctx.out.format === 'json' ? ctx.out.json(rule) : ctx.out.list([rule], RULE_COLUMNS);
  ctx.out.status(`added rule ${rule.id}`);
}
