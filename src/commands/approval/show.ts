import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { RULE_COLUMNS, examples } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(parent.command('show').description('Show the approval mode and the department rules').action(() => run(ctx)), [
    'deskctl approval show',
    'deskctl approval show -o json | jq .mode',
  ]);
}

export async function run(ctx: Context): Promise<void> {
  const approval = await (await ctx.helpdesk()).getApproval();
  if (ctx.out.format !== 'table') return ctx.out.format === 'json' ? ctx.out.json(approval) : ctx.out.list(approval.rules, RULE_COLUMNS);
  ctx.out.write(`mode: ${approval.mode}\n`);
  if (approval.mode === 'departments' || approval.rules.length) await ctx.out.list(approval.rules, RULE_COLUMNS);
  if (approval.mode !== 'departments' && approval.rules.length) ctx.out.status(`(rules apply only in mode "departments")`);
}
