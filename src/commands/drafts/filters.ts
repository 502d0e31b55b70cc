import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { CHANNELS, DraftFilter, DurationText } from '../../core/schemas.js';
import { parseInput } from '../../core/validate.js';
import { exclusiveFlags } from '../shared.js';

/**
 * The filter flags as typed (commander turns --no-category into category: false). They become the
 * API's DraftFilter in toFilter, only when they select (with --all, or for list), and refused in
 * its words (`older-than: …`, `limit: …`), as every path refuses them.
 */
export const FilterFlags = z.object({
  org: z.string().optional(),
  includeChildren: z.boolean().optional(),
  department: z.string().optional(),
  category: z.union([z.string(), z.literal(false)]).optional(),
  channel: z.string().optional(),
  requester: z.string().optional(),
  olderThan: z.string().optional(),
  limit: z.string().optional(),
});
export type FilterFlags = z.infer<typeof FilterFlags>;

/** The draft filters shared by list, approve --all and reject --all. */
export function filterOptions(cmd: Command): Command {
  cmd
    .option('--org <name>', 'drafts of this organization')
    .option('--include-children', 'with --org: and of its child organizations')
    .option('--department <name>', 'drafts for this department')
    .option('--category <name>', 'drafts with this category')
    .option('--no-category', 'drafts without a category')
    .addOption(new Option('--channel <channel>', 'drafts that came by this channel').choices(CHANNELS))
    .option('--requester <email>', 'drafts of this customer')
    .option('--older-than <age>', 'drafts waiting longer than this: 30m, 12h, 7d')
    .option('--limit <n>', 'at most this many, oldest first');
  return exclusiveFlags(cmd, ['--category', '--no-category']);
}

export function hasFilter(o: FilterFlags): boolean {
  return ['org', 'includeChildren', 'department', 'category', 'channel', 'requester', 'olderThan', 'limit'].some(
    (k) => o[k as keyof FilterFlags] !== undefined,
  );
}

export function toFilter(o: FilterFlags): DraftFilter {
  return parseInput(DraftFilter, {
    org: o.org,
    includeChildren: o.includeChildren,
    department: o.department,
    category: typeof o.category === 'string' ? o.category : undefined,
    noCategory: o.category === false ? true : undefined,
    channel: o.channel,
    requester: o.requester,
    olderThanMs: o.olderThan === undefined ? undefined : parseInput(DurationText, o.olderThan, 'older-than'),
    limit: o.limit,
  });
}

/** A short description of a filter, for confirmation prompts. */
export function describeFilter(o: FilterFlags): string {
  const parts = [];
  if (o.org) parts.push(`org ${o.org}${o.includeChildren ? ' and children' : ''}`);
  if (o.department) parts.push(`department ${o.department}`);
  if (typeof o.category === 'string') parts.push(`category ${o.category}`);
  if (o.category === false) parts.push('no category');
  if (o.channel) parts.push(`channel ${o.channel}`);
  if (o.requester) parts.push(`requester ${o.requester}`);
  if (o.olderThan) parts.push(`older than ${o.olderThan}`);
  if (o.limit) parts.push(`at most ${o.limit}`);
  return parts.length ? parts.join(', ') : 'every pending draft';
}
