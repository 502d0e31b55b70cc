import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { examples, yesNo } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parent.command('list').description('List the templates, each kind in each locale: whether the tenant overrides it, and its subject (R34)').action(() => run(ctx)),
    ['deskctl templates list', 'deskctl templates list -o json'],
  );
}

export async function run(ctx: Context): Promise<void> {
  const templates = await (await ctx.helpdesk()).listTemplates();
  await ctx.out.list(templates, [
    { header: 'kind', value: (t) => t.kind },
    { header: 'locale', value: (t) => t.locale },
    { header: 'overridden', value: (t) => yesNo(t.overridden) },
    { header: 'subject', value: (t) => t.subject ?? '' },
  ]);
}
