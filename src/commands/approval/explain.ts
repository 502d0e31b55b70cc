import type { Command } from 'commander';
import { Option } from 'commander';
import type { z } from 'zod';
import { CHANNELS } from '../../core/model.js';
import type { Context } from '../../context.js';
import { examples, exclusiveFlags, parsedAction, yesNo } from '../shared.js';
import type { ExplainOptions } from './options.js';

export function register(parent: Command, ctx: Context): void {
  const cmd = parent
    .command('explain')
    .description('Explain whether a request would wait for approval, condition by condition (R36, R7); creates nothing')
    .requiredOption('--requester <email>', 'the customer who would open it')
    .requiredOption('--department <name>', 'its department')
    .option('--category <name>', 'its category')
    .option('--no-category', 'without a category (the default)')
    .addOption(new Option('--channel <channel>', 'how it would arrive (default panel)').choices(CHANNELS));
  examples(
    parsedAction(
      exclusiveFlags(cmd, ['--category', '--no-category']),
      async () => (await import('./options.js')).ExplainOptions,
      (o) => run(ctx, o),
    ),
    [
      'deskctl approval explain --requester ana@norte.example --department Suporte --category Acesso',
      'deskctl approval explain --requester ana@norte.example --department Suporte --channel email -o json | jq .outcome',
    ],
  );
}

export async function run(ctx: Context, o: z.infer<typeof ExplainOptions>): Promise<void> {
  const category = typeof o.category === 'string' ? o.category : null;
  const x = await (await ctx.helpdesk()).explainApproval({ requester: o.requester, department: o.department, category, channel: o.channel });
  // Exit 0 whatever the outcome: the explanation is the answer (R36).
  if (ctx.out.format === 'json') return ctx.out.json({ outcome: x.outcome, checks: x.checks, notify: x.notify, heldBy: x.heldBy });
  const rows = x.checks.map((c) => ({ ...c }));
  if (ctx.out.format === 'csv') return ctx.out.list(rows, [
    { header: 'rule', value: (c) => c.rule },
    { header: 'holds', value: (c) => yesNo(c.holds) },
    { header: 'detail', value: (c) => c.detail },
  ]);
  ctx.out.write(
    x.outcome === 'draft'
      ? `outcome: draft — the request would wait for a manager's approval${x.heldBy?.rule ? ` (held by rule ${x.heldBy.rule})` : ''}\n`
      : 'outcome: ticket — the ticket would be created at once\n',
  );
  await ctx.out.list(rows, [
    { header: 'rule', value: (c) => c.rule },
    { header: 'holds', value: (c) => yesNo(c.holds) },
    { header: 'why', value: (c) => c.detail },
  ]);
  ctx.out.write(
    x.outcome === 'draft'
      ? `notify (R11, e-mail and push): ${x.notify.join(', ')}\n`
      : `notify: ${x.notify.join(', ')} ("ticket opened")\n`,
  );
}
