import { z } from 'zod';

/*
 * R23: ticket and approval statistics. The shapes here are plain JSON (the remote backend sends
 * them as they are); the SQL that computes them is in src/engine/stats.ts.
 */

export const STAT_DIMENSIONS = ['organization', 'department', 'category', 'requester', 'agent', 'status', 'channel', 'day', 'week', 'month', 'topic'] as const;
export const STAT_METRICS = ['opened', 'solved', 'backlog', 'due_today', 'overdue', 'avg_resolution_hours', 'avg_rating'] as const;
export type StatDimension = (typeof STAT_DIMENSIONS)[number];
export type StatMetric = (typeof STAT_METRICS)[number];
export const PERIOD_DIMENSIONS: readonly StatDimension[] = ['day', 'week', 'month'];

/** Other words people use for a dimension (R23 says "collaborator" for the requesting customer). */
const DIMENSION_ALIASES: Record<string, StatDimension> = { org: 'organization', collaborator: 'requester', customer: 'requester' };

/**
 * Which instant puts a ticket in the --from/--to range and in a day/week/month, per metric:
 * opened, backlog, due_today and overdue count tickets by their CREATION time; solved,
 * avg_resolution_hours and avg_rating count them by their SOLUTION time (solvedAt, or closedAt
 * for a ticket closed without being solved). backlog, due_today and overdue are the tickets'
 * state now (R18 in the tenant's time zone).
 */
export const METRIC_CLOCK: Record<StatMetric, 'creation' | 'solution'> = {
  opened: 'creation',
  solved: 'solution',
  backlog: 'creation',
  due_today: 'creation',
  overdue: 'creation',
  avg_resolution_hours: 'solution',
  avg_rating: 'solution',
};

/** A calendar date in the tenant's time zone. */
export const DateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-10-01')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a calendar date')
  // Years every store holds, with a day to spare on both sides for the tenant's zone.
  .refine((s) => s >= '0100-01-01' && s <= '9998-12-31', 'a date from 0100-01-01 to 9998-12-31');

const list = <T extends string>(values: readonly T[], what: string, aliases: Record<string, T> = {}) =>
  z.preprocess(
    (v) => {
      const items = typeof v === 'string' ? v.split(',') : v;
      return Array.isArray(items) ? items.map((x) => (typeof x === 'string' ? (aliases[x.trim()] ?? x.trim()) : x)).filter((x) => x !== '') : items;
    },
    z
      .array(z.enum(values as unknown as [T, ...T[]], { error: (iss) => `unknown ${what} "${String(iss.input)}"; expected one of ${values.join(', ')}` }))
      .refine((xs) => new Set(xs).size === xs.length, `a ${what} is named twice`),
  );

const Range = {
  from: DateText.optional(),
  to: DateText.optional(),
};
const rangeOrder = (q: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: `is before --from (${q.from})` });
};

export const StatsQuery = z
  .object({
    by: list(STAT_DIMENSIONS, 'dimension', DIMENSION_ALIASES).default([]),
    metrics: list(STAT_METRICS, 'metric').default([...STAT_METRICS]),
    ...Range,
  })
  .superRefine((q, ctx) => {
    rangeOrder(q, ctx);
    if (q.metrics.length === 0) ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'name at least one metric' });
  });
export type StatsQuery = z.input<typeof StatsQuery>;
export type StatsQueryParsed = z.output<typeof StatsQuery>;

/** One row of `stats export`: the dimensions (names; null when a ticket has none) then the metrics. */
export type StatsRow = Record<string, string | number | null>;

/** The columns of an export, in order: the header of the CSV and the keys of each JSON row. */
export function statsColumns(q: { by: readonly StatDimension[]; metrics: readonly StatMetric[] }): string[] {
  return [...q.by, ...q.metrics];
}

export const APPROVAL_DIMENSIONS = ['organization', 'department'] as const;
export const ApprovalStatsQuery = z
  .object({
    by: z
      .preprocess((v) => (v === 'org' ? 'organization' : v), z.enum(APPROVAL_DIMENSIONS, { error: 'expected org (organization) or department' }))
      .optional(),
    ...Range,
  })
  .superRefine(rangeOrder);
export type ApprovalStatsQuery = z.input<typeof ApprovalStatsQuery>;

/**
 * Approval statistics per organization or department (or one total row): drafts pending now that
 * were created in the range; drafts approved and rejected, and the average hours from a draft's
 * creation to its decision, counted by DECISION time.
 */
export interface ApprovalStatsRow {
  organization?: string | null;
  department?: string | null;
  pending: number;
  approved: number;
  rejected: number;
  avg_decision_hours: number | null;
}
export const APPROVAL_METRICS = ['pending', 'approved', 'rejected', 'avg_decision_hours'] as const;

/** The seed 003 view: per agent, the tickets not solved or closed, those due later today and those overdue (R18). */
export interface AgentSummaryRow {
  /** The agent's e-mail; null for the tickets nobody is assigned to. */
  agent: string | null;
  name: string | null;
  pending: number;
  dueToday: number;
  overdue: number;
}
