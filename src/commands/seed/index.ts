import type { Command } from 'commander';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';
import { printSeedReport, readFixture } from './fixture.js';

/** The fixture's path (or `-`); the fixture itself is read, and checked by its schema, in run. */
export const Options = z.object({ file: z.string(), dryRun: z.boolean().optional() });

/** `deskctl seed <file|->`: a command of its own (no verb). */
export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
        .argument('<file>', 'a fixture in YAML or JSON (see the README and schemas/fixture.schema.json); - reads stdin')
        .option('--dry-run', 'check the fixture and print what would change; write nothing')
        .description(
          'Create a known state in the tenant from a fixture, in one transaction. Idempotent by natural keys (names, e-mails, refs): a second run changes nothing. Invalid input writes nothing and lists every problem with its path (exit 2).',
        ),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'deskctl seed fixture.yaml',
      'deskctl seed fixture.yaml --dry-run',
      'deskctl --tenant ci-42 seed fixture.json -o json',
      'cat fixture.yaml | deskctl seed -',
    ],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const { file } = o;
  const fixture = await readFixture(ctx, file);
  const hd = await ctx.helpdesk();
  const progress = await ctx.progress('seeding');
  let report;
  try {
    report = await hd.seed(fixture, { dryRun: o.dryRun, signal: ctx.signal, onProgress: (done, total) => progress.update(done, total) });
  } finally {
    progress.stop();
  }
  await printSeedReport(ctx, report, file === '-' ? 'stdin' : file);
}
