import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';
import { writeWhole } from './files.js';

export const Options = z.object({ out: z.string().min(1).optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('export')
        .option('--out <file>', 'write it to this file (.json for JSON, otherwise YAML)')
        .description('Print the configuration (settings, departments, categories, organizations, agents, rules) in the fixture format (R37)'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl config export --out helpdesk.yaml', 'deskctl config export -o json > helpdesk.json', 'deskctl --tenant staging config export | deskctl --tenant prod config plan -'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const doc = await (await ctx.helpdesk()).exportConfig();
  const json = o.out ? /\.json$/i.test(o.out) : ctx.out.format === 'json';
  const text = json ? `${JSON.stringify(doc, null, 2)}\n` : (await import('yaml')).stringify(doc, { lineWidth: 0 });
  if (!o.out) return ctx.out.write(text);
  await writeWhole(o.out, text);
  ctx.out.status(`wrote the configuration of tenant "${(await ctx.helpdesk()).tenant}" to ${o.out}`);
}
