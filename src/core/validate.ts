import type { z } from 'zod';
import { invalid } from './errors.js';

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
