import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { invalid } from '../../core/errors.js';
import { collect, examples, exclusiveFlags, parsedAction, yesNo } from '../shared.js';

export const AddOptions = z.object({ email: z.string(), name: z.string(), department: z.array(z.string()), admin: z.boolean().optional() });
export const SetOptions = z.object({
  email: z.string(),
  name: z.string().optional(),
  admin: z.boolean().optional(),
  addDepartment: z.array(z.string()),
  removeDepartment: z.array(z.string()),
});
export const RemoveOptions = z.object({ email: z.string() });

export function register(cmd: Command, ctx: Context): void {
  examples(cmd.command('list').description('List agents').action(() => list(ctx)), ['deskctl agents list']);
  examples(
    parsedAction(
      cmd
        .command('add')
        .argument('<email>')
        .requiredOption('--name <name>', "the agent's name")
        .option('--department <name>', 'a department the agent works in (repeatable)', collect, [])
        .option('--admin', 'an administrator of the account')
        .description('Add an agent (a staff user)'),
      AddOptions,
      (o) => add(ctx, o),
    ),
    ['deskctl agents add joao@helpdesk.example --name João --department Suporte --department Financeiro'],
  );
  examples(
    exclusiveFlags(
      parsedAction(
        cmd
          .command('set')
          .argument('<email>')
          .option('--name <name>', 'a new name')
          .option('--admin', 'make an administrator of the account')
          .option('--no-admin', 'no longer an administrator')
          .option('--add-department <name>', 'start working in this department (repeatable)', collect, [])
          .option('--remove-department <name>', 'stop working in this department (repeatable)', collect, [])
          .description("Change an agent's name, admin flag or departments; what already holds is reported, not failed"),
        SetOptions,
        (o) => set(ctx, o),
      ),
      ['--admin', '--no-admin'],
    ),
    ['deskctl agents set joao@helpdesk.example --add-department Financeiro --remove-department Suporte', 'deskctl agents set joao@helpdesk.example --admin'],
  );
  examples(
    parsedAction(
      cmd
        .command('remove')
        .argument('<email>')
        .description('Remove an agent; the tickets assigned to them are left unassigned (and counted)'),
      RemoveOptions,
      (o) => remove(ctx, o),
    ),
    ['deskctl agents remove ex@helpdesk.example'],
  );
}

export async function set(ctx: Context, o: z.infer<typeof SetOptions>): Promise<void> {
  const patch = { name: o.name, admin: o.admin, addDepartments: o.addDepartment, removeDepartments: o.removeDepartment };
  if (patch.name === undefined && patch.admin === undefined && !o.addDepartment.length && !o.removeDepartment.length) {
    throw invalid('nothing to change: give --name, --admin, --no-admin, --add-department or --remove-department');
  }
  const agent = await (await ctx.helpdesk()).setAgent(o.email, patch);
  if (ctx.out.format === 'json') return ctx.out.json(agent);
  ctx.out.status(agent.changed ? `updated agent ${agent.email} (departments: ${agent.departments.join(', ') || 'none'})` : `${agent.email} already as asked; nothing changed`);
}

export async function remove(ctx: Context, o: z.infer<typeof RemoveOptions>): Promise<void> {
  const result = await (await ctx.helpdesk()).removeAgent(o.email);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed agent ${result.removed}${result.ticketsUnassigned ? `; ${result.ticketsUnassigned} ticket(s) they had are unassigned` : ''}`);
}

export async function list(ctx: Context): Promise<void> {
  const agents = await (await ctx.helpdesk()).listAgents();
  await ctx.out.list(agents, [
    { header: 'id', value: (a) => a.id },
    { header: 'email', value: (a) => a.email },
    { header: 'name', value: (a) => a.name },
    { header: 'admin', value: (a) => yesNo(a.admin) },
    { header: 'departments', value: (a) => a.departments },
  ]);
}

export async function add(ctx: Context, o: z.infer<typeof AddOptions>): Promise<void> {
  const agent = await (await ctx.helpdesk()).addAgent({ email: o.email, name: o.name, departments: o.department, admin: o.admin });
  if (ctx.out.format === 'json') return ctx.out.json(agent);
  ctx.out.status(`added agent ${agent.email}`);
}
