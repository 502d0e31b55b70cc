import type { Command } from 'commander';
import type { RuleSpec } from '../../client/helpdesk.js';
import { invalid } from '../../core/errors.js';
import { exclusiveFlags } from '../shared.js';
import type { ScopeFlags } from './options.js';

/** The rule flags shared by `rules add` and `rules remove`. */
export function scopeOptions(cmd: Command): Command {
  cmd
    .option('--department <name>', 'the department the rule is for')
    .option('--category <name>', 'one category of that department')
    .option('--no-category', 'tickets opened without a category')
    .option('--all-categories', 'every category and no category');
  return exclusiveFlags(cmd, ['--category', '--no-category', '--all-categories']);
}

/** Exactly one scope flag: --category C, --no-category or --all-categories (R6). */
export function toSpec(o: ScopeFlags): RuleSpec {
  if (!o.department) throw invalid('--department is required');
  // commander turns --no-category into category === false.
  const category = typeof o.category === 'string' ? o.category : undefined;
  const noCategory = o.category === false;
  const chosen = [category !== undefined, noCategory, Boolean(o.allCategories)].filter(Boolean).length;
  if (chosen !== 1) throw invalid('give exactly one of --category C, --no-category or --all-categories');
  if (category !== undefined) return { department: o.department, scope: 'category', category };
  return { department: o.department, scope: noCategory ? 'none' : 'all' };
}
