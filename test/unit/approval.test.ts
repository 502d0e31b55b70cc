import { describe, expect, it } from 'vitest';
import { decideApproval, ruleMatches, type ApprovalFacts } from '../../src/core/approval.js';
import type { Channel } from '../../src/core/schemas.js';

/* The approval decision (R5-R9) as a table. Category ids: 1 = Acesso, 2 = Rede (same department). */

const ACESSO = 1;
const REDE = 2;
const CUSTOMER_CHANNELS: Channel[] = ['panel', 'email', 'api', 'whatsapp', 'app'];

/** A request that needs approval under `all-departments`; each case changes what it proves. */
type FactsOverride = Partial<Omit<ApprovalFacts, 'requester'>> & { requester?: Partial<ApprovalFacts['requester']> };

function facts(over: FactsOverride = {}): ApprovalFacts {
  const { requester, ...rest } = over;
  return {
    mode: 'all-departments',
    rules: [],
    channel: 'panel',
    categoryId: ACESSO,
    activeManagers: 1,
    ...rest,
    requester: { organizationId: 10, isManager: false, ...requester },
  };
}

const cat = (categoryId: number) => ({ scope: 'category' as const, categoryId });
const none = { scope: 'none' as const, categoryId: null };
const all = { scope: 'all' as const, categoryId: null };

type Case = [name: string, f: ApprovalFacts, needsApproval: boolean];

const cases: Case[] = [
  // R5: the modes
  ['R5: mode disabled never needs approval', facts({ mode: 'disabled' }), false],
  ['R5: mode disabled ignores a matching rule', facts({ mode: 'disabled', rules: [all] }), false],
  ['R5/R7.1: mode all-departments needs approval without any rule', facts({ mode: 'all-departments', rules: [] }), true],
  ['R5/R7.1: mode all-departments needs approval without a category', facts({ mode: 'all-departments', categoryId: null }), true],
  ['R5/R7.1: mode departments without rules creates the ticket', facts({ mode: 'departments', rules: [] }), false],

  // R6/R7.1: rule scopes, with and without a category
  ['R6: a category rule matches its category', facts({ mode: 'departments', rules: [cat(ACESSO)], categoryId: ACESSO }), true],
  ['R6: a category rule does not match another category', facts({ mode: 'departments', rules: [cat(ACESSO)], categoryId: REDE }), false],
  ['R6: a category rule does not match a request without category', facts({ mode: 'departments', rules: [cat(ACESSO)], categoryId: null }), false],
  ['R6: scope none matches a request without category', facts({ mode: 'departments', rules: [none], categoryId: null }), true],
  ['R6: scope none does not match a request with a category', facts({ mode: 'departments', rules: [none], categoryId: ACESSO }), false],
  ['R6: scope all matches a request with a category', facts({ mode: 'departments', rules: [all], categoryId: REDE }), true],
  ['R6: scope all matches a request without category', facts({ mode: 'departments', rules: [all], categoryId: null }), true],
  ['R6: any one matching rule among several is enough', facts({ mode: 'departments', rules: [cat(ACESSO), none], categoryId: null }), true],
  ['R6: several non-matching rules do not add up', facts({ mode: 'departments', rules: [cat(ACESSO), none], categoryId: REDE }), false],

  // R7.2-R7.4: the requester
  ['R7.2: a requester with no organization creates the ticket (all-departments)', facts({ requester: { organizationId: null } }), false],
  ['R7.2: a requester with no organization creates the ticket (matching rule)', facts({ mode: 'departments', rules: [all], requester: { organizationId: null } }), false],
  ['R7.3: no active manager in the organization or its parent creates the ticket', facts({ activeManagers: 0 }), false],
  ['R7.3: no active manager, even with a matching rule', facts({ mode: 'departments', rules: [all], activeManagers: 0 }), false],
  ['R7.3: one active manager is enough', facts({ activeManagers: 1 }), true],
  ['R7.3: several active managers need approval', facts({ activeManagers: 3 }), true],
  ['R7.4: a manager requester creates the ticket at once', facts({ requester: { isManager: true } }), false],
  ['R7.4: a manager requester creates the ticket even under a matching rule', facts({ mode: 'departments', rules: [all], requester: { isManager: true } }), false],

  // R8: channels
  ['R8: the agent channel never needs approval (all-departments)', facts({ channel: 'agent' }), false],
  ['R8: the agent channel never needs approval (matching rule)', facts({ channel: 'agent', mode: 'departments', rules: [all] }), false],
  ...CUSTOMER_CHANNELS.map((channel): Case => [
    `R8: the ${channel} channel goes through approval (all-departments)`,
    facts({ channel, categoryId: channel === 'email' ? null : ACESSO }),
    true,
  ]),
  ...CUSTOMER_CHANNELS.filter((c) => c !== 'email').map((channel): Case => [
    `R8: the ${channel} channel goes through a matching category rule`,
    facts({ channel, mode: 'departments', rules: [cat(ACESSO)], categoryId: ACESSO }),
    true,
  ]),
  ...CUSTOMER_CHANNELS.map((channel): Case => [
    `R8: the ${channel} channel with approval disabled creates the ticket`,
    facts({ channel, mode: 'disabled' }),
    false,
  ]),

  // R9: e-mail never carries a category
  ['R9: e-mail under all-departments needs approval', facts({ channel: 'email', categoryId: null }), true],
  ['R9: e-mail matches a scope none rule', facts({ channel: 'email', mode: 'departments', rules: [none], categoryId: null }), true],
  ['R9: e-mail matches a scope all rule', facts({ channel: 'email', mode: 'departments', rules: [all], categoryId: null }), true],
  ['R9: e-mail never matches a category rule', facts({ channel: 'email', mode: 'departments', rules: [cat(ACESSO)], categoryId: null }), false],
  ['R9: e-mail ignores a category it was given (category rule does not match)', facts({ channel: 'email', mode: 'departments', rules: [cat(ACESSO)], categoryId: ACESSO }), false],
  ['R9: e-mail ignores a category it was given (scope none matches)', facts({ channel: 'email', mode: 'departments', rules: [none], categoryId: ACESSO }), true],
];

describe('decideApproval (R5-R9)', () => {
  it.each(cases)('%s', (_name, f, needsApproval) => {
    const d = decideApproval(f);
    expect(d.needsApproval).toBe(needsApproval);
    expect(typeof d.reason).toBe('string');
    expect(d.reason.length).toBeGreaterThan(0);
  });

  it('covers every customer channel and the agent channel', () => {
    const named = cases.map((c) => c[0]);
    for (const ch of [...CUSTOMER_CHANNELS, 'agent']) expect(named.some((n) => n.includes(`the ${ch} channel`))).toBe(true);
  });
});

describe('ruleMatches (R6)', () => {
  it.each([
    ['R6: category rule, same category', cat(ACESSO), ACESSO, true],
    ['R6: category rule, other category', cat(ACESSO), REDE, false],
    ['R6: category rule, no category', cat(ACESSO), null, false],
    ['R6: scope none, no category', none, null, true],
    ['R6: scope none, a category', none, ACESSO, false],
    ['R6: scope all, no category', all, null, true],
    ['R6: scope all, a category', all, REDE, true],
  ] as const)('%s', (_name, rule, categoryId, expected) => {
    expect(ruleMatches(rule, categoryId)).toBe(expected);
  });
});
