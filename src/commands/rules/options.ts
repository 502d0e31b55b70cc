import { z } from 'zod';

/**
 * The Options schemas of the rule verbs, apart from their commands: `rules list` reads the local
 * database without zod, and registering `rules add` and `rules remove` must not load it (they load
 * this module when they run).
 */

/**
 * The rule flags as typed: commander turns --no-category into category: false. Which of them make
 * a rule (exactly one scope, R6) is toSpec's to say, after `rules remove` has seen ids or flags.
 */
export const ScopeFlags = z.object({
  department: z.string().optional(),
  category: z.union([z.string(), z.literal(false)]).optional(),
  allCategories: z.boolean().optional(),
});
export type ScopeFlags = z.infer<typeof ScopeFlags>;

export const AddOptions = ScopeFlags;
/** Rule ids as typed (or `-` for stdin: readIds reads and checks them), or the scope flags. */
export const RemoveOptions = ScopeFlags.extend({ ids: z.array(z.string()) });
