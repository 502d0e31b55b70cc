import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

export function register(cmd: Command, ctx: Context): void {
  examples(cmd.command('list').description('List departments and their categories').action(() => list(ctx)), ['deskctl departments list']);
  examples(
    cmd.command('add').argument('<name>').description('Add a department').action((name: string) => add(ctx, name)),
    ['deskctl departments add Suporte'],
  );
  examples(
    cmd
      .command('remove')
      .argument('<name>')
      .description('Remove a department no ticket or draft uses (its categories and rules go with it)')
      .action((name: string) => remove(ctx, name)),
    ['deskctl departments remove Comercial'],
  );
}

export async function list(ctx: Context): Promise<void> {
  const depts = await (await ctx.helpdesk()).listDepartments();
  await ctx.out.list(depts, [
    { header: 'id', value: (d) => d.id },
    { header: 'name', value: (d) => d.name },
    { header: 'categories', value: (d) => d.categories },
  ]);
}

export async function add(ctx: Context, name: string): Promise<void> {
  const dept = await (await ctx.helpdesk()).addDepartment(name);
  if (ctx.out.format === 'json') return ctx.out.json(dept);
  ctx.out.status(`added department ${dept.name}`);
}

export async function remove(ctx: Context, name: string): Promise<void> {
  const result = await (await ctx.helpdesk()).removeDepartment(name);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed department ${name}`);
}
