import type { ApprovalMode, Channel, RuleScope } from './schemas.js';

/** The facts the approval decision (R7-R9) looks at; gathering them is the engine's job (approvalFacts). */
export interface ApprovalFacts {
  mode: ApprovalMode;
  /** The rules of the request's department (with their ids when the engine knows them: the draft's heldBy). */
  rules: readonly { id?: number; scope: RuleScope; categoryId: number | null }[];
  channel: Channel;
  categoryId: number | null;
  requester: {
    /** The requester's organization, null when they belong to none. */
    organizationId: number | null;
    isManager: boolean;
  };
  /** Active managers (R3) of the requester's organization and of its parent (R7.3). */
  activeManagers: number;
  /** Names for the explanation (R36); the decision itself never reads them. */
  names?: {
    requester: string;
    department: string;
    category: string | null;
    organization: string | null;
    parent: string | null;
    /** The e-mails of the active managers counted in activeManagers. */
    managers: readonly string[];
  };
}

/** One condition of R7 (or R8/R9) and whether it held for the request. */
export interface ApprovalCheck {
  rule: 'R7.1' | 'R7.2' | 'R7.3' | 'R7.4' | 'R8' | 'R9';
  holds: boolean;
  detail: string;
}

/** What held a draft: the mode, and under `departments` the rule that matched (R36). */
export interface HeldBy {
  mode: ApprovalMode;
  rule: number | null;
}

export interface ApprovalDecision {
  needsApproval: boolean;
  /** The first condition that let the ticket through, or why it waits (for the audit row). */
  reason: string;
  /** Every condition, in the order R7 lists them, then the channel's (R8, R9): the explanation. */
  checks: ApprovalCheck[];
  /** Set when the request needs approval. */
  heldBy: HeldBy | null;
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

const quoted = (s: string | null | undefined, fallback: string) => (s ? `"${s}"` : fallback);

/**
 * R7-R9, the one decision: a request becomes a draft only when every condition holds; otherwise a
 * ticket. Every condition is evaluated and returned with why it held or not, so `approval explain`
 * and `tickets create` are the same function (R36).
 */
export function decideApproval(f: ApprovalFacts): ApprovalDecision {
  const n = f.names;
  const checks: ApprovalCheck[] = [];
  // R9: an e-mail request never has a category, whatever the caller passed.
  const email = f.channel === 'email';
  const categoryId = email ? null : f.categoryId;
  const department = quoted(n?.department, 'the department');
  const what = categoryId === null ? 'without a category' : `with category ${quoted(n?.category, 'the category')}`;

  // R7.1: the mode, and under `departments` a rule of the department that matches (the oldest one).
  const rule = f.mode === 'departments' ? f.rules.find((r) => ruleMatches(r, categoryId)) : undefined;
  const scopeText = (r: { scope: RuleScope }) => (r.scope === 'all' ? 'all categories' : r.scope === 'none' ? 'no category' : `category ${quoted(n?.category, 'the category')}`);
  const r71 =
    f.mode === 'disabled'
      ? { holds: false, detail: 'approval mode is disabled: no request needs approval (R5)' }
      : f.mode === 'all-departments'
        ? { holds: true, detail: 'approval mode is all-departments: every department needs approval (R5)' }
        : rule
          ? { holds: true, detail: `approval mode is departments and rule ${rule.id === undefined ? '' : `${rule.id} `}(${department}, ${scopeText(rule)}) matches a request ${what}` }
          : { holds: false, detail: `approval mode is departments and no rule of ${department} matches a request ${what}` };
  checks.push({ rule: 'R7.1', ...r71 });

  const org = f.requester.organizationId;
  checks.push(
    org === null
      ? { rule: 'R7.2', holds: false, detail: `the requester${n ? ` ${n.requester}` : ''} belongs to no organization` }
      : { rule: 'R7.2', holds: true, detail: n?.organization ? `the requester belongs to organization "${n.organization}"${n.parent ? ` (parent "${n.parent}")` : ' (no parent)'}` : 'the requester belongs to an organization' },
  );

  const where = n?.organization ? `"${n.organization}"${n.parent ? ` and its parent "${n.parent}"` : ''}` : 'the organization and its parent';
  checks.push(
    org === null
      ? { rule: 'R7.3', holds: false, detail: 'no organization, so no managers to approve' }
      : f.activeManagers > 0
        ? { rule: 'R7.3', holds: true, detail: `active managers of ${where}: ${n?.managers.length ? n.managers.join(', ') : f.activeManagers}` }
        : { rule: 'R7.3', holds: false, detail: `no active manager in ${where}` },
  );

  checks.push(
    f.requester.isManager
      ? { rule: 'R7.4', holds: false, detail: "the requester is a manager: a manager's own request is created at once" }
      : { rule: 'R7.4', holds: true, detail: 'the requester is not a manager' },
  );

  checks.push(
    f.channel === 'agent'
      ? { rule: 'R8', holds: false, detail: 'opened by an agent: never needs approval' }
      : { rule: 'R8', holds: true, detail: `channel ${f.channel} goes through approval` },
  );
  if (email) {
    checks.push({ rule: 'R9', holds: true, detail: `an e-mail request never has a category${f.categoryId !== null ? ' (the category given is ignored)' : ''}: it matches only rules with scope none or all` });
  }

  const needsApproval = checks.every((c) => c.holds);
  // The order of the reasons is the order the decision was always explained in: the channel first.
  const first = [...checks].sort((a, b) => (a.rule === 'R8' ? -1 : b.rule === 'R8' ? 1 : 0)).find((c) => !c.holds);
  return {
    needsApproval,
    reason: needsApproval ? (f.mode === 'all-departments' ? 'approval for all departments (R7)' : 'an approval rule matches (R7)') : `${first!.detail} (${first!.rule})`,
    checks,
    heldBy: needsApproval ? { mode: f.mode, rule: f.mode === 'departments' ? (rule?.id ?? null) : null } : null,
  };
}
