import type { Command } from 'commander';
import { SETTING_KEYS } from '../../core/schemas.js';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

export function register(parent: Command, ctx: Context): void {
  examples(
    parent
      .command('set')
      .argument('<key>', SETTING_KEYS.join(' | '))
      .argument('<value>')
      .description('Change one account setting')
      .action((key: string, value: string) => run(ctx, key, value)),
    ['deskctl settings set reopen.allowed true', 'deskctl settings set response.forecastHours 8', 'deskctl settings set timezone America/Sao_Paulo'],
  );
}

export async function run(ctx: Context, key: string, value: string): Promise<void> {
  const result = await (await ctx.helpdesk()).setSetting(key, value);
  if (ctx.out.format === 'json') return ctx.out.json(result);
  ctx.out.status(result.changed ? `${key} set to ${String(result.value)}` : `${key} is already ${String(result.value)}`);
}
