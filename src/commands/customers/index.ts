import type { Command } from 'commander';
import { z } from 'zod';
import { invalid } from '../../core/errors.js';
import type { Customer } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import type { Column } from '../../output/render.js';
import { examples, exclusiveFlags, parsedAction, yesNo } from '../shared.js';

export const ListOptions = z.object({ org: z.string().optional(), managers: z.boolean().optional() });
export const AddOptions = z.object({
  email: z.string(),
  name: z.string(),
  org: z.string().optional(),
  manager: z.boolean().optional(),
  phone: z.string().optional(),
  blockAutomaticMessages: z.boolean().optional(),
});
/** commander turns --no-org into org: false and --no-manager into manager: false. */
export const SetOptions = z.object({
  email: z.string(),
  org: z.union([z.string(), z.literal(false)]).optional(),
  manager: z.boolean().optional(),
  active: z.boolean().optional(),
  inactive: z.boolean().optional(),
  name: z.string().optional(),
  phone: z.string().optional(),
  blockAutomaticMessages: z.boolean().optional(),
  allowAutomaticMessages: z.boolean().optional(),
});
export const RemoveOptions = z.object({ email: z.string() });

const COLUMNS: Column<Customer>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'email', value: (c) => c.email },
  { header: 'name', value: (c) => c.name },
  { header: 'organization', value: (c) => c.organization ?? '' },
  { header: 'manager', value: (c) => yesNo(c.manager) },
  { header: 'active', value: (c) => yesNo(c.active) },
  { header: 'phone', value: (c) => c.phone ?? '' },
  { header: 'automatic messages', value: (c) => (c.blockAutomaticMessages ? 'blocked' : '') },
];

export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
        .command('list')
        .option('--org <name>', 'only this organization')
        .option('--managers', 'only managers')
        .description('List customers'),
      ListOptions,
      (o) => list(ctx, o),
    ),
    ['deskctl customers list --org Matriz --managers'],
  );
  examples(
    parsedAction(
      cmd
        .command('add')
        .argument('<email>')
        .requiredOption('--name <name>', "the customer's name")
        .option('--org <name>', 'the organization they belong to (at most one, R3)')
        .option('--manager', 'a manager of that organization: decides its drafts (R13)')
        .option('--phone <phone>', 'phone, with the country code (WhatsApp finds the customer by it)')
        .option('--block-automatic-messages', 'send them no automatic WhatsApp message (R30)')
        .description('Add a customer'),
      AddOptions,
      (o) => add(ctx, o),
    ),
    ['deskctl customers add gerente@matriz.example --name "Gerente" --org Matriz --manager', 'deskctl customers add ana@norte.example --name Ana --org "Filial Norte"'],
  );
  examples(
    exclusiveFlags(
      parsedAction(
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
      .option('--block-automatic-messages', 'send them no automatic WhatsApp message (R30)')
      .option('--allow-automatic-messages', 'send them automatic WhatsApp messages again')
      .description('Change a customer; what already holds is reported, not failed'),
      SetOptions,
      (o) => set(ctx, o),
      ),
      ['--org', '--no-org'],
      ['--manager', '--no-manager'],
      ['--active', '--inactive'],
      ['--block-automatic-messages', '--allow-automatic-messages'],
    ),
    ['deskctl customers set ana@norte.example --manager', 'deskctl customers set gerente@matriz.example --inactive', 'deskctl customers set ana@norte.example --block-automatic-messages'],
  );
  examples(
    parsedAction(
      cmd
        .command('remove')
        .argument('<email>')
        .description('Remove a customer; their pending drafts are removed with them (R15)'),
      RemoveOptions,
      (o) => remove(ctx, o),
    ),
    ['deskctl customers remove ex@norte.example'],
  );
}

export async function list(ctx: Context, o: z.infer<typeof ListOptions>): Promise<void> {
  await ctx.out.list(await (await ctx.helpdesk()).listCustomers(o), COLUMNS);
}

export async function add(ctx: Context, o: z.infer<typeof AddOptions>): Promise<void> {
  const c = await (await ctx.helpdesk()).addCustomer(o);
  if (ctx.out.format === 'json') return ctx.out.json(c);
  ctx.out.status(`added customer ${c.email}${c.manager ? ` (manager of ${c.organization})` : ''}`);
}

export async function set(ctx: Context, o: z.infer<typeof SetOptions>): Promise<void> {
  const patch = {
    org: o.org === undefined ? undefined : o.org === false ? null : o.org,
    manager: o.manager,
    active: o.active ? true : o.inactive ? false : undefined,
    name: o.name,
    phone: o.phone,
    blockAutomaticMessages: o.blockAutomaticMessages ? true : o.allowAutomaticMessages ? false : undefined,
  };
  if (Object.values(patch).every((v) => v === undefined)) {
    throw invalid('nothing to change: give --org, --manager, --active, --inactive, --name, --phone, --block-automatic-messages or --allow-automatic-messages');
  }
  const c = await (await ctx.helpdesk()).setCustomer(o.email, patch);
  if (ctx.out.format === 'json') return ctx.out.json(c);
  ctx.out.status(c.changed ? `updated ${c.email}` : `${c.email} already as asked; nothing changed`);
}

export async function remove(ctx: Context, o: z.infer<typeof RemoveOptions>): Promise<void> {
  const result = await (await ctx.helpdesk()).removeCustomer(o.email);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed customer ${o.email}${result.draftsRemoved ? ` and ${result.draftsRemoved} pending draft(s) (R15)` : ''}`);
}
