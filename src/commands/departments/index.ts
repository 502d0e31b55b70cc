import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

export const AddOptions = z.object({ name: z.string() });
export const RemoveOptions = z.object({ name: z.string() });

export function register(cmd: Command, ctx: Context): void {
  examples(cmd.command('list').description('List departments and their categories').action(() => list(ctx)), ['deskctl departments list']);
  examples(
    parsedAction(cmd.command('add').argument('<name>').description('Add a department'), AddOptions, (o) => add(ctx, o)),
    ['deskctl departments add Suporte'],
  );
  examples(
    parsedAction(
      cmd
        .command('remove')
        .argument('<name>')
        .description('Remove a department no ticket or draft uses (its categories and rules go with it)'),
      RemoveOptions,
      (o) => remove(ctx, o),
    ),
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

export async function add(ctx: Context, o: z.infer<typeof AddOptions>): Promise<void> {
  const dept = await (await ctx.helpdesk()).addDepartment(o.name);
  if (ctx.out.format === 'json') return ctx.out.json(dept);
  ctx.out.status(`added department ${dept.name}`);
}

export async function remove(ctx: Context, o: z.infer<typeof RemoveOptions>): Promise<void> {
  const result = await (await ctx.helpdesk()).removeDepartment(o.name);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed department ${o.name}`);
}
