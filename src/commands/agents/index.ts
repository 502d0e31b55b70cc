import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { collect, examples, yesNo } from '../shared.js';

export function register(cmd: Command, ctx: Context): void {
  examples(cmd.command('list').description('List agents').action(() => list(ctx)), ['deskctl agents list']);
  examples(
    cmd
      .command('add')
      .argument('<email>')
      .requiredOption('--name <name>', "the agent's name")
      .option('--department <name>', 'a department the agent works in (repeatable)', collect, [])
      .option('--admin', 'an administrator of the account')
      .description('Add an agent (a staff user)')
      .action((email: string, o: { name: string; department: string[]; admin?: boolean }) => add(ctx, email, o)),
    ['deskctl agents add joao@helpdesk.example --name João --department Suporte --department Financeiro'],
  );
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

export async function add(ctx: Context, email: string, o: { name: string; department: string[]; admin?: boolean }): Promise<void> {
  const agent = await (await ctx.helpdesk()).addAgent({ email, name: o.name, departments: o.department, admin: o.admin });
  if (ctx.out.format === 'json') return ctx.out.json(agent);
  ctx.out.status(`added agent ${agent.email}`);
}
