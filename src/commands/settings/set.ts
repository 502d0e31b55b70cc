import type { Command } from 'commander';
import { z } from 'zod';
import { SETTING_KEYS } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

/** A setting's value is text here: each key's own schema (setSetting) reads it, on every path. */
export const Options = z.object({ key: z.string(), value: z.string() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('set')
        .argument('<key>', SETTING_KEYS.join(' | '))
        .argument('<value>')
        .description('Change one account setting'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl settings set reopen.allowed true', 'deskctl settings set response.forecastHours 8', 'deskctl settings set timezone America/Sao_Paulo'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const { key, value } = o;
  const result = await (await ctx.helpdesk()).setSetting(key, value);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  const shown = result.value === null ? 'unset' : String(result.value);
  ctx.out.status(result.changed ? (result.value === null ? `${key} unset` : `${key} set to ${shown}`) : `${key} is already ${shown}`);
}
