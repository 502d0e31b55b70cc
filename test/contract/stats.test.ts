import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { readFixtureText } from '../../src/core/fixture.js';
import type { StatsQuery, StatsRow } from '../../src/core/stats.js';
import { backends, expectCode, type Opened } from '../helpers/backends.js';

/** The fixture of test/fixtures/stats.yaml; its comments give each ticket's local times. Now is 2026-11-02T12:00Z. */
export const STATS_FIXTURE = new URL('../fixtures/stats.yaml', import.meta.url);
const fixture = () => readFixtureText(readFileSync(STATS_FIXTURE, 'utf8'), 'stats.yaml');

const M = ['opened', 'solved', 'backlog', 'due_today', 'overdue', 'avg_resolution_hours', 'avg_rating'] as const;
/** A row from its dimensions and its metrics in the contract's order. */
const row = (dims: Record<string, string | null>, ...metrics: (number | null)[]): StatsRow => ({
  ...dims,
  ...Object.fromEntries(M.map((m, i) => [m, metrics[i] ?? null])),
});

describe.each(backends)('R23 statistics ($name)', (backend) => {
  let o: Opened;
  let hd: Helpdesk;

  beforeEach(async (t: TestContext) => {
    o = await backend.open();
    hd = o.hd;
    if (typeof (hd as Partial<Helpdesk>).exportStats !== 'function') {
      await o.close();
      t.skip();
    }
    await hd.seed(fixture());
  });
  afterEach(() => o?.close());

  async function rows(q: StatsQuery): Promise<StatsRow[]> {
    const out: StatsRow[] = [];
    for await (const r of hd.exportStats(q)) out.push(r);
    return out;
  }

  // Hand computation (see the fixture's comments): open tickets are T4-T7 and T9; overdue T4, T7, T9;
  // due later today T5, T6; resolution hours T1 3, T2 6, T3 24, T8 18; ratings T1 5, T2 3, T8 4.

  it('R23: by department and category (opened by creation, solved by solution; backlog, due today, overdue now)', async () => {
    expect(await rows({ by: ['department', 'category'] })).toEqual([
      row({ department: 'Financeiro', category: null }, 1, 0, 1, 1, 0),
      row({ department: 'Financeiro', category: 'Boleto' }, 2, 0, 2, 0, 2),
      row({ department: 'Suporte', category: 'Acesso' }, 3, 2, 1, 1, 0, 13.5, 5),
      row({ department: 'Suporte', category: 'Rede' }, 3, 2, 1, 0, 1, 12, 3.5),
    ]);
  });

  it('R23: by agent, and every ticket once in the total row', async () => {
    expect(await rows({ by: ['agent'] })).toEqual([
      row({ agent: null }, 3, 1, 2, 1, 1, 18, 4),
      row({ agent: 'joao@helpdesk.example' }, 4, 3, 1, 1, 0, 11, 4),
      row({ agent: 'maria@helpdesk.example' }, 2, 0, 2, 0, 2),
    ]);
    expect(await rows({})).toEqual([row({}, 9, 4, 5, 2, 3, 12.75, 4)]);
  });

  it("R23: a date range in the tenant's time zone; a ticket counts as opened and as solved each by its own time", async () => {
    // October in São Paulo: T8 was opened in September but solved on 10-01 03:00 local; T4 opened 11-01.
    expect(await rows({ by: ['organization'], from: '2026-10-01', to: '2026-10-31' })).toEqual([
      row({ organization: null }, 1, 0, 1, 0, 1),
      row({ organization: 'Avulsa' }, 2, 1, 1, 0, 1, 24),
      row({ organization: 'Filial Norte' }, 2, 3, 0, 0, 0, 9, 4),
    ]);
  });

  it("R23: days are the tenant's local dates (T2, opened 02:00 UTC on 10-02, is 10-01 in São Paulo)", async () => {
    expect(await rows({ by: ['day'], from: '2026-10-01', to: '2026-10-02' })).toEqual([
      row({ day: '2026-10-01' }, 2, 2, 0, 0, 0, 10.5, 4.5),
      row({ day: '2026-10-02' }, 0, 1, 0, 0, 0, 6, 3),
    ]);
    await hd.setSetting('timezone', 'UTC');
    expect((await rows({ by: ['day'], from: '2026-10-01', to: '2026-10-02', metrics: ['opened'] })).map((r) => [r.day, r.opened])).toEqual([
      ['2026-10-01', 1],
      ['2026-10-02', 1],
    ]);
  });

  it('R23: by month and by ISO week', async () => {
    expect(await rows({ by: ['month'] })).toEqual([
      row({ month: '2026-09' }, 1, 0, 0, 0, 0),
      row({ month: '2026-10' }, 5, 4, 2, 0, 2, 12.75, 4),
      row({ month: '2026-11' }, 3, 0, 3, 2, 1),
    ]);
    const weeks = await rows({ by: ['week'], metrics: ['opened', 'solved'] });
    expect(weeks.map((r) => [r.week, r.opened, r.solved])).toEqual([
      ['2026-W40', 3, 3], // T8 (09-30), T1, T2 (10-01 local); solved T1, T8 (10-01), T2 (10-02)
      ['2026-W42', 1, 1], // T3 opened 10-15, solved 10-16
      ['2026-W43', 1, 0], // T9 10-20
      ['2026-W44', 2, 0], // T7 10-31, T4 11-01 (a Sunday: ISO weeks start on Monday)
      ['2026-W45', 2, 0], // T5, T6 on Monday 11-02
    ]);
  });

  it('R23: by requester, status and channel, with a chosen subset of metrics in the chosen order', async () => {
    const r = await rows({ by: ['requester', 'status'], metrics: ['avg_rating', 'opened'] });
    expect(r).toEqual([
      { requester: 'ana@norte.example', status: 'closed', avg_rating: 3.5, opened: 2 },
      { requester: 'ana@norte.example', status: 'in_progress', avg_rating: null, opened: 1 },
      { requester: 'ana@norte.example', status: 'solved', avg_rating: 5, opened: 1 },
      { requester: 'bia@avulsa.example', status: 'open', avg_rating: null, opened: 1 },
      { requester: 'bia@avulsa.example', status: 'solved', avg_rating: null, opened: 1 },
      { requester: 'bia@avulsa.example', status: 'waiting', avg_rating: null, opened: 1 },
      { requester: 'gerente@matriz.example', status: 'open', avg_rating: null, opened: 1 },
      { requester: 'solo@x.example', status: 'open', avg_rating: null, opened: 1 },
    ]);
    expect((await rows({ by: ['channel'], metrics: ['opened'] })).map((x) => [x.channel, x.opened])).toEqual([
      ['agent', 1],
      ['api', 1],
      ['app', 1],
      ['email', 1],
      ['panel', 4],
      ['whatsapp', 1],
    ]);
  });

  it('R23: a range that holds everything gives the same numbers as no range (the one-pass and the two-clock queries agree)', async () => {
    for (const by of [['department', 'category'], ['organization', 'agent'], ['status']] as const) {
      expect(await rows({ by: [...by], from: '2000-01-01', to: '2099-12-31' })).toEqual(await rows({ by: [...by] }));
    }
  });

  it('R23: bad queries are invalid input', async () => {
    const drain = async (q: unknown) => {
      for await (const _ of hd.exportStats(q as StatsQuery)) void _;
    };
    expect((await expectCode(drain({ by: ['department', 'colour'] }), 'invalid_input')).message).toMatch(/by\[1\]: unknown dimension "colour"/);
    expect((await expectCode(drain({ by: 'day,day' }), 'invalid_input')).message).toMatch(/named twice/);
    expect((await expectCode(drain({ from: '2026-10-31', to: '2026-10-01' }), 'invalid_input')).message).toMatch(/to: is before --from/);
    expect((await expectCode(drain({ from: '2026-02-30' }), 'invalid_input')).message).toMatch(/from: not a calendar date/);
    expect((await expectCode(drain({ metrics: 'speed' }), 'invalid_input')).message).toMatch(/unknown metric "speed"/);
  });

  it('R1: statistics never count another tenant', async () => {
    await hd.createTenant('other');
    const other = await backend.open({ file: o.file, tenant: 'other' });
    try {
      await other.hd.seed(fixture());
      const all: StatsRow[] = [];
      for await (const r of other.hd.exportStats({})) all.push(r);
      expect(all[0]!.opened).toBe(9);
      expect(await other.hd.agentSummary()).toHaveLength(3);
    } finally {
      await other.close();
    }
    expect((await rows({}))[0]!.opened).toBe(9);
  });

  it('R23: approvals: pending by creation time, approved and rejected with the hours to decision by decision time', async () => {
    // Now is 11-02 12:00Z: D1 (opened 11-01 12:00Z) approved after 24 h, D2 (11-02 06:00Z) rejected after 6 h.
    const drafts = await hd.listDrafts({});
    const id = (subject: string) => drafts.find((d) => d.subject === subject)!.id;
    await hd.decideDrafts({ decision: 'approve', ids: [id('D1')] });
    await hd.decideDrafts({ decision: 'reject', ids: [id('D2')], reason: 'no' });
    expect(await hd.approvalStats({ by: 'org' })).toEqual([
      { organization: 'Filial Norte', pending: 1, approved: 1, rejected: 1, avg_decision_hours: 15 },
      { organization: 'Matriz', pending: 1, approved: 0, rejected: 0, avg_decision_hours: null },
    ]);
    expect(await hd.approvalStats({ by: 'department' })).toEqual([
      { department: 'Financeiro', pending: 0, approved: 0, rejected: 1, avg_decision_hours: 6 },
      { department: 'Suporte', pending: 2, approved: 1, rejected: 0, avg_decision_hours: 24 },
    ]);
    expect(await hd.approvalStats({})).toEqual([{ pending: 2, approved: 1, rejected: 1, avg_decision_hours: 15 }]);
    // October: only D3 was opened then; nothing was decided.
    expect(await hd.approvalStats({ from: '2026-10-01', to: '2026-10-31' })).toEqual([{ pending: 1, approved: 0, rejected: 0, avg_decision_hours: null }]);
  });

  it('R18: the agent summary of seed 003: pending, due later today and overdue per agent, and the unassigned', async () => {
    expect(await hd.agentSummary()).toEqual([
      { agent: 'joao@helpdesk.example', name: 'João', pending: 1, dueToday: 1, overdue: 0 },
      { agent: 'maria@helpdesk.example', name: 'Maria', pending: 2, dueToday: 0, overdue: 2 },
      { agent: null, name: null, pending: 2, dueToday: 1, overdue: 1 },
    ]);
  });
  it("R23: local days and ranges stay right across both DST changes of the tenant's zone (Europe/Berlin)", async () => {
    const at = (ref: string, createdAt: string) => ({ ref, requester: 'solo@x.example', department: 'Suporte', subject: ref, message: 'm', status: 'open', createdAt });
    await hd.createTenant('berlin');
    const b = await backend.open({ file: o.file, tenant: 'berlin' });
    try {
      await b.hd.seed({
        settings: { timezone: 'Europe/Berlin' },
        departments: [{ name: 'Suporte' }],
        customers: [{ email: 'solo@x.example', name: 'Solo' }],
        tickets: [
          at('spring-before', '2026-03-28T22:30:00Z'), // 23:30 CET, 03-28
          at('spring-first', '2026-03-28T23:30:00Z'), // 00:30 CET, 03-29 (the day that lasts 23 h)
          at('spring-last', '2026-03-29T21:30:00Z'), // 23:30 CEST, 03-29
          at('spring-after', '2026-03-29T22:30:00Z'), // 00:30 CEST, 03-30
          at('autumn-before', '2026-10-24T21:30:00Z'), // 23:30 CEST, 10-24
          at('autumn-first', '2026-10-24T22:30:00Z'), // 00:30 CEST, 10-25 (the day that lasts 25 h)
          at('autumn-last', '2026-10-25T22:30:00Z'), // 23:30 CET, 10-25
          at('autumn-after', '2026-10-25T23:30:00Z'), // 00:30 CET, 10-26
        ],
      });
      const days: [unknown, unknown][] = [];
      for await (const r of b.hd.exportStats({ by: ['day'], metrics: ['opened'] })) days.push([r.day, r.opened]);
      expect(days).toEqual([
        ['2026-03-28', 1],
        ['2026-03-29', 2],
        ['2026-03-30', 1],
        ['2026-10-24', 1],
        ['2026-10-25', 2],
        ['2026-10-26', 1],
      ]);
      const oneDay: unknown[] = [];
      for await (const r of b.hd.exportStats({ by: [], metrics: ['opened'], from: '2026-10-25', to: '2026-10-25' })) oneDay.push(r.opened);
      expect(oneDay).toEqual([2]);
    } finally {
      await b.close();
    }
  });
});
