import type { DecisionReport, DecisionResult, DraftFilter } from './schemas.js';

/** One atomic step of a bulk decision: explicit ids, or the next drafts matching a filter. */
export interface ChunkRequest {
  decision: 'approve' | 'reject';
  ids?: number[];
  filter?: DraftFilter;
  reason?: string;
  /** Filter mode: only drafts with a greater id (the cursor of the previous chunk). */
  after?: number;
  /** Filter mode: at most this many drafts in this chunk. */
  limit?: number;
  /** Filter mode: also count the matching drafts left after this chunk. */
  count?: boolean;
  /** The batch of the bulk decision this chunk belongs to (R38); one is made for a chunk sent alone. */
  batch?: string;
}

export interface ChunkResult {
  results: DecisionResult[];
  /** Filter mode: the greatest draft id this chunk looked at (the next cursor), null when none. */
  last: number | null;
  remaining?: number;
  /** The batch the chunk was recorded under. */
  batch?: string;
}

/** A batch id names every draft one bulk decision decided, across its chunks (R38: `drafts restore --batch`). */
export const newBatchId = (): string => globalThis.crypto.randomUUID();
/** What a batch id may be when a client names it (an API body): letters, digits, dashes and underscores. */
export const BATCH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The most drafts one chunk (one transaction, one API request) may decide: the API refuses more. */
export const MAX_CHUNK = 10_000;

/** DESKCTL_DECIDE_CHUNK: drafts per transaction (per request over the API) in bulk decisions, when set. */
export function chunkSizeFrom(env: NodeJS.ProcessEnv | undefined): number | undefined {
  const n = Number(env?.DESKCTL_DECIDE_CHUNK);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Lets the event loop run between chunks: a local chunk is synchronous SQLite under its promises,
 * so without this a signal handler (Ctrl-C, SIGTERM) or a progress redraw would wait for the end.
 */
export const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface DecideLoopHooks {
  onProgress?: (done: number, total: number) => void;
  onResults?: (results: DecisionResult[]) => void;
  signal?: AbortSignal;
}

/**
 * Drives a bulk decision chunk by chunk, whatever executes a chunk (the engine in-process, or one
 * request to the API per chunk). Each chunk is atomic; the loop stops early when aborted.
 */
export async function decideInChunks(
  exec: (chunk: ChunkRequest) => Promise<ChunkResult>,
  req: { decision: 'approve' | 'reject'; ids?: number[]; filter?: DraftFilter; reason?: string; batch?: string },
  chunkSize: number,
  hooks: DecideLoopHooks = {},
): Promise<DecisionReport> {
  // One batch for the whole run, every chunk of it (R38).
  const batch = req.batch ?? newBatchId();
  const report: DecisionReport = { dryRun: false, batch, requested: 0, succeeded: 0, failed: 0, results: [] };
  const take = (results: DecisionResult[]) => {
    report.requested += results.length;
    for (const r of results) r.ok ? report.succeeded++ : report.failed++;
    if (hooks.onResults) hooks.onResults(results);
    else report.results.push(...results);
  };
  const base = { decision: req.decision, reason: req.reason, batch };

  if (req.ids) {
    const ids = [...new Set(req.ids)];
    for (let i = 0; i < ids.length && !hooks.signal?.aborted; i += chunkSize) {
      take((await exec({ ...base, ids: ids.slice(i, i + chunkSize) })).results);
      hooks.onProgress?.(Math.min(i + chunkSize, ids.length), ids.length);
      await yieldToEvents();
    }
    return report;
  }

  const cap = req.filter?.limit ?? Infinity;
  let total = cap;
  let after = 0;
  let done = 0;
  while (done < total && !hooks.signal?.aborted) {
    const first = done === 0;
    const chunk = await exec({ ...base, filter: req.filter, after, limit: Math.min(chunkSize, total - done), count: first });
    if (first) total = Math.min(cap, chunk.results.length + (chunk.remaining ?? 0));
    if (chunk.results.length === 0 || chunk.last === null) break;
    after = chunk.last;
    done += chunk.results.length;
    take(chunk.results);
    hooks.onProgress?.(done, total);
    await yieldToEvents();
  }
  return report;
}
