import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { DeskctlError } from '../../src/core/errors.js';
import { CHANNELS } from '../../src/core/model.js';
import { backends, eachSeeded, expectCode, P, request, seedBasics, type Opened } from '../helpers/backends.js';

const RUNS = process.env.DESKCTL_LONG_TESTS ? 200 : 25;

const DEPARTMENTS = { Suporte: ['Acesso', 'Rede'], Financeiro: ['Boleto'] } as const;
const ORGS = ['Matriz', 'Filial Norte', 'Avulsa'] as const;
const RULES = [
  { department: 'Suporte', scope: 'category', category: 'Acesso' },
  { department: 'Suporte', scope: 'category', category: 'Rede' },
  { department: 'Suporte', scope: 'none' },
  { department: 'Suporte', scope: 'all' },
  { department: 'Financeiro', scope: 'category', category: 'Boleto' },
  { department: 'Financeiro', scope: 'none' },
  { department: 'Financeiro', scope: 'all' },
] as const;
const CUSTOMERS = [P.gerente, P.ana, P.bia, P.solo] as const;

/** A customer as a random tenant has them: an organization or none, a manager only with one, active or not. */
const customerState = fc
  .record({ org: fc.constantFrom<(string | null)[]>(...ORGS, null), manager: fc.boolean(), active: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)) })
  .map((c) => ({ ...c, manager: c.org !== null && c.manager }));

/** A random tenant (mode, rules, parents, customers) and a random request in it. */
const scenario = fc.record({
  mode: fc.constantFrom('disabled', 'all-departments', 'departments', 'departments'),
  rules: fc.subarray([...RULES]),
  norteParent: fc.constantFrom<(string | null)[]>('Matriz', null),
  avulsaParent: fc.constantFrom<(string | null)[]>('Matriz', null),
  customers: fc.tuple(customerState, customerState, customerState, customerState),
  requester: fc.constantFrom(...CUSTOMERS),
  department: fc.constantFrom<(keyof typeof DEPARTMENTS)[]>('Suporte', 'Financeiro'),
  category: fc.nat(2),
  channel: fc.constantFrom(...CHANNELS),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

async function arrange(hd: Helpdesk, s: Scenario): Promise<Record<string, unknown>> {
  await hd.setSetting('approval.mode', s.mode);
  const live = await hd.listRules();
  if (live.length) await hd.removeRules(live.map((r) => r.id));
  for (const r of s.rules) await hd.addRule({ ...r });
  await hd.setOrganizationParent('Filial Norte', s.norteParent);
  await hd.setOrganizationParent('Avulsa', s.avulsaParent);
  for (const [i, c] of s.customers.entries()) await hd.setCustomer(CUSTOMERS[i]!, { org: c.org, manager: c.manager, active: c.active });
  const cats = DEPARTMENTS[s.department];
  // R9: e-mail never carries a category (refused as invalid input by both, which is not R7's question).
  const category = s.channel === 'email' ? null : (cats[s.category] ?? null);
  return { requester: s.requester, department: s.department, category, channel: s.channel };
}

async function outcomeOf<T>(p: Promise<T>): Promise<T | { error: string }> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof DeskctlError) return { error: e.code };
    throw e;
  }
}

