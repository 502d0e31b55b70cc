import fc from 'fast-check';
import { LONG } from './integrity.js';

/** Property runs: modest always, many more with DESKCTL_LONG_TESTS=1. */
export const runs = (always: number, long = always * 20) => (LONG ? long : always);

/** Strings that have broken SQL builders, parsers and spreadsheets before. */
export const NASTY = [
  "'",
  "''",
  "' OR '1'='1",
  "'; DROP TABLE tickets; --",
  '" OR ""="',
  '1; DELETE FROM drafts',
  "') UNION SELECT hash FROM api_tokens --",
  '%',
  '_',
  '%_%',
  '\\',
  '`',
  '$1',
  '?',
  ':name',
  '/* */',
  '\u0000',
  'a\u0000b',
  'NULL',
  'null',
  'undefined',
  'true',
  '-1',
  '0',
  '1e309',
  'NaN',
  '__proto__',
  'constructor',
  'toString',
  '../../etc/passwd',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${7*7}',
  '=HYPERLINK("http://x")',
  '+1',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  '\n=1',
  '\ud800',
  'a\udfffb',
  '\u202eevil',
  '\ufeffbom',
  'e\u0301',
  '😀',
  ' ',
  '',
] as const;

/** A hostile string: arbitrary text, any code point, a known-nasty one, or a very long one. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', 'ç', '😀', "'", '\n'), fc.integer({ min: 201, max: 20_000 })).map(([s, n]) => s.repeat(n)) },
);

/** A hostile number: out of range, fractional, negative, huge, unsafe. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, Number.MIN_VALUE, 6, 99999999999),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A JSON value built from the hostile pieces, a few levels deep. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom('ids', 'name', 'email', 'filter', 'decision', '__proto__')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A path into a JSON value (keys and indexes), for mutating one spot of a valid document. */
export function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

export type Mutation = { kind: 'set'; at: number; value: unknown } | { kind: 'delete'; at: number } | { kind: 'add'; at: number; key: string; value: unknown } | { kind: 'replace'; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileJson }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: hostileString, value: hostileJson }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), value: hostileJson }) },
);

/** Applies a mutation to a deep copy of `doc`. */
export function mutate(doc: unknown, m: Mutation): unknown {
  if (m.kind === 'replace') return m.value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  const all = paths(copy);
  const path = all[m.at % all.length]!;
  const parentPath = m.kind === 'add' ? path : path.slice(0, -1);
  let node: unknown = copy;
  for (const k of parentPath) node = (node as Record<string | number, unknown>)[k];
  if (m.kind === 'add') {
    if (node && typeof node === 'object') {
      if (Array.isArray(node)) node.push(m.value);
      else Object.defineProperty(node, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  if (path.length === 0) return m.kind === 'set' ? m.value : undefined;
  const key = path.at(-1)!;
  const parent = node as Record<string | number, unknown>;
  if (m.kind === 'set') parent[key] = m.value;
  else if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return copy;
}

/**
 * An error message that says where the problem is: `<path>: <problem>` (a field, `body`, `path`, a
 * query parameter, `file: line N`), or one of the few messages that name the thing itself.
 */
export const NAMES_A_PLACE = /\S: |Unrecognized key|unknown key|unknown setting "/;
