import type { Command } from 'commander';
import { z } from 'zod';
import { changeLine, summaryLine } from '../../core/config.js';
import { precondition } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { readFixture } from '../seed/fixture.js';
import { examples, parsedAction } from '../shared.js';
import { checkSavedPlan, isSavedPlan } from './files.js';

export const Options = z.object({ file: z.string().min(1), yes: z.boolean().optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('apply')
        .argument('<file>', 'a configuration file, or a plan saved by config plan --out')
        .option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
        .description('Apply a configuration (or a saved plan) in one transaction; a saved plan only to the state it was made against (R37)'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl config apply helpdesk.yaml', 'deskctl config apply release.plan --yes'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const read = await readFixture(ctx, o.file);
  const hd = await ctx.helpdesk();
  let config: unknown;
  let plan;
  if (isSavedPlan(read)) {
    const saved = checkSavedPlan(read, o.file);
    if (saved.tenant !== hd.tenant) throw precondition(`${o.file} is a plan for tenant "${saved.tenant}", not "${hd.tenant}": nothing was applied`);
    config = saved.config;
    plan = { fingerprint: saved.fingerprint, changes: saved.changes, summary: saved.summary };
  } else {
    config = read;
    plan = await hd.planConfig(config);
  }
  const json = ctx.out.format === 'json';
  if (!json) ctx.out.write(plan.changes.map((c) => `${changeLine(c)}\n`).join('') + (plan.changes.length ? '\n' : ''));
  if (plan.changes.length === 0) {
    if (json) ctx.out.json({ applied: false, changes: [], summary: plan.summary });
    else ctx.out.write(`${summaryLine(plan.summary)}\n`);
    return;
  }
  if (!json) ctx.out.write(`${summaryLine(plan.summary)}\n`);
  const n = plan.changes.length;
  if (!(await ctx.confirm(`Apply ${n} change${n === 1 ? '' : 's'} to tenant "${hd.tenant}"?`, o.yes))) {
    ctx.out.status('nothing applied');
    ctx.exitCode = 1;
    return;
  }
  // The fingerprint of the plan shown (or saved): a configuration changed since is refused, nothing applied.
  const result = await hd.applyConfig(config, plan.fingerprint);
  if (json) return ctx.out.json({ applied: true, changes: result.changes, summary: result.summary, fingerprint: result.after });
  const s = result.summary;
  ctx.out.status(`Apply complete: ${s.add} added, ${s.change} changed, ${s.remove} removed.`);
}
