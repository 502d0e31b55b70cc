import type { ApprovalMode, Channel, RuleScope } from './schemas.js';

/** The facts the approval decision (R7-R9) looks at; gathering them is the engine's job. */
export interface ApprovalFacts {
  mode: ApprovalMode;
  /** The rules of the request's department. */
  rules: readonly { scope: RuleScope; categoryId: number | null }[];
  channel: Channel;
  categoryId: number | null;
  requester: {
    /** The requester's organization, null when they belong to none. */
    organizationId: number | null;
    isManager: boolean;
  };
  /** Active managers (R3) of the requester's organization and of its parent (R7.3). */
  activeManagers: number;
}

export interface ApprovalDecision {
  needsApproval: boolean;
  reason: string;
}

/** R6/R7.1: does a department rule cover a request with this category (null: no category)? */
export function ruleMatches(rule: { scope: RuleScope; categoryId: number | null }, categoryId: number | null): boolean {
  switch (rule.scope) {
    case 'all':
      return true;
    case 'none':
      return categoryId === null;
    case 'category':
      return categoryId !== null && rule.categoryId === categoryId;
  }
}

/** R7-R9: a request becomes a draft only when every condition holds; otherwise a ticket. */
export function decideApproval(f: ApprovalFacts): ApprovalDecision {
  const no = (reason: string): ApprovalDecision => ({ needsApproval: false, reason });
  if (f.channel === 'agent') return no('opened by an agent (R8)');
  if (f.mode === 'disabled') return no('approval is disabled (R5)');
  // R9: an e-mail request never has a category, whatever the caller passed.
  const categoryId = f.channel === 'email' ? null : f.categoryId;
  if (f.mode === 'departments' && !f.rules.some((r) => ruleMatches(r, categoryId))) {
    return no('no approval rule matches the department and category (R7.1)');
  }
  if (f.requester.organizationId === null) return no('the requester belongs to no organization (R7.2)');
  if (f.activeManagers === 0) return no('neither the organization nor its parent has an active manager (R7.3)');
  if (f.requester.isManager) return no("a manager's own request is created at once (R7.4)");
  return { needsApproval: true, reason: f.mode === 'all-departments' ? 'approval for all departments (R7)' : 'an approval rule matches (R7)' };
}
