import { stringify } from 'csv-stringify/sync';
import { cellText } from './text.js';

export { cellText };

/** OWASP's list: a cell a spreadsheet would read as a formula starts with one of these. */
const FORMULA_START = /^[=+\-@\t\r\n]/;

/** Neutralises spreadsheet formula injection by prefixing a quote; JSON keeps raw values. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** RFC 4180 CSV (quoting by csv-stringify), every cell neutralised against formula injection. */
export function toCsv(header: string[], rows: unknown[][], delimiter = ','): string {
  return stringify([header, ...rows].map((row) => row.map((v) => neutraliseCell(cellText(v)))), {
    delimiter,
    record_delimiter: 'windows',
  });
}
