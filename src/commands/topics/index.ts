import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { examples, parsedAction, yesNo } from '../shared.js';

export const AddOptions = z.object({
  name: z.string(),
  requireProcess: z.boolean().optional(),
  requireServiceChannel: z.boolean().optional(),
  requireStatusDetail: z.boolean().optional(),
});
export const RemoveOptions = z.object({ name: z.string() });

/** R42: topics ("assuntos"), and what each requires of every ticket created with it. */
export function register(cmd: Command, ctx: Context): void {
  examples(cmd.command('list').description('List topics and what each requires of its tickets (R42)').action(() => list(ctx)), ['deskctl topics list', 'deskctl topics list -o json']);
  examples(
    parsedAction(
      cmd
        .command('add')
        .argument('<name>')
        .option('--require-process', 'every ticket with this topic is opened with a linked process (tickets create --process REF)')
        .option('--require-service-channel', 'every ticket with this topic says how the customer was served (--service-channel)')
        .option('--require-status-detail', 'every ticket with this topic carries a status detail (--status-detail)')
        .description('Add a topic; a request missing what it requires is refused (R42)'),
      AddOptions,
      (o) => add(ctx, o),
    ),
    ['deskctl topics add "Instalação" --require-service-channel --require-status-detail', 'deskctl topics add Contrato --require-process'],
  );
  examples(
    parsedAction(cmd.command('remove').argument('<name>').description('Remove a topic no ticket or draft uses'), RemoveOptions, (o) => remove(ctx, o)),
    ['deskctl topics remove Antigo'],
  );
}

export async function list(ctx: Context): Promise<void> {
  const topics = await (await ctx.helpdesk()).listTopics();
  await ctx.out.list(topics, [
    { header: 'id', value: (t) => t.id },
    { header: 'name', value: (t) => t.name },
    { header: 'process', value: (t) => yesNo(t.requireProcess) },
    { header: 'service channel', value: (t) => yesNo(t.requireServiceChannel) },
    { header: 'status detail', value: (t) => yesNo(t.requireStatusDetail) },
  ]);
}

export async function add(ctx: Context, o: z.infer<typeof AddOptions>): Promise<void> {
  const topic = await (await ctx.helpdesk()).addTopic(o);
  if (ctx.out.format === 'json') return ctx.out.json(topic);
  const needs = [topic.requireProcess && 'a linked process', topic.requireServiceChannel && 'a service channel', topic.requireStatusDetail && 'a status detail'].filter(Boolean);
  ctx.out.status(`added topic ${topic.name}${needs.length ? `; its tickets require ${needs.join(', ')}` : ''}`);
}

export async function remove(ctx: Context, o: z.infer<typeof RemoveOptions>): Promise<void> {
  const result = await (await ctx.helpdesk()).removeTopic(o.name);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(`removed topic ${result.removed}`);
}
