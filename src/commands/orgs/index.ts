import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { examples, exclusiveFlags, parsedAction } from '../shared.js';

export const AddOptions = z.object({ name: z.string(), parent: z.string().optional() });
/** commander turns --no-parent into parent: false. */
export const SetOptions = z.object({ name: z.string(), parent: z.union([z.string(), z.literal(false)]).optional() });
export const RemoveOptions = z.object({ name: z.string() });

export function register(cmd: Command, ctx: Context): void {
  examples(cmd.command('list').description('List organizations with their parent').action(() => list(ctx)), ['deskctl orgs list -o json']);
  examples(
    parsedAction(
      cmd
        .command('add')
        .argument('<name>')
        .option('--parent <name>', 'the parent organization (its "matriz")')
        .description('Add an organization'),
      AddOptions,
      (o) => add(ctx, o),
    ),
    ['deskctl orgs add Matriz', 'deskctl orgs add "Filial Norte" --parent Matriz'],
  );
  examples(
    exclusiveFlags(
      parsedAction(
        cmd
          .command('set')
          .argument('<name>')
          .option('--parent <name>', 'a new parent organization')
          .option('--no-parent', 'no parent')
          .description('Change the parent of an organization (never a cycle, R2)'),
        SetOptions,
        (o) => setParent(ctx, o),
      ),
      ['--parent', '--no-parent'],
    ),
    ['deskctl orgs set "Filial Norte" --parent Matriz', 'deskctl orgs set "Filial Norte" --no-parent'],
  );
  examples(
    parsedAction(
      cmd
        .command('remove')
        .argument('<name>')
        .description('Remove an organization with no children, customers, tickets or drafts'),
      RemoveOptions,
      (o) => remove(ctx, o),
    ),
    ['deskctl orgs remove Antiga'],
  );
}

export async function list(ctx: Context): Promise<void> {
  const orgs = await (await ctx.helpdesk()).listOrganizations();
  await ctx.out.list(orgs, [
    { header: 'id', value: (o) => o.id },
    { header: 'name', value: (o) => o.name },
    { header: 'parent', value: (o) => o.parent ?? '' },
  ]);
}

export async function add(ctx: Context, o: z.infer<typeof AddOptions>): Promise<void> {
  const org = await (await ctx.helpdesk()).addOrganization(o.name, o.parent);
  if (ctx.out.format === 'json') return ctx.out.json(org);
  ctx.out.status(`added organization ${org.name}${org.parent ? ` (parent ${org.parent})` : ''}`);
}

export async function setParent(ctx: Context, o: z.infer<typeof SetOptions>): Promise<void> {
  const { name, parent } = o;
  if (parent === undefined) {
    const { invalid } = await import('../../core/errors.js');
    throw invalid('give --parent P or --no-parent');
  }
  const org = await (await ctx.helpdesk()).setOrganizationParent(name, parent === false ? null : parent);
  if (ctx.out.format === 'json') return ctx.out.json(org);
  ctx.out.status(org.changed ? `${name}: parent set to ${org.parent ?? '(none)'}` : `${name}: parent is already ${org.parent ?? '(none)'}`);
}

export async function remove(ctx: Context, o: z.infer<typeof RemoveOptions>): Promise<void> {
  const result = await (await ctx.helpdesk()).removeOrganization(o.name);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed organization ${o.name}`);
}
