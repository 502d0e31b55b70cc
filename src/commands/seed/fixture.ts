import { readFileOrStdin } from '../shared.js';
import { invalid } from '../../core/errors.js';
import { readFixtureText } from '../../core/fixture.js';
import type { SeedReport } from '../../engine/seed.js';
import type { Context } from '../../context.js';

/** A fixture file (YAML or JSON; `-` is stdin), parsed; syntax errors name their line. */
export async function readFixture(ctx: Context, file: string): Promise<unknown> {
  const bytes = await readFileOrStdin(ctx, file, (f) => `cannot read the fixture ${f}`);
  const source = file === '-' ? 'stdin' : file;
  return readFixtureText(utf8(bytes, source), source);
}

/** Fixture bytes as text: invalid UTF-8 is refused with where it is, never replaced by U+FFFD and stored. */
function utf8(bytes: Buffer, source: string): string {
  try {
    // A leading byte-order mark is dropped (ignoreBOM: false).
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = bytes.toString('utf8');
    const bad = text.indexOf('\uFFFD');
    const before = text.slice(0, Math.max(0, bad));
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    throw invalid(`malformed fixture: ${source}: line ${line}, column ${col}: not valid UTF-8 (save the file as UTF-8)`);
  }
}

const HELD_SHOWN = 10;

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
  const held = report.heldForApproval;
  if (held.length) {
    // The first few by name; a big fixture's full list is in -o json (heldForApproval).
    const shown = held.length > HELD_SHOWN ? `${held.slice(0, HELD_SHOWN).join(', ')} and ${held.length - HELD_SHOWN} more (-o json lists them all)` : held.join(', ');
    ctx.out.status(`${held.length} ticket(s) wait for approval as drafts (R7): ${shown}`);
  }
  const tally = `${sum('created')} created, ${sum('updated')} updated, ${sum('unchanged')} unchanged`;
  if (report.dryRun) ctx.out.status(`dry run: seeding ${source} into tenant "${report.tenant}" would leave ${tally}; nothing was written`);
  else if (!report.changed) ctx.out.status(`no changes: tenant "${report.tenant}" already matches ${source} (${tally})`);
  else ctx.out.status(`seeded tenant "${report.tenant}" from ${source}: ${tally}`);
}
