import type { Command } from 'commander';
import { z } from 'zod';
import { changeLine, summaryLine } from '../../core/config.js';
import { DeskctlError, EXIT } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { readFixture } from '../seed/fixture.js';
import { examples, parsedAction } from '../shared.js';
import { writeWhole, type SavedPlan } from './files.js';

export const Options = z.object({ file: z.string().min(1), out: z.string().min(1).optional(), detailedExitcode: z.boolean().optional() });

export function register(parent: Command, ctx: Context): void {
  examples(
    parsedAction(
      parent
        .command('plan')
        .argument('<file>', 'a configuration (YAML or JSON, the fixture format; - reads stdin)')
        .option('--out <plan-file>', 'save the plan, to apply exactly it later (refused if the configuration changes meanwhile)')
        .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are (drift), 1 on an error')
        .description('Compare a configuration file with the live configuration: what apply would add, change and remove (R37)'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl config plan helpdesk.yaml', 'deskctl config plan helpdesk.yaml --out release.plan && deskctl config apply release.plan --yes', 'deskctl config plan helpdesk.yaml --detailed-exitcode   # CI drift check'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  try {
    await plan(ctx, o);
  } catch (e) {
    // --detailed-exitcode keeps 2 for "changes present": an invalid file is an error, exit 1.
    if (o.detailedExitcode && e instanceof DeskctlError && e.exitCode === EXIT.usage) {
      ctx.out.error(e);
      ctx.exitCode = EXIT.failed;
      return;
    }
    throw e;
  }
}

async function plan(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const config = await readFixture(ctx, o.file);
  const hd = await ctx.helpdesk();
  const p = await hd.planConfig(config);
  if (o.out) {
    const saved: SavedPlan = { deskctl: 'config-plan', version: 1, tenant: hd.tenant, createdAt: new Date().toISOString(), fingerprint: p.fingerprint, summary: p.summary, changes: p.changes, config };
    await writeWhole(o.out, `${JSON.stringify(saved, null, 2)}\n`);
  }
  if (ctx.out.format === 'json') ctx.out.json({ changes: p.changes, summary: p.summary, fingerprint: p.fingerprint });
  else if (ctx.out.format === 'csv') {
    await ctx.out.list(p.changes, [
      { header: 'action', value: (c) => c.action },
      { header: 'kind', value: (c) => c.kind },
      { header: 'key', value: (c) => c.key },
      { header: 'from', value: (c) => (c.from === null ? '' : JSON.stringify(c.from)) },
      { header: 'to', value: (c) => (c.to === null ? '' : JSON.stringify(c.to)) },
    ]);
  } else {
    ctx.out.write(p.changes.map((c) => `${changeLine(c)}\n`).join('') + `${p.changes.length ? '\n' : ''}${summaryLine(p.summary)}\n`);
  }
  if (o.out) ctx.out.status(`saved the plan to ${o.out}: deskctl config apply ${o.out} applies exactly it, only while the configuration stays as it is now`);
  if (o.detailedExitcode && p.changes.length) ctx.exitCode = EXIT.usage;
}