describe.each(backends)('approval explain (R36) ($name)', (backend) => {
  let hd: Helpdesk;
  eachSeeded(backend, (opened) => {
    hd = opened.hd;
  });

  it('R36: every condition of R7 is listed, with the rule that matched and who would be notified', async () => {
    await hd.setSetting('approval.mode', 'departments');
    const rule = await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso' });
    const x = await hd.explainApproval({ requester: P.ana, department: 'Suporte', category: 'Acesso' });
    expect(x.outcome).toBe('draft');
    expect(x.checks.map((c) => [c.rule, c.holds])).toEqual([
      ['R7.1', true],
      ['R7.2', true],
      ['R7.3', true],
      ['R7.4', true],
      ['R8', true],
    ]);
    expect(x.checks[0]!.detail).toContain(`rule ${rule.id}`);
    expect(x.checks[1]!.detail).toContain('"Filial Norte" (parent "Matriz")');
    expect(x.checks[2]!.detail).toContain(P.gerente);
    expect(x.notify).toEqual([P.gerente]);
    expect(x.heldBy).toEqual({ mode: 'departments', rule: rule.id });
    // A draft remembers what held it (R36).
    const created = await hd.createTicket(request(P.ana, { category: 'Acesso' }));
    expect(created.outcome === 'draft' && created.draft.heldBy).toEqual({ mode: 'departments', rule: rule.id });
    expect((await hd.getDraft(created.outcome === 'draft' ? created.draft.id : 0)).heldBy).toEqual({ mode: 'departments', rule: rule.id });
  });

  it('R36/R41: with tickets.customerCreation off, explain refuses a panel request as creating it does; an agent may', async () => {
    await hd.setSetting('tickets.customerCreation', false);
    const explained = await expectCode(hd.explainApproval({ requester: P.ana, department: 'Suporte', category: 'Acesso', channel: 'panel' }), 'precondition_failed');
    const created = await expectCode(hd.createTicket({ requester: P.ana, department: 'Suporte', category: 'Acesso', subject: 's', message: 'm', channel: 'panel' }), 'precondition_failed');
    expect(explained.message).toBe(created.message);
    expect((await hd.explainApproval({ requester: P.ana, department: 'Suporte', category: 'Acesso', channel: 'agent' })).outcome).toBe('ticket');
  });

  it('R36: a request that becomes a ticket says which conditions did not hold; e-mail names R9; nothing is created', async () => {
    await hd.setSetting('approval.mode', 'departments');
    await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso' });
    const before = (await hd.listAudit({})).length;
    const byEmail = await hd.explainApproval({ requester: P.ana, department: 'Suporte', channel: 'email' });
    expect(byEmail.outcome).toBe('ticket');
    expect(byEmail.checks.find((c) => c.rule === 'R7.1')).toMatchObject({ holds: false });
    expect(byEmail.checks.find((c) => c.rule === 'R9')).toMatchObject({ holds: true });
    expect(byEmail.notify).toEqual([P.ana]);
    const solo = await hd.explainApproval({ requester: P.solo, department: 'Suporte', category: 'Acesso' });
    expect(solo.checks.find((c) => c.rule === 'R7.2')).toMatchObject({ holds: false });
    const manager = await hd.explainApproval({ requester: P.gerente, department: 'Suporte', category: 'Acesso' });
    expect(manager.checks.find((c) => c.rule === 'R7.4')).toMatchObject({ holds: false });
    const agent = await hd.explainApproval({ requester: P.ana, department: 'Suporte', category: 'Acesso', channel: 'agent' });
    expect(agent.checks.find((c) => c.rule === 'R8')).toMatchObject({ holds: false });
    const avulsa = await hd.explainApproval({ requester: P.bia, department: 'Suporte', category: 'Acesso' });
    expect(avulsa.checks.find((c) => c.rule === 'R7.3')).toMatchObject({ holds: false });
    expect((await hd.listAudit({})).length).toBe(before);
    expect(await hd.listDrafts({})).toEqual([]);
    await expectCode(hd.explainApproval({ requester: P.ana, department: 'Suporte', category: 'Acesso', channel: 'email' }), 'invalid_input');
    await expectCode(hd.explainApproval({ requester: 'ghost@x.example', department: 'Suporte' }), 'not_found');
    await expectCode(hd.explainApproval({ requester: P.ana, department: 'Nenhum' }), 'not_found');
  });
});

describe.each(backends)('R36: explain always agrees with tickets create (property, $name)', (backend) => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await backend.open();
    await seedBasics(opened.hd);
  });
  afterAll(async () => {
    await opened.close();
  });

  it(`R36: for random tenants and requests the explained outcome is what creating the request does (${RUNS} runs)`, async () => {
    const hd = opened.hd;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const req = await arrange(hd, s);
        const explained = await outcomeOf(hd.explainApproval(req as Parameters<Helpdesk['explainApproval']>[0]));
        const created = await outcomeOf(hd.createTicket({ ...req, subject: 'Pedido', message: 'Detalhes' }));
        if ('error' in explained || 'error' in created) {
          expect(created).toEqual(explained);
          return;
        }
        expect(created.outcome).toBe(explained.outcome);
        expect(explained.checks.every((c) => c.holds)).toBe(explained.outcome === 'draft');
        if (created.outcome === 'draft') {
          expect(created.draft.heldBy).toEqual(explained.heldBy);
        }
      }),
      { numRuns: RUNS },
    );
  }, 240_000);
});
