import { z } from 'zod';
import { APPROVAL_MODES } from '../../core/model.js';

/**
 * The Options schemas of the approval verbs, apart from their commands: `approval show` reads the
 * local database without zod, and registering `approval set` must not load it (set.ts loads this
 * module when it runs).
 */
export const SetOptions = z.object({ mode: z.enum(APPROVAL_MODES) });

/** `approval explain`: a hypothetical request; commander turns --no-category into category: false. */
export const ExplainOptions = z.object({
  requester: z.string(),
  department: z.string(),
  category: z.union([z.string(), z.literal(false)]).optional(),
  channel: z.string().optional(),
});
