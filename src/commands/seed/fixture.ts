import { readFile } from 'node:fs/promises';
import { invalid } from '../../core/errors.js';
import { readFixtureText } from '../../core/fixture.js';
import type { SeedReport } from '../../engine/seed.js';
import type { Context } from '../../context.js';

/** A fixture file (YAML or JSON; `-` is stdin), parsed; syntax errors name their line. */
export async function readFixture(ctx: Context, file: string): Promise<unknown> {
  let text: string;
  if (file === '-') text = await ctx.readStdin();
  else {
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw invalid(`cannot read the fixture ${file}: ${err.code === 'ENOENT' ? 'no such file' : (err.code ?? err.message)}`);
    }
  }
  return readFixtureText(text.replace(/^\uFEFF/, ''), file === '-' ? 'stdin' : file);
}

/** The summary of a seed: counts per kind on stdout, a sentence on stderr. */
export async function printSeedReport(ctx: Context, report: SeedReport, source: string): Promise<void> {
  if (ctx.out.format === 'json') return ctx.out.json(report);
  await ctx.out.list(report.counts, [
    { header: 'kind', value: (c) => c.kind },
    { header: 'created', value: (c) => c.created },
    { header: 'updated', value: (c) => c.updated },
    { header: 'unchanged', value: (c) => c.unchanged },
  ]);
  const sum = (k: 'created' | 'updated' | 'unchanged') => report.counts.reduce((n, c) => n + c[k], 0);
  for (const note of report.notes) ctx.out.warn(note);
  if (report.heldForApproval.length) {
    ctx.out.status(`${report.heldForApproval.length} ticket(s) wait for approval as drafts (R7): ${report.heldForApproval.join(', ')}`);
  }
  const tally = `${sum('created')} created, ${sum('updated')} updated, ${sum('unchanged')} unchanged`;
  if (report.dryRun) ctx.out.status(`dry run: seeding ${source} into tenant "${report.tenant}" would leave ${tally}; nothing was written`);
  else if (!report.changed) ctx.out.status(`no changes: tenant "${report.tenant}" already matches ${source} (${tally})`);
  else ctx.out.status(`seeded tenant "${report.tenant}" from ${source}: ${tally}`);
}
