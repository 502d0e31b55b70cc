import type { z } from 'zod';
import { invalid } from './errors.js';
import { textProblem } from './text.js';

/** One line per problem, each led by its path: `customers[3].email: invalid e-mail`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((issue) => {
    const path = formatPath([...(prefix ? [prefix] : []), ...issue.path]);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    // A key that would not read as one (empty, spaces, quotes, brackets, invisible or invalid text) is quoted: `fields[" "]`.
    else if (typeof part === 'string' && !/^[^\s"'[\]\\\p{C}]+$/u.test(part)) out += `[${JSON.stringify(part)}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Parse with a zod schema; invalid input becomes one DeskctlError naming every bad path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // zod may report one problem twice (an id that is neither whole nor safe): each line once.
  const lines = [...new Set(formatIssues(result.error.issues, what))];
  throw invalid(lines.join('; '), lines);
}

/** What one walk over a JSON value found first, and how many values (and keys) it looked at. */
export interface JsonInspection {
  problem: { path: (string | number)[]; message: string; kind: 'depth' | 'text' } | null;
  steps: number;
}

interface Frame {
  node: Record<string, unknown> | unknown[];
  keys: string[] | null;
  i: number;
}

/**
 * One pass over a parsed JSON value: the first value nested deeper than `maxDepth`, or the first
 * string (value or key) that is not valid Unicode or holds NUL (`textProblem`). Iterative, linear
 * in the size of the value and allocation-light: one frame per open level, and a path is only
 * made for the problem it reports. `steps` counts the values and keys visited.
 */
export function inspectJson(value: unknown, maxDepth: number): JsonInspection {
  const frames: Frame[] = [];
  let steps = 0;
  const pathHere = (): (string | number)[] => frames.map((f) => (f.keys ? f.keys[f.i - 1]! : f.i - 1));
  const fail = (path: (string | number)[], message: string, kind: 'depth' | 'text'): JsonInspection => ({ problem: { path, message, kind }, steps });
  let next: unknown = value;
  for (;;) {
    steps++;
    if (typeof next === 'string') {
      const p = textProblem(next);
      if (p) return fail(pathHere(), p, 'text');
    } else if (next !== null && typeof next === 'object') {
      if (frames.length >= maxDepth) return fail(pathHere(), `nested more than ${maxDepth} levels deep`, 'depth');
      frames.push(Array.isArray(next) ? { node: next, keys: null, i: 0 } : { node: next as Record<string, unknown>, keys: Object.keys(next), i: 0 });
    }
    // The next value: the following child of the innermost open level, closing finished levels.
    let found = false;
    while (frames.length) {
      const f = frames[frames.length - 1]!;
      if (f.keys) {
        if (f.i < f.keys.length) {
          const key = f.keys[f.i++]!;
          steps++;
          const p = textProblem(key);
          if (p) return fail(pathHere().slice(0, -1), `the key ${JSON.stringify(key)}: ${p}`, 'text');
          next = (f.node as Record<string, unknown>)[key];
          found = true;
          break;
        }
      } else if (f.i < (f.node as unknown[]).length) {
        next = (f.node as unknown[])[f.i++];
        found = true;
        break;
      }
      frames.pop();
    }
    if (!found) return { problem: null, steps };
  }
}
