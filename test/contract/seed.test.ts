import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { readFixtureText } from '../../src/core/fixture.js';
import type { SeedReport } from '../../src/engine/seed.js';
import { backends, expectCode, type Opened } from '../helpers/backends.js';
import { count, fingerprint } from '../helpers/db.js';

/** A copy of ../shared/spec/fixture-example.yaml (test/unit/fixture.test.ts keeps them equal). */
const EXAMPLE = new URL('../fixtures/example.yaml', import.meta.url);
const example = () => readFixtureText(readFileSync(EXAMPLE, 'utf8'), 'example.yaml');
const counts = (r: SeedReport) => Object.fromEntries(r.counts.map((c) => [c.kind, [c.created, c.updated, c.unchanged]]));

/** The error of an invalid fixture: exit-2 code, and one line per problem led by its path. */
async function problems(p: Promise<unknown>): Promise<string[]> {
  const e = await expectCode(p, 'invalid_input');
  expect(e.message).toMatch(/^invalid fixture: /);
  return e.details as string[];
}

describe.each(backends)('seed ($name)', (backend) => {
  let o: Opened;
  let hd: Helpdesk;

  beforeEach(async (t: TestContext) => {
    o = await backend.open();
    hd = o.hd;
    // The remote backend joins this suite when it carries seeding.
    if (typeof (hd as Partial<Helpdesk>).seed !== 'function') {
      await o.close();
      t.skip();
    }
  });
  afterEach(() => o?.close());

  it('seeds the example fixture, and a second run reports no changes and writes nothing', async () => {
    const first = await hd.seed(example());
    expect(first.changed).toBe(true);
    expect(counts(first)).toEqual({
      settings: [0, 4, 0],
      departments: [2, 0, 0],
      categories: [3, 0, 0],
      organizations: [2, 0, 0],
      customers: [3, 0, 0],
      agents: [1, 0, 0],
      rules: [2, 0, 0],
      topics: [0, 0, 0],
      tickets: [2, 0, 0],
      drafts: [1, 0, 0],
    });
    expect(await hd.getSettings()).toMatchObject({ 'approval.mode': 'departments', 'reopen.allowed': true, 'response.forecastHours': 8, timezone: 'America/Sao_Paulo' });
    expect((await hd.listOrganizations()).map((x) => [x.name, x.parent])).toEqual([
      ['Matriz', null],
      ['Filial Norte', 'Matriz'],
    ]);
    expect((await hd.listCustomers({ managers: true })).map((c) => c.email)).toEqual(['gerente@matriz.example']);
    expect((await hd.listCustomers()).find((c) => c.email === 'ex@norte.example')?.active).toBe(false);

    const tickets = await hd.listTickets({});
    expect(tickets.map((t) => [t.subject, t.status])).toEqual([
      ['Sem internet', 'solved'],
      ['Segunda via', 'open'],
    ]);
    // Historical times: the protocol year and the due time follow the creation time (R17, R18).
    expect(tickets[0]).toMatchObject({ createdAt: '2026-10-01T12:00:00.000Z', solvedAt: '2026-10-01T15:30:00.000Z', dueAt: '2026-10-01T20:00:00.000Z', rating: 5 });
    expect(tickets[1]!.processRef).toBe('PROC-17');
    const [draft] = await hd.listDrafts({});
    expect(draft).toMatchObject({ requester: 'ana@norte.example', department: 'Suporte', category: 'Acesso', fields: { matricula: '4411' } });

    const before = fingerprint(o.file);
    const second = await hd.seed(example());
    expect(second.changed).toBe(false);
    expect(second.counts.every((c) => c.created === 0 && c.updated === 0)).toBe(true);
    expect(counts(second).customers).toEqual([0, 0, 3]);
    expect(fingerprint(o.file)).toBe(before);
  });

  it('R7: a fixture ticket without a status goes through the creation flow and may wait for approval; its ref keeps it single', async () => {
    const fx = example() as Record<string, unknown>;
    fx.tickets = [{ ref: 'T-A', requester: 'ana@norte.example', department: 'Suporte', category: 'Acesso', subject: 'ERP', message: 'Sem acesso' }];
    fx.drafts = [];
    const r = await hd.seed(fx);
    expect(r.heldForApproval).toEqual(['T-A']);
    const [d] = await hd.listDrafts({});
    expect(d!.subject).toBe('ERP');
    // R11: the managers were told, in the same transaction.
    expect((await hd.listNotifications({ kind: 'draft_pending' })).map((n) => n.to)).toContain('gerente@matriz.example');
    expect((await hd.seed(fx)).changed).toBe(false);
    // Approved, the draft's ticket carries the ref: seeding again still creates nothing.
    await hd.decideDrafts({ decision: 'approve', ids: [d!.id] });
    expect((await hd.seed(fx)).changed).toBe(false);
    expect(await hd.listDrafts({})).toEqual([]);
    expect((await hd.listTickets({})).filter((t) => t.subject === 'ERP')).toHaveLength(1);
  });

  it('a rejected draft of the fixture is not created again either', async () => {
    const fx = example() as Record<string, unknown>;
    fx.tickets = [];
    await hd.seed(fx);
    const [d] = await hd.listDrafts({});
    await hd.decideDrafts({ decision: 'reject', ids: [d!.id], reason: 'no' });
    expect((await hd.seed(fx)).changed).toBe(false);
    expect(await hd.listDrafts({})).toEqual([]);
  });

  it('brings existing rows in line with the fixture (and says what it updated), never removing anything', async () => {
    await hd.addOrganization('Matriz');
    await hd.addCustomer({ email: 'ana@norte.example', name: 'Ana Antiga', org: 'Matriz' });
    await hd.addDepartment('Comercial');
    const r = await hd.seed(example());
    expect(counts(r).customers).toEqual([2, 1, 0]);
    expect(counts(r).organizations).toEqual([1, 0, 1]);
    const ana = (await hd.listCustomers()).find((c) => c.email === 'ana@norte.example')!;
    expect(ana).toMatchObject({ name: 'Ana', organization: 'Filial Norte', phone: '+55 11 91234-5678' });
    expect((await hd.listDepartments()).map((d) => d.name)).toContain('Comercial');
  });

  it('--dry-run reports what would change and writes nothing', async () => {
    const before = fingerprint(o.file);
    const r = await hd.seed(example(), { dryRun: true });
    expect(r).toMatchObject({ dryRun: true, changed: true });
    expect(counts(r).tickets).toEqual([2, 0, 0]);
    expect(fingerprint(o.file)).toBe(before);
  });

  it('writes one audit row per change and a summary row, and none when nothing changed', async () => {
    await hd.seed(example());
    const audit = await hd.listAudit({});
    expect(audit.filter((a) => a.action === 'tenant.seed')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'customer.add')).toHaveLength(3);
    const n = audit.length;
    await hd.seed(example());
    expect((await hd.listAudit({})).length).toBe(n);
  });

  /* ---- invalid fixtures: every problem with its path, and nothing written ---- */

  const invalidCases: [string, unknown, string[]][] = [
    [
      'wrong types',
      { customers: [{ email: 'a@b.example', name: 'A' }, { email: 'x', name: 3 }], settings: { 'reopen.allowed': 'maybe' }, tickets: [{ ref: 'T', requester: 'a@b.example', department: 'D', subject: 's', message: 'm', rating: 'five' }] },
      ['settings.reopen.allowed: expected true or false', 'customers[1].email: invalid e-mail', 'customers[1].name: expected text, got 3', 'tickets[0].rating: a rating is a whole number from 1 to 5'],
    ],
    [
      'unknown references',
      {
        departments: [{ name: 'Suporte', categories: ['Acesso'] }],
        organizations: [{ name: 'Filial', parent: 'Matriz' }],
        customers: [{ email: 'a@b.example', name: 'A', organization: 'Nenhuma' }],
        agents: [{ email: 'ag@x.example', name: 'Ag', departments: ['Suporte', 'Vendas'] }],
        rules: [{ department: 'Suporte', category: 'Rede' }],
        tickets: [{ ref: 'T1', requester: 'ghost@x.example', department: 'Suporte', category: 'Rede', subject: 's', message: 'm', status: 'open', agent: 'who@x.example' }],
        drafts: [{ ref: 'D1', requester: 'a@b.example', department: 'Vendas', subject: 's', message: 'm' }],
      },
      [
        'organizations[0].parent: unknown organization "Matriz"',
        'customers[0].organization: unknown organization "Nenhuma"',
        'agents[0].departments[1]: unknown department "Vendas"',
        'rules[0].category: unknown category "Rede" in department "Suporte"',
        'tickets[0].requester: unknown customer ghost@x.example',
        'tickets[0].category: unknown category "Rede" in department "Suporte"',
        'tickets[0].agent: unknown agent who@x.example',
        'drafts[0].department: unknown department "Vendas"',
      ],
    ],
    [
      'duplicate refs (across tickets and drafts) and duplicate names',
      {
        departments: [{ name: 'Suporte' }, { name: 'Suporte' }],
        customers: [{ email: 'a@b.example', name: 'A' }, { email: 'A@B.example', name: 'A2' }],
        tickets: [
          { ref: 'T1', requester: 'a@b.example', department: 'Suporte', subject: 's', message: 'm', status: 'open' },
          { ref: 'T1', requester: 'a@b.example', department: 'Suporte', subject: 's', message: 'm', status: 'open' },
        ],
        drafts: [{ ref: 'T1', requester: 'a@b.example', department: 'Suporte', subject: 's', message: 'm' }],
      },
      [
        'departments[1].name: duplicate department "Suporte" (also departments[0])',
        'customers[1].email: duplicate customer a@b.example (also customers[0])',
        'tickets[1].ref: duplicate ref "T1" (also tickets[0])',
        'drafts[0].ref: duplicate ref "T1" (also tickets[0])',
      ],
    ],
    [
      'R2: a cycle of parents, within the fixture and through the database',
      { organizations: [{ name: 'A', parent: 'C' }, { name: 'B', parent: 'A' }, { name: 'C', parent: 'B' }, { name: 'Solo', parent: 'Solo' }, { name: 'Base', parent: 'Topo' }] },
      ['organizations[0].parent: "A" → "C" → "B" → "A" would be a cycle of parents (R2)', 'organizations[3].parent: an organization cannot be its own parent (R2)', 'organizations[4].parent: "Base" → "Topo" → "Base" would be a cycle of parents (R2)'],
    ],
    [
      'rule and ticket consistency',
      {
        departments: [{ name: 'Suporte', categories: ['Acesso'] }],
        customers: [{ email: 'a@b.example', name: 'A', manager: true }],
        rules: [{ department: 'Suporte' }, { department: 'Suporte', scope: 'none', category: 'Acesso' }],
        tickets: [{ ref: 'T1', requester: 'a@b.example', department: 'Suporte', category: 'Acesso', channel: 'email', subject: 's', message: 'm', solvedAt: '2026-01-01T00:00:00Z', createdAt: '2030-01-01T00:00:00Z' }],
      },
      [
        'customers[0].manager: a manager belongs to an organization: give organization (R3)',
        'rules[0].scope: give a category, or scope: none (no category) or scope: all (R6)',
        'rules[1].category: scope: none takes no category (R6)',
        'tickets[0].category: a request by e-mail never carries a category (R9)',
        'tickets[0].solvedAt: solvedAt needs status solved or closed',
        'tickets[0].solvedAt: solvedAt is before createdAt',
      ],
    ],
  ];

  it.each(invalidCases)('an invalid fixture (%s) names every problem by its path and writes nothing', async (_name, fixture, expected) => {
    // "Topo" exists in the database with parent "Base" from the fixture: the cycle runs through both.
    await hd.addOrganization('Topo');
    await hd.addOrganization('Base');
    await hd.setOrganizationParent('Topo', 'Base');
    await hd.setOrganizationParent('Base', null);
    const before = fingerprint(o.file);
    const lines = await problems(hd.seed(fixture));
    for (const line of expected) expect(lines).toContain(line);
    expect(fingerprint(o.file)).toBe(before);
  });

  it('a ticket created in the future and an unknown key are problems too', async () => {
    const lines = await problems(hd.seed({ tickets: [], organisations: [], drafts: [{ ref: 'D', requester: 'a@b.example', department: 'X', subject: 's', message: 'm', createdAt: '2099-01-01T00:00:00Z' }] }));
    expect(lines).toContain('unknown key "organisations"');
    expect(lines).toContain('drafts[0].createdAt: is in the future');
  });

  it('R1: seeding one tenant leaves the others as they were', async () => {
    await hd.createTenant('other');
    const before = count(o.file, 'customers');
    await hd.seed(example());
    expect(count(o.file, 'customers')).toBe(before + 3);
    const other = await backend.open({ file: o.file, tenant: 'other' });
    try {
      expect(await other.hd.listCustomers()).toEqual([]);
      expect(await other.hd.listTickets({})).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('tenants create --from: a new tenant and its fixture in one transaction', async () => {
    const r = await hd.createTenantFromFixture('ci-1', example(), { name: 'CI run 1' });
    expect(r).toMatchObject({ tenant: 'ci-1', changed: true, created: { slug: 'ci-1', name: 'CI run 1' } });
    const ci = await backend.open({ file: o.file, tenant: 'ci-1' });
    try {
      expect((await ci.hd.listTickets({})).length).toBe(2);
    } finally {
      await ci.close();
    }
    await expectCode(hd.createTenantFromFixture('ci-1', example()), 'conflict');
    // An invalid fixture creates no tenant.
    const before = fingerprint(o.file);
    await problems(hd.createTenantFromFixture('ci-2', { customers: [{ email: 'x' }] }));
    expect((await hd.listTenants()).map((t) => t.slug)).not.toContain('ci-2');
    expect(fingerprint(o.file)).toBe(before);
  });

  it('historical tickets with a final status are recorded without approval or notifications', async () => {
    const fx = example() as { tickets: Record<string, unknown>[] };
    fx.tickets = [{ ref: 'H', requester: 'ana@norte.example', department: 'Suporte', category: 'Acesso', subject: 'Antigo', message: 'm', status: 'closed', createdAt: '2025-12-31T23:00:00Z', closedAt: '2026-01-02T00:00:00Z' }];
    await hd.seed(fx);
    const [t] = await hd.listTickets({});
    expect(t).toMatchObject({ status: 'closed', createdAt: '2025-12-31T23:00:00.000Z', closedAt: '2026-01-02T00:00:00.000Z', solvedAt: null });
    expect(t!.protocol).toMatch(/^2025-/);
    expect((await hd.listNotifications({})).filter((n) => n.subject.includes('Antigo'))).toEqual([]);
  });
});
