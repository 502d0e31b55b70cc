import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { examples, exclusiveFlags } from '../shared.js';

export function register(cmd: Command, ctx: Context): void {
  examples(cmd.command('list').description('List organizations with their parent').action(() => list(ctx)), ['deskctl orgs list -o json']);
  examples(
    cmd
      .command('add')
      .argument('<name>')
      .option('--parent <name>', 'the parent organization (its "matriz")')
      .description('Add an organization')
      .action((name: string, o: { parent?: string }) => add(ctx, name, o.parent)),
    ['deskctl orgs add Matriz', 'deskctl orgs add "Filial Norte" --parent Matriz'],
  );
  examples(
    exclusiveFlags(
      cmd
        .command('set')
        .argument('<name>')
        .option('--parent <name>', 'a new parent organization')
        .option('--no-parent', 'no parent')
        .description('Change the parent of an organization (never a cycle, R2)')
        .action((name: string, o: { parent?: string | false }) => setParent(ctx, name, o.parent)),
      ['--parent', '--no-parent'],
    ),
    ['deskctl orgs set "Filial Norte" --parent Matriz', 'deskctl orgs set "Filial Norte" --no-parent'],
  );
  examples(
    cmd
      .command('remove')
      .argument('<name>')
      .description('Remove an organization with no children, customers, tickets or drafts')
      .action((name: string) => remove(ctx, name)),
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

export async function add(ctx: Context, name: string, parent?: string): Promise<void> {
  const org = await (await ctx.helpdesk()).addOrganization(name, parent);
  if (ctx.out.format === 'json') return ctx.out.json(org);
  ctx.out.status(`added organization ${org.name}${org.parent ? ` (parent ${org.parent})` : ''}`);
}

export async function setParent(ctx: Context, name: string, parent: string | false | undefined): Promise<void> {
  if (parent === undefined) {
    const { invalid } = await import('../../core/errors.js');
    throw invalid('give --parent P or --no-parent');
  }
  const org = await (await ctx.helpdesk()).setOrganizationParent(name, parent === false ? null : parent);
  if (ctx.out.format === 'json') return ctx.out.json(org);
  ctx.out.status(org.changed ? `${name}: parent set to ${org.parent ?? '(none)'}` : `${name}: parent is already ${org.parent ?? '(none)'}`);
}

export async function remove(ctx: Context, name: string): Promise<void> {
  const result = await (await ctx.helpdesk()).removeOrganization(name);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed organization ${name}`);
}
