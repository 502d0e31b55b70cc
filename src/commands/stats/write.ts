import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import { invalid, precondition } from '../../core/errors.js';
import { LINE_BREAK, neutraliseCell } from '../../output/csv.js';
import { JsonStream } from '../../output/json-stream.js';
import { Output, type Sink } from '../../output/render.js';
import type { Context } from '../../context.js';

export const STATS_FORMATS = ['csv', 'json', 'table'] as const;
export type StatsFormat = (typeof STATS_FORMATS)[number];

/**
 * The output flags as typed: writeOptions reads them with the global -o (which --format beats),
 * after the query, in the words it always used (`--delimiter: …`).
 */
export const WriteFlags = z.object({
  format: z.string().optional(),
  out: z.string().optional(),
  delimiter: z.string().optional(),
  bom: z.boolean().optional(),
});
export type WriteFlags = z.infer<typeof WriteFlags>;

export interface WriteOptions {
  format: StatsFormat;
  out?: string;
  delimiter: string;
  bom: boolean;
}

/** `--format` wins over the global `-o`; with neither, `fallback` (csv for stats export). */
export function writeOptions(ctx: Context, o: WriteFlags, fallback: StatsFormat): WriteOptions {
  const format = (o.format ?? ctx.globals.output ?? fallback) as StatsFormat;
  if (!STATS_FORMATS.includes(format)) throw invalid(`--format must be one of ${STATS_FORMATS.join(', ')} (got "${format}")`);
  let delimiter = o.delimiter ?? ',';
  if (delimiter === 'tab' || delimiter === '\\t') delimiter = '\t';
  if (delimiter.length !== 1 || /["\r\n]/.test(delimiter)) throw invalid(`--delimiter: one character other than a quote or a line break (got "${o.delimiter}")`);
  if (format !== 'csv' && o.delimiter !== undefined) throw invalid('--delimiter applies to --format csv only');
  if (format !== 'csv' && o.bom) throw invalid('--bom applies to --format csv only');
  return { format, out: o.out, delimiter, bom: Boolean(o.bom) };
}

const ROWS_PER_STEP = 1_000;

type Emitter = Partial<NodeJS.EventEmitter> & { destroyed?: boolean };

/** Resolves on the first of these events (or at once when the emitter is not one). */
function either(emitter: Emitter, events: string[]): Promise<void> {
  if (typeof emitter.once !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      for (const e of events) emitter.off!(e, done);
      resolve();
    };
    for (const e of events) emitter.once!(e, done);
  });
}

/**
 * Writes a chunk, waiting when the destination asks (a slow pipe never makes memory grow).
 * False when the destination is gone (`| head` closed it): the caller stops reading rows.
 */
async function put(sink: Sink, chunk: string): Promise<boolean> {
  const s = sink as Sink & Emitter;
  if (s.destroyed) return false;
  if (sink.write(chunk) === false) await either(s, ['drain', 'close', 'error']);
  return !s.destroyed;
}

/**
 * Streams rows to stdout or to a file, row by row: CSV (RFC 4180 by csv-stringify, CRLF, formula
 * cells neutralised; JSON keeps raw values), a JSON array, or a table (which needs every row to
 * size its columns, so it is for the few rows people read). A file is written beside its name and
 * renamed when complete, so a failed export never leaves half a file. Returns the number of rows.
 */
export async function writeRows(ctx: Context, columns: string[], rows: AsyncIterable<Record<string, unknown>>, o: WriteOptions): Promise<number> {
  let sink: Sink = ctx.out.sink;
  let file: { tmp: string; stream: NodeJS.WritableStream & { close(): void } } | undefined;
  if (o.out) {
    const tmp = join(dirname(o.out), `.${basename(o.out)}.${randomBytes(4).toString('hex')}.tmp`);
    const stream = createWriteStream(tmp);
    try {
      await once(stream, 'open');
    } catch (e) {
      throw invalid(`--out ${o.out}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    file = { tmp, stream };
    sink = stream;
  }
  let count = 0;
  // Rows come from synchronous SQLite under their promises: every ROWS_PER_STEP rows the event loop
  // runs, and an interrupt (Ctrl-C, SIGTERM) stops the export there: stdout gets whole rows (a
  // complete JSON array), a file is not written at all.
  let stopped = false;
  const step = async (): Promise<boolean> => {
    if (count % ROWS_PER_STEP === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      stopped = Boolean(ctx.signal?.aborted);
    }
    return stopped;
  };
  try {
    if (o.format === 'csv') {
      const csv = stringify({
        columns,
        header: true,
        delimiter: o.delimiter,
        bom: o.bom,
        record_delimiter: 'windows',
        quoted_match: LINE_BREAK,
        cast: { string: (value) => neutraliseCell(value) },
      });
      let gone = false;
      const pump = (async () => {
        for await (const chunk of csv) {
          if (!(await put(sink, typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')))) {
            gone = true;
            break;
          }
        }
      })();
      for await (const row of rows) {
        if (gone) break;
        count++;
        if (!csv.write(row)) await either(csv, ['drain', 'close']);
        if (await step()) break;
      }
      if (!gone) csv.end();
      await pump;
    } else if (o.format === 'json') {
      const doc = new JsonStream('array');
      let open = true;
      for await (const row of rows) {
        open = await put(sink, doc.items([row]));
        if (!open) break;
        count++;
        if (await step()) break;
      }
      if (open) await put(sink, doc.close());
    } else {
      const all: unknown[][] = [];
      for await (const row of rows) {
        all.push(columns.map((c) => row[c]));
        count++;
        if (await step()) break;
      }
      const out = file ? new Output(sink, ctx.io.stderr, { format: 'table', tty: false }) : ctx.out;
      await out.table(columns, all);
      if (all.length === 0 && !file && ctx.io.stdout.isTTY) ctx.out.status('(no rows)');
    }
    if (stopped) throw precondition(`interrupted after ${count} row${count === 1 ? '' : 's'}${o.out ? `: ${o.out} was not written` : ''}`);
    if (file) {
      const stream = file.stream as NodeJS.WritableStream & { errored?: Error | null };
      if (stream.errored) throw invalid(`--out ${o.out}: ${stream.errored.message}`);
      stream.end();
      await once(stream, 'finish');
      await rename(file.tmp, o.out!);
    }
  } catch (e) {
    if (file) {
      file.stream.close();
      await rm(file.tmp, { force: true });
    }
    throw e;
  }
  return count;
}

export async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
