import { stringify } from 'csv-stringify/sync';
import { cellText } from './text.js';

export { cellText };

/** OWASP's list: a cell a spreadsheet would read as a formula starts with one of these. */
const FORMULA_START = /^[=+\-@\t\r\n]/;

/**
 * RFC 4180 quotes every field that holds a line break. csv-stringify quotes only the record
 * delimiter (CRLF), so a lone LF or CR went out bare, and a reader split the row there: the rest
 * of the cell became a new row's first cell, un-neutralised (`'\n=cmd` read as `=cmd`).
 */
export const LINE_BREAK = /[\r\n]/;

/** Neutralises spreadsheet formula injection by prefixing a quote; JSON keeps raw values. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** RFC 4180 CSV (quoting by csv-stringify), every cell neutralised against formula injection. */
export function toCsv(header: string[], rows: unknown[][], delimiter = ','): string {
  return stringify([header, ...rows].map((row) => row.map((v) => neutraliseCell(cellText(v)))), {
    delimiter,
    record_delimiter: 'windows',
    quoted_match: LINE_BREAK,
  });
}
