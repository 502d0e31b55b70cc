import type { Command } from 'commander';
import { invalid } from '../../core/errors.js';
import type { Customer } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import type { Column } from '../../output/render.js';
import { examples, exclusiveFlags, yesNo } from '../shared.js';

const COLUMNS: Column<Customer>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'email', value: (c) => c.email },
  { header: 'name', value: (c) => c.name },
  { header: 'organization', value: (c) => c.organization ?? '' },
  { header: 'manager', value: (c) => yesNo(c.manager) },
  { header: 'active', value: (c) => yesNo(c.active) },
];

export function register(cmd: Command, ctx: Context): void {
  examples(
    cmd
      .command('list')
      .option('--org <name>', 'only this organization')
      .option('--managers', 'only managers')
      .description('List customers')
      .action((o: { org?: string; managers?: boolean }) => list(ctx, o)),
    ['deskctl customers list --org Matriz --managers'],
  );
  examples(
    cmd
      .command('add')
      .argument('<email>')
      .requiredOption('--name <name>', "the customer's name")
      .option('--org <name>', 'the organization they belong to (at most one, R3)')
      .option('--manager', 'a manager of that organization: decides its drafts (R13)')
      .option('--phone <phone>', 'phone (WhatsApp)')
      .description('Add a customer')
      .action((email: string, o: { name: string; org?: string; manager?: boolean; phone?: string }) => add(ctx, email, o)),
    ['deskctl customers add gerente@matriz.example --name "Gerente" --org Matriz --manager', 'deskctl customers add ana@norte.example --name Ana --org "Filial Norte"'],
  );
  examples(
    exclusiveFlags(
      cmd
      .command('set')
      .argument('<email>')
      .option('--org <name>', 'move to this organization')
      .option('--no-org', 'belong to no organization')
      .option('--manager', 'make a manager')
      .option('--no-manager', 'no longer a manager')
      .option('--active', 'active')
      .option('--inactive', 'inactive (an inactive manager triggers no approval, R3)')
      .option('--name <name>', 'a new name')
      .option('--phone <phone>', 'a new phone')
      .description('Change a customer; what already holds is reported, not failed')
      .action((email: string, o: SetFlags) => set(ctx, email, o)),
      ['--org', '--no-org'],
      ['--manager', '--no-manager'],
      ['--active', '--inactive'],
    ),
    ['deskctl customers set ana@norte.example --manager', 'deskctl customers set gerente@matriz.example --inactive'],
  );
  examples(
    cmd
      .command('remove')
      .argument('<email>')
      .description('Remove a customer; their pending drafts are removed with them (R15)')
      .action((email: string) => remove(ctx, email)),
    ['deskctl customers remove ex@norte.example'],
  );
}

export async function list(ctx: Context, o: { org?: string; managers?: boolean }): Promise<void> {
  await ctx.out.list(await (await ctx.helpdesk()).listCustomers(o), COLUMNS);
}

export async function add(ctx: Context, email: string, o: { name: string; org?: string; manager?: boolean; phone?: string }): Promise<void> {
  const c = await (await ctx.helpdesk()).addCustomer({ email, ...o });
  if (ctx.out.format === 'json') return ctx.out.json(c);
  ctx.out.status(`added customer ${c.email}${c.manager ? ` (manager of ${c.organization})` : ''}`);
}

interface SetFlags {
  org?: string | false;
  manager?: boolean;
  active?: boolean;
  inactive?: boolean;
  name?: string;
  phone?: string;
}

export async function set(ctx: Context, email: string, o: SetFlags): Promise<void> {
  const patch = {
    org: o.org === undefined ? undefined : o.org === false ? null : o.org,
    manager: o.manager,
    active: o.active ? true : o.inactive ? false : undefined,
    name: o.name,
    phone: o.phone,
  };
  if (Object.values(patch).every((v) => v === undefined)) throw invalid('nothing to change: give --org, --manager, --active, --inactive, --name or --phone');
  const c = await (await ctx.helpdesk()).setCustomer(email, patch);
  if (ctx.out.format === 'json') return ctx.out.json(c);
  ctx.out.status(c.changed ? `updated ${c.email}` : `${c.email} already as asked; nothing changed`);
}

export async function remove(ctx: Context, email: string): Promise<void> {
  const result = await (await ctx.helpdesk()).removeCustomer(email);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed customer ${email}${result.draftsRemoved ? ` and ${result.draftsRemoved} pending draft(s) (R15)` : ''}`);
}
