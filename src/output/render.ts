import type { DeskctlError } from '../core/errors.js';
import { cellText } from './text.js';

export type Format = 'table' | 'json' | 'csv';
export const FORMATS: readonly Format[] = ['table', 'json', 'csv'];

export interface Column<T> {
  header: string;
  value: (item: T) => unknown;
}

export interface Sink {
  write(chunk: string): unknown;
}

type Style = (text: string) => string;

/** The styles deskctl prints with. Colour comes from chalk, which is loaded only when colour is on (see Context.prepareColor). */
export interface Paint {
  bold: Style;
  red: Style;
  yellow: Style;
  cyan: Style;
  gray: Style;
}

/**
 * A table cell in colour: plain text to measure, wrap, pipe and escape, and the styles the output
 * layer applies last, on a terminal with colour on (a command never hands a table escape codes).
 */
export class Styled {
  constructor(readonly parts: readonly [text: string, style: keyof Paint][]) {}
  toString(): string {
    return this.parts.map(([t]) => t).join('');
  }
}

const same: Style = (text) => text;
/** No colour: every style leaves the text as it is. */
export const PLAIN: Paint = { bold: same, red: same, yellow: same, cyan: same, gray: same };

export interface OutputOptions {
  format: Format;
  /** stdout is a terminal: tables are drawn; otherwise they are plain tab-separated lines. */
  tty: boolean;
  /** Colour styles (chalk) when colour is on; plain text otherwise. */
  paint?: Paint;
  /** Terminal width, to fit tables. */
  columns?: number;
  /** Terminal height: a table taller than this goes through `page` when there is one. */
  rows?: number;
  /** Shows long output through the user's pager ($PAGER), on a terminal only. */
  page?: (text: string) => Promise<void>;
  /** The tenant's time zone: a drawn table shows instants in it (piped tables, CSV and JSON stay UTC). */
  timeZone?: string;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** An ISO-8601 UTC instant as a person in `zone` reads it: `2026-11-02 09:00 -03:00`. */
export function localTime(iso: string, zone: string): string {
  try {
    const d = new Date(iso);
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' })
        .formatToParts(d)
        .map((p) => [p.type, p.value]),
    );
    const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${offset}`;
  } catch {
    return iso;
  }
}

/** Renders results on stdout and status lines on stderr, by the chosen format. */
export class Output {
  /** The one place colour is applied: chalk's styles when colour is on, plain text otherwise. */
  readonly paint: Paint;

  constructor(
    private readonly stdout: Sink,
    private readonly stderr: Sink,
    readonly options: OutputOptions,
  ) {
    this.paint = options.paint ?? PLAIN;
  }

  get format(): Format {
    return this.options.format;
  }

  /** Data as it is (a protocol, ids one a line, a token, a script): stdout, nothing added. */
  write(text: string): void {
    this.stdout.write(text);
  }

  /** Where data goes, for writers that stream with backpressure (a stats export). */
  get sink(): Sink {
    return this.stdout;
  }

  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A list: a JSON array, CSV with a header, or a table. */
  async list<T>(items: T[], columns: Column<T>[], raw: unknown[] = items): Promise<void> {
    if (this.format === 'json') return this.json(raw);
    const header = columns.map((c) => c.header);
    const rows = items.map((item) => columns.map((c) => c.value(item)));
    if (this.format === 'csv') {
      const { toCsv } = await import('./csv.js'); // csv-stringify loads only for CSV output
      this.stdout.write(toCsv(header, rows));
      return;
    }
    await this.table(header, rows);
    if (items.length === 0 && this.options.tty) this.status('(none)');
  }

  /** One object: JSON, or key/value lines for people (CSV of one row). */
  async object(value: object, fields?: [string, unknown][]): Promise<void> {
    if (this.format === 'json') return this.json(value);
    const pairs = fields ?? Object.entries(value);
    if (this.format === 'csv') {
      const { toCsv } = await import('./csv.js');
      this.stdout.write(toCsv(pairs.map(([k]) => k), [pairs.map(([, v]) => v)]));
      return;
    }
    await this.table(['field', 'value'], pairs, { keyValue: true });
  }

  /** A table: drawn with borders on a terminal, tab-separated and colour-free when piped. */
  async table(header: string[], rows: unknown[][], opts: { keyValue?: boolean } = {}): Promise<void> {
    const text = rows.map((r) => r.map((v) => printable((v instanceof Styled ? String(v) : cellText(v)).replace(/[\t\r\n]+/g, ' '))));
    if (!this.options.tty) {
      const lines = opts.keyValue ? text : [header, ...text];
      this.stdout.write(lines.map((l) => l.join('\t')).join('\n') + (lines.length ? '\n' : ''));
      return;
    }
    // For people, instants in the tenant's zone (the data stays UTC everywhere else).
    const zone = this.options.timeZone;
    if (zone) for (const r of text) r.forEach((s, i) => INSTANT.test(s) && (r[i] = localTime(s, zone)));
    const { default: Table } = await import('cli-table3');
    const width = this.options.columns ?? 100;
    const colWidths = fitWidths(header.length, opts.keyValue ? text : [header, ...text], width);
    // Cells are wrapped here, as plain text, before any colour: cli-table3's own wrapping counts
    // escape codes as characters and cuts them in half (a bold header became "[1" + "mid").
    const cell = (s: string, i: number) => wrapText(s, Math.max(1, colWidths[i]! - 2));
    const table = new Table({
      head: opts.keyValue ? [] : header.map((h, i) => cell(h, i).split('\n').map((l) => this.paint.bold(l)).join('\n')),
      style: { head: [], border: [], compact: true },
      colWidths,
    });
    // A styled cell keeps its colours when it fits on one line (its text is plain otherwise).
    const paint = (v: unknown, s: string) =>
      v instanceof Styled && !s.includes('\n') ? v.parts.map(([t, style]) => (t ? this.paint[style](printable(t)) : '')).join('') : s;
    text.forEach((r, row) => table.push(r.map((s, i) => paint(rows[row]![i], cell(s, i)))));
    const drawn = `${table.toString()}\n`;
    // Longer than the terminal is tall: through the pager, as gh and git do (never when piped).
    const { page, rows: height } = this.options;
    if (page && height && drawn.split('\n').length - 1 > height) return page(drawn);
    this.stdout.write(drawn);
  }

  /** A line for the person at the terminal: stderr, never mixed with data. */
  status(message: string): void {
    this.stderr.write(`${printableLines(message)}\n`);
  }

  warn(message: string): void {
    this.stderr.write(`${this.paint.yellow('warning')}: ${printableLines(message)}\n`);
  }

  error(err: DeskctlError): void {
    // One line whatever the message quotes: a value's line breaks and control characters are escaped.
    this.stderr.write(`${this.paint.red('error')}: ${printable(err.message)}\n`);
    if (this.format === 'json') this.stderr.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
  }
}

const textWidth = (s: string) => [...s].length;

/**
 * Text safe to print on a terminal: line breaks, tabs and other control characters (an escape
 * sequence in a customer's name could rewrite the screen) and the bidirectional controls (which
 * reorder what follows them on screen) become visible escapes: `\n`, `\x1b`, `\u202e`.
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Status lines: data they quote is printable, the line breaks they are written with stay. */
const printableLines = (s: string) => s.split('\n').map(printable).join('\n');

/** Column widths (with one space of padding each side) that fit the terminal: short columns keep their size, long ones share the rest. */
export function fitWidths(n: number, rows: string[][], width: number): number[] {
  const natural = Array.from({ length: n }, (_, i) => Math.max(1, ...rows.map((r) => textWidth(r[i] ?? ''))) + 2);
  const budget = width - (n + 1); // the borders between and around the columns
  const widths = [...natural];
  while (widths.reduce((a, b) => a + b, 0) > budget) {
    const i = widths.indexOf(Math.max(...widths));
    if (widths[i]! <= 4) break; // two characters a line: narrower than this nothing is readable
    widths[i]!--;
  }
  return widths;
}

/** Wraps plain text to lines of at most `width` characters, at spaces where it can. */
export function wrapText(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const chars = [...word];
    if (line !== '' && textWidth(line) + 1 + chars.length <= width) {
      line += ` ${word}`;
      continue;
    }
    if (line !== '') lines.push(line);
    while (chars.length > width) lines.push(chars.splice(0, width).join(''));
    line = chars.join('');
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines.join('\n');
}
