import type { Command } from 'commander';
import { z } from 'zod';
import type { DecisionResult } from '../../core/schemas.js';
import { DeskctlError, invalid } from '../../core/errors.js';
import { newBatchId } from '../../core/decisions.js';
import type { Context } from '../../context.js';
import { batchExit, countForbidden, examples, excludeEachOther, parsedAction, readIds } from '../shared.js';
import { JsonStream } from '../../output/json-stream.js';
import { FilterFlags, describeFilter, filterOptions, hasFilter, toFilter } from './filters.js';

/** Draft ids as typed (or `-` for stdin: readIds reads and checks them), or --all with the filters. */
export const ApproveOptions = FilterFlags.extend({
  ids: z.array(z.string()),
  all: z.boolean().optional(),
  as: z.string().optional(),
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
});
export const RejectOptions = ApproveOptions.extend({ reason: z.string().optional() });
type Options = z.infer<typeof RejectOptions>;

/** `drafts approve` and `drafts reject`: the same selection, confirmation and reporting. */
export function registerDecision(parent: Command, ctx: Context, decision: 'approve' | 'reject'): void {
  const cmd = filterOptions(
    parent
      .command(decision)
      .argument('[ids...]', 'draft ids, or - to read them from stdin (one per line, or the JSON of drafts list)')
      .option('--all', 'every pending draft that matches the filters'),
  );
  if (decision === 'reject') cmd.option('--reason <text>', 'told to the requester');
  cmd
    .option('--as <email>', 'act as this manager; only drafts of their organization and its children (R13)')
    .option('--dry-run', 'change nothing; print what would be decided')
    .option('-y, --yes', 'do not ask for confirmation (required with --all when not on a terminal)')
    .description(
      decision === 'approve'
        ? 'Approve drafts: each becomes a ticket through the normal flow, exactly once (R13)'
        : 'Reject drafts: each is deleted and its requester told by e-mail (R13)',
    );
  parsedAction(cmd, decision === 'approve' ? ApproveOptions : RejectOptions, (o) => run(ctx, decision, o));
  examples(
    cmd,
    decision === 'approve'
      ? [
          'deskctl drafts approve 17 18',
          'deskctl drafts approve --all --org Matriz --include-children --dry-run',
          'deskctl drafts approve --all --department Suporte --older-than 7d --yes',
          'deskctl drafts approve 17 --as gerente@matriz.example',
        ]
      : ['deskctl drafts reject 17 --reason "Fora do contrato"', 'deskctl drafts reject --all --requester ex@norte.example --yes'],
  );
}

const PAST = { approve: 'approved', reject: 'rejected' } as const;
/** In table and CSV output, at most this many successes are kept to show (failures are all shown). */
const SHOWN = 200;

