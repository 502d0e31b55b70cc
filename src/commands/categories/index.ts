import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

export const ListOptions = z.object({ department: z.string().optional() });
export const AddOptions = z.object({ name: z.string(), department: z.string() });
export const RemoveOptions = z.object({ name: z.string(), department: z.string() });

export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
        .command('list')
        .option('--department <name>', 'only this department')
        .description('List categories'),
      ListOptions,
      (o) => list(ctx, o),
    ),
    ['deskctl categories list --department Suporte'],
  );
  examples(
    parsedAction(
      cmd
        .command('add')
        .argument('<name>')
        .requiredOption('--department <name>', 'the department it belongs to')
        .description('Add a category to a department'),
      AddOptions,
      (o) => add(ctx, o),
    ),
    ['deskctl categories add Acesso --department Suporte'],
  );
  examples(
    parsedAction(
      cmd
        .command('remove')
        .argument('<name>')
        .requiredOption('--department <name>', 'the department it belongs to')
        .description('Remove a category no ticket or draft uses (its rules go with it)'),
      RemoveOptions,
      (o) => remove(ctx, o),
    ),
    ['deskctl categories remove Rede --department Suporte'],
  );
}

export async function list(ctx: Context, o: z.infer<typeof ListOptions>): Promise<void> {
  const cats = await (await ctx.helpdesk()).listCategories(o.department);
  await ctx.out.list(cats, [
    { header: 'id', value: (c) => c.id },
    { header: 'department', value: (c) => c.department },
    { header: 'name', value: (c) => c.name },
  ]);
}

export async function add(ctx: Context, o: z.infer<typeof AddOptions>): Promise<void> {
  const cat = await (await ctx.helpdesk()).addCategory(o.name, o.department);
  if (ctx.out.format === 'json') return ctx.out.json(cat);
  ctx.out.status(`added category ${cat.name} to ${cat.department}`);
}

export async function remove(ctx: Context, o: z.infer<typeof RemoveOptions>): Promise<void> {
  const result = await (await ctx.helpdesk()).removeCategory(o.name, o.department);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed category ${o.name} from ${o.department}`);
}
