import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

export function register(cmd: Command, ctx: Context): void {
  examples(
    cmd
      .command('list')
      .option('--department <name>', 'only this department')
      .description('List categories')
      .action((o: { department?: string }) => list(ctx, o.department)),
    ['deskctl categories list --department Suporte'],
  );
  examples(
    cmd
      .command('add')
      .argument('<name>')
      .requiredOption('--department <name>', 'the department it belongs to')
      .description('Add a category to a department')
      .action((name: string, o: { department: string }) => add(ctx, name, o.department)),
    ['deskctl categories add Acesso --department Suporte'],
  );
  examples(
    cmd
      .command('remove')
      .argument('<name>')
      .requiredOption('--department <name>', 'the department it belongs to')
      .description('Remove a category no ticket or draft uses (its rules go with it)')
      .action((name: string, o: { department: string }) => remove(ctx, name, o.department)),
    ['deskctl categories remove Rede --department Suporte'],
  );
}

export async function list(ctx: Context, department?: string): Promise<void> {
  const cats = await (await ctx.helpdesk()).listCategories(department);
  await ctx.out.list(cats, [
    { header: 'id', value: (c) => c.id },
    { header: 'department', value: (c) => c.department },
    { header: 'name', value: (c) => c.name },
  ]);
}

export async function add(ctx: Context, name: string, department: string): Promise<void> {
  const cat = await (await ctx.helpdesk()).addCategory(name, department);
  if (ctx.out.format === 'json') return ctx.out.json(cat);
  ctx.out.status(`added category ${cat.name} to ${cat.department}`);
}

export async function remove(ctx: Context, name: string, department: string): Promise<void> {
  const result = await (await ctx.helpdesk()).removeCategory(name, department);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed category ${name} from ${department}`);
}