export async function run(ctx: Context, decision: 'approve' | 'reject', o: Options): Promise<void> {
  const args = o.ids;
  excludeEachOther([
    ['draft ids', args.length > 0],
    ['--all', Boolean(o.all)],
  ]);
  if (args.length && hasFilter(o)) throw invalid('filters select drafts only with --all');
  if (!args.length && !o.all) throw invalid('give draft ids, - to read them from stdin, or --all with filters');
  const filter = o.all ? toFilter(o) : undefined;
  const reason = o.reason?.trim() || undefined;
  const ids = args.length ? await readIds(ctx, args) : undefined;
  const hd = await ctx.helpdesk();
  // One batch id for every chunk of this run (R38: a rejection's batch is what drafts restore --batch undoes).
  const batch = newBatchId();
  const base = { decision, ids, filter, reason, as: o.as, batch };

  if (o.dryRun) {
    const dry = await hd.decideDrafts({ ...base, dryRun: true });
    if (ctx.out.format === 'json') return ctx.out.json(dry);
    if (dry.dryRun) {
      ctx.out.write(dry.ids.map((id) => `${id}\n`).join(''));
      ctx.out.status(`dry run: would ${decision} ${dry.matched} draft${dry.matched === 1 ? '' : 's'}; nothing changed`);
    }
    return;
  }

  if (o.all && !o.yes) {
    const dry = await hd.decideDrafts({ ...base, dryRun: true });
    const n = dry.dryRun ? dry.matched : 0;
    const drafts = `${n.toLocaleString('en-US')} draft${n === 1 ? '' : 's'}`;
    // The one confirmation rule: off a terminal, never without --yes (exit 2), whatever the count.
    if (!ctx.interactive) {
      throw invalid(`refusing to ${decision} ${drafts} (${describeFilter(o)}) without --yes when not on a terminal: see which with --dry-run, then add --yes`);
    }
    if (n === 0) {
      ctx.out.status('no pending drafts match; nothing to do');
      return;
    }
    const ok = await ctx.confirm(`${decision === 'approve' ? 'Approve' : 'Reject'} ${n} draft${n === 1 ? '' : 's'} (${describeFilter(o)})?`, false);
    if (!ok) {
      ctx.out.status('nothing changed');
      ctx.exitCode = 1;
      return;
    }
  }

  const json = ctx.out.format === 'json';
  const shown: DecisionResult[] = [];
  let successesShown = 0;
  // The JSON document is streamed chunk by chunk (flat memory on 100,000 drafts), opened only once
  // there is something to say, so an error before the first chunk leaves stdout empty.
  const doc = new JsonStream({ head: { dryRun: false, batch }, list: 'results' });
  const progress = await ctx.progress(decision === 'approve' ? 'approving drafts' : 'rejecting drafts');
  const sofar = { requested: 0, succeeded: 0, failed: 0 };
  let refused = 0;
  const totals = (r: typeof sofar) => ({ requested: r.requested, succeeded: r.succeeded, failed: r.failed });
  let report;
  try {
    report = await hd.decideDrafts(base, {
      signal: ctx.signal,
      onProgress: (done, total) => progress.update(done, total),
      onResults: (results) => {
        refused += countForbidden(results);
        for (const r of results) {
          sofar.requested++;
          if (r.ok) sofar.succeeded++;
          else sofar.failed++;
        }
        if (json) {
          ctx.out.write(doc.items(results));
          return;
        }
        for (const r of results) {
          // Piped, every row is listed (a script reads them all); on a terminal, the first SHOWN successes.
          if (!r.ok || successesShown < SHOWN || !ctx.io.stdout.isTTY) shown.push(r);
          if (r.ok) successesShown++;
        }
      },
    });
  } catch (e) {
    progress.stop();
    // The chunks committed before the error stay decided: say how far it got, and close the JSON
    // document with them and the error, before the error itself is reported.
    if (sofar.requested > 0) {
      if (json) {
        const stopped = e instanceof DeskctlError ? e.toJSON() : { code: 'internal', message: (e as Error).message };
        ctx.out.write(doc.close({ ...totals(sofar), stopped }));
      } else {
        ctx.out.status(`stopped after ${sofar.requested} draft${sofar.requested === 1 ? '' : 's'}: ${sofar.succeeded} ${PAST[decision]} (they stay so), ${sofar.failed} failed; the rest are still pending`);
      }
    }
    throw e;
  }
  progress.stop();
  if (report.dryRun) return;
  if (json) {
    ctx.out.write(doc.close(totals(report)));
  } else {
    await ctx.out.list(shown, [
      { header: 'id', value: (r) => r.id },
      { header: 'result', value: (r) => (r.ok ? PAST[decision] : `failed: ${r.error?.code}`) },
      { header: 'ticket', value: (r) => r.ticket?.id ?? '' },
      { header: 'protocol', value: (r) => r.ticket?.protocol ?? '' },
      { header: 'detail', value: (r) => r.error?.message ?? '' },
    ]);
    if (report.succeeded > SHOWN && ctx.io.stdout.isTTY) ctx.out.status(`(showing ${SHOWN} of ${report.succeeded} successes; piped, every row is listed)`);
    const interrupted = ctx.signal?.aborted ? ' (interrupted: the rest were left pending)' : '';
    ctx.out.status(`${PAST[decision]} ${report.succeeded} of ${report.requested} draft${report.requested === 1 ? '' : 's'}; ${report.failed} failed${interrupted}`);
    if (report.requested === 0) ctx.out.status('no pending drafts matched');
    else if (decision === 'reject' && report.succeeded > 0) ctx.out.status(`batch ${batch}: undo with deskctl drafts restore --batch ${batch} (within undo.windowHours)`);
  }
  ctx.exitCode = batchExit(report.requested, report.failed, refused);
}
