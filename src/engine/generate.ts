import { sql } from 'kysely';
import { z } from 'zod';
import { forbidden, precondition } from '../core/errors.js';
import { offsetMinutes } from '../core/periods.js';
import { isoFormatter } from '../core/time.js';
import { parseInput } from '../core/validate.js';
import type { Tx } from '../store/store.js';
import { audit, formatProtocol, readSettings, reserveProtocols, type EngineContext } from './context.js';

/*
 * `deskctl generate`: deterministic synthetic data with the shapes of a real helpdesk, fast enough
 * for 1,000,000 tickets. Same --random-seed and same DESKCTL_NOW give the same rows. Everything is
 * one write transaction (all or nothing); rows go in through the store's multi-row prepared
 * INSERTs, and the audit gets one summary row per kind, not one per row.
 *
 * Tickets are staged: binding costs per value, and far more for a string than for a number (each
 * string is converted and copied twice), so JS stages each slice of tickets in a temp table as nine
 * values (ids, one number packing the codes, one text with the instants and the protocol), and one
 * INSERT ... SELECT per slice turns them into the ticket's columns and texts inside SQLite.
 */

const Count = (max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(max, `at most ${max.toLocaleString('en-US')}`);

export const GenerateOptions = z
  .object({
    orgs: Count(100_000).default(50),
    customers: Count(1_000_000).default(1_000),
    tickets: Count(20_000_000).default(20_000),
    drafts: Count(1_000_000).default(200),
    randomSeed: z.union([z.string().min(1), z.number()]).default('deskctl').transform(String),
  })
  .superRefine((o, ctx) => {
    if ((o.tickets > 0 || o.drafts > 0) && o.customers === 0) ctx.addIssue({ code: 'custom', path: ['customers'], message: 'tickets and drafts need customers' });
    if (o.drafts > 0 && o.orgs === 0) ctx.addIssue({ code: 'custom', path: ['orgs'], message: 'drafts need organizations with managers (R7)' });
  });
export type GenerateOptions = z.input<typeof GenerateOptions>;

export interface GenerateReport {
  tenant: string;
  randomSeed: string;
  departments: number;
  categories: number;
  agents: number;
  organizations: number;
  customers: number;
  managers: number;
  tickets: number;
  /** Decisions in the drafts' history (approved ones became tickets), for `stats approvals`. */
  decisions: number;
  drafts: number;
  /** The range of the tickets' creation times. */
  from: string | null;
  to: string | null;
}

export interface GenerateHooks {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/* ---- a small, fast, seedable random source (sfc32 seeded by cyrb128) ---- */

function seeded(seed: string): () => number {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  let a = Math.imul(h3 ^ (h1 >>> 18), 597399067) >>> 0;
  let b = Math.imul(h4 ^ (h2 >>> 22), 2869860233) >>> 0;
  let c = Math.imul(h1 ^ (h3 >>> 17), 951274213) >>> 0;
  let d = Math.imul(h2 ^ (h4 >>> 19), 2716044179) >>> 0;
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** Index by weight; `cum` is the cumulative weights. */
  weighted(cum: readonly number[]): number {
    const x = this.next() * cum[cum.length - 1]!;
    let i = 0;
    while (cum[i]! <= x) i++;
    return i;
  }
  /** Skewed towards the front: a few big organizations and busy customers, a long tail. */
  skewed(n: number, power = 2): number {
    return Math.min(n - 1, Math.floor(n * this.next() ** power));
  }
  /** A log-normal number of hours with this median (resolution and decision times have long tails). */
  hours(median: number, sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * normal);
  }
}

const cumulative = (weights: readonly number[]) => weights.reduce<number[]>((acc, w) => [...acc, (acc.at(-1) ?? 0) + w], []);

/* ---- the shapes ---- */

const DEPARTMENTS: { name: string; weight: number; categories: string[] }[] = [
  { name: 'Suporte', weight: 45, categories: ['Acesso', 'Rede', 'E-mail', 'Impressora', 'ERP'] },
  { name: 'Financeiro', weight: 20, categories: ['Boleto', 'Nota fiscal', 'Reembolso'] },
  { name: 'Infraestrutura', weight: 15, categories: ['Servidor', 'Backup', 'VPN'] },
  { name: 'Comercial', weight: 10, categories: ['Proposta', 'Contrato'] },
  { name: 'RH', weight: 6, categories: ['Férias', 'Folha de pagamento'] },
  { name: 'Jurídico', weight: 4, categories: ['Contratos', 'LGPD'] },
];
const ORG_A = ['Alfa', 'Horizonte', 'Atlântico', 'Pampa', 'Cerrado', 'Litoral', 'Serra', 'Vale', 'Aurora', 'Nova Era', 'Prime', 'Ipê', 'Jacarandá', 'Tropical', 'Capital', 'Sol Nascente', 'Rio Claro', 'Boa Vista', 'Mar Azul', 'Pinheiral'];
const ORG_B = ['Logística', 'Tecnologia', 'Alimentos', 'Engenharia', 'Saúde', 'Educação', 'Varejo', 'Transportes', 'Energia', 'Agro', 'Seguros', 'Construtora', 'Têxtil', 'Farmácias', 'Hotéis'];
const CITIES = ['Norte', 'Sul', 'Leste', 'Oeste', 'Centro', 'Campinas', 'Santos', 'Curitiba', 'Recife', 'Salvador', 'Belém', 'Manaus', 'Goiânia', 'Natal', 'Vitória', 'Londrina'];
const FIRST = ['Ana', 'Bruno', 'Carla', 'Diego', 'Eduarda', 'Felipe', 'Gabriela', 'Heitor', 'Isabela', 'João', 'Karina', 'Lucas', 'Mariana', 'Nicolas', 'Olívia', 'Paulo', 'Rafaela', 'Sérgio', 'Tatiane', 'Vinícius', 'Larissa', 'Thiago', 'Camila', 'Rodrigo'];
const LAST = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes', 'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa'];
const PROBLEMS = ['não funciona', 'está lento', 'dá erro ao abrir', 'parou desde ontem', 'precisa de ajuste', 'pedido urgente', 'dúvida', 'falha intermitente'];
const CHANNELS = ['panel', 'email', 'whatsapp', 'api', 'app', 'agent'] as const;
const STATUSES = ['open', 'in_progress', 'waiting', 'solved', 'closed'] as const;
const VISIBILITIES = ['public', 'internal'] as const;
const CHANNEL_CUM = cumulative([38, 20, 15, 8, 12, 7]);
const RATING_CUM = cumulative([4, 6, 15, 35, 40]);

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** An instant as toISOString writes it (years 0 to 9999), and the blank that stands for none. */
const ISO_WIDTH = 24;
const NO_INSTANT = ' '.repeat(ISO_WIDTH);
/**
 * How a staged ticket packs its codes into one number, from the lowest bit: the JavaScript that
 * packs them and the SQL that unpacks them both read this. A rating of 0 stands for none.
 */
const CODES = {
  subject: { at: 0, bits: 8 },
  status: { at: 8, bits: 3 },
  channel: { at: 11, bits: 3 },
  visibility: { at: 14, bits: 1 },
  rating: { at: 15, bits: 3 },
} as const;
type Code = keyof typeof CODES;
const packed = (code: Code, value: number) => value << CODES[code].at;
const unpacked = (code: Code) => `(t.codes >> ${CODES[code].at} & ${2 ** CODES[code].bits - 1})`;
function assertFits(code: Code, values: number): void {
  if (values > 2 ** CODES[code].bits) throw new Error(`generate: ${values} values of ${code} do not fit in ${CODES[code].bits} bits`);
}
assertFits('status', STATUSES.length);
assertFits('channel', CHANNELS.length);
assertFits('visibility', VISIBILITIES.length);
assertFits('rating', RATING_CUM.length + 1);
/** Rows per yield to the event loop: lets a progress display draw and Ctrl-C be noticed. */
const SLICE = 25_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export async function generate(ctx: EngineContext, input: GenerateOptions, hooks: GenerateHooks = {}, tenant = ''): Promise<GenerateReport> {
  if (ctx.actor.kind !== 'admin') throw forbidden('only the tenant admin generates data');
  const o = parseInput(GenerateOptions, input);
  // Every reference generate writes is an id it has just read back (trustedWrite: no per-row
  // foreign-key lookups); the e2e tests hold its output to PRAGMA foreign_key_check.
  return ctx.store.trustedWrite(async (tx) => {
    await assertEmpty(tx, ctx.tenantId);
    // A page cache of 64 MB for the load (the growing ends of the tickets' indexes stay in memory);
    // 256 MB was no faster for a million tickets and doubled the peak memory (to 470 MB).
    const restoreCache = await ctx.store.dialect.pageCache(tx, 65_536);
    try {
      return await new Generator(tx, ctx, o, hooks, tenant).run();
    } finally {
      await restoreCache();
    }
  }, ctx.tenantId);
}

async function assertEmpty(tx: Tx, tenantId: number): Promise<void> {
  for (const table of ['departments', 'organizations', 'customers', 'agents', 'tickets', 'drafts'] as const) {
    const row = await tx.selectFrom(table).select('id').where('tenant_id', '=', tenantId).limit(1).executeTakeFirst();
    if (row) {
      throw precondition(
        `this tenant already has ${table}; generate fills an empty tenant (e.g. deskctl tenants create synthetic && deskctl --tenant synthetic generate)`,
      );
    }
  }
}

interface Customer {
  id: number;
  orgIndex: number | null;
  manager: boolean;
  /** May the customer's requests wait for approval: an organization (or its parent) with an active manager, and not a manager (R7). */
  eligible: boolean;
}

class Generator {
  private readonly dice: Dice;
  private readonly now: Date;
  private readonly tid: number;
  private done = 0;
  private readonly total: number;
  private readonly report: GenerateReport;

  constructor(
    private readonly tx: Tx,
    private readonly ctx: EngineContext,
    private readonly o: z.output<typeof GenerateOptions>,
    private readonly hooks: GenerateHooks,
    tenant: string,
  ) {
    this.dice = new Dice(seeded(o.randomSeed));
    this.now = ctx.now();
    this.tid = ctx.tenantId;
    this.total = o.orgs + o.customers + o.tickets + o.drafts;
    this.report = {
      tenant,
      randomSeed: o.randomSeed,
      departments: 0,
      categories: 0,
      agents: 0,
      organizations: 0,
      customers: 0,
      managers: 0,
      tickets: 0,
      decisions: 0,
      drafts: 0,
      from: null,
      to: null,
    };
  }

  private async tick(rows: number): Promise<void> {
    this.done += rows;
    this.hooks.onProgress?.(this.done, this.total);
    await new Promise((r) => setImmediate(r));
    if (this.hooks.signal?.aborted) throw precondition('interrupted: nothing was generated (the transaction was rolled back)');
  }

  async run(): Promise<GenerateReport> {
    const settings = await readSettings(this.tx, this.tid);
    const at = this.now.toISOString();
    const store = this.ctx.store;
    const tx = this.tx;
    const tid = this.tid;
    const dice = this.dice;

    /* departments, categories, agents */
    const depts: { id: number; name: string; weight: number; categoryIds: number[]; categoryNames: string[]; agentIds: number[]; firstSubject: number }[] = [];
    // Every subject a ticket can have, "<category, or the department without one>: <problem>", by number.
    const subjects: string[] = [];
    for (const d of DEPARTMENTS) {
      const { id } = await tx.insertInto('departments').values({ tenant_id: tid, name: d.name, created_at: at }).returning('id').executeTakeFirstOrThrow();
      const categoryIds: number[] = [];
      for (const c of d.categories) {
        const row = await tx.insertInto('categories').values({ tenant_id: tid, department_id: id, name: c, created_at: at }).returning('id').executeTakeFirstOrThrow();
        categoryIds.push(row.id);
      }
      depts.push({ id, name: d.name, weight: d.weight, categoryIds, categoryNames: d.categories, agentIds: [], firstSubject: subjects.length });
      for (const label of [d.name, ...d.categories]) for (const problem of PROBLEMS) subjects.push(`${label}: ${problem}`);
    }
    assertFits('subject', subjects.length);
    this.report.departments = depts.length;
    this.report.categories = depts.reduce((n, d) => n + d.categoryIds.length, 0);
    const deptCum = cumulative(depts.map((d) => d.weight));

    const agentCount = Math.max(6, Math.min(40, Math.ceil(this.o.tickets / 25_000)));
    const agents = store.bulkInsert('agents', ['tenant_id', 'email', 'name', 'is_admin', 'created_at']);
    const agentNames: string[] = [];
    for (let i = 0; i < agentCount; i++) {
      const name = `${FIRST[(i * 7) % FIRST.length]} ${LAST[(i * 11) % LAST.length]}`;
      agentNames.push(name);
      agents.push([tid, `${ascii(name).replace(/-/g, '.')}.${i + 1}@helpdesk.example`, name, i === 0 ? 1 : 0, at]);
    }
    agents.flush();
    const agentIds = (await tx.selectFrom('agents').select('id').where('tenant_id', '=', tid).orderBy('id').execute()).map((r) => r.id);
    const memberships = store.bulkInsert('agent_departments', ['agent_id', 'department_id']);
    agentIds.forEach((agentId, i) => {
      // Every department has agents: the first by turn, a second one for a third of them.
      const first = depts[i % depts.length]!;
      first.agentIds.push(agentId);
      memberships.push([agentId, first.id]);
      if (dice.chance(0.33)) {
        const second = depts[dice.weighted(deptCum)]!;
        if (second !== first) {
          second.agentIds.push(agentId);
          memberships.push([agentId, second.id]);
        }
      }
    });
    memberships.flush();
    this.report.agents = agentIds.length;

    /* organizations: some are branches (filiais) of a head office (matriz), one level as in seed 000 */
    const orgNames: string[] = [];
    const orgParent: (number | null)[] = [];
    const taken = new Map<string, number>();
    const unique = (name: string) => {
      const n = (taken.get(name) ?? 0) + 1;
      taken.set(name, n);
      return n === 1 ? name : `${name} ${n}`;
    };
    const heads: number[] = [];
    for (let i = 0; i < this.o.orgs; i++) {
      if (heads.length > 0 && dice.chance(0.3)) {
        const parent = heads[dice.skewed(heads.length, 1.5)]!;
        orgNames.push(unique(`${orgNames[parent]} Filial ${dice.pick(CITIES)}`));
        orgParent.push(parent);
      } else {
        orgNames.push(unique(`${dice.pick(ORG_A)} ${dice.pick(ORG_B)}`));
        orgParent.push(null);
        heads.push(i);
      }
    }
    const orgs = store.bulkInsert('organizations', ['tenant_id', 'name', 'parent_id', 'created_at']);
    for (const name of orgNames) orgs.push([tid, name, null, at]);
    orgs.flush();
    const orgIds = (await tx.selectFrom('organizations').select('id').where('tenant_id', '=', tid).orderBy('id').execute()).map((r) => r.id);
    for (let i = 0; i < orgIds.length; i++) {
      const p = orgParent[i];
      if (p !== null && p !== undefined) await tx.updateTable('organizations').set({ parent_id: orgIds[p]! }).where('id', '=', orgIds[i]!).execute();
    }
    this.report.organizations = orgIds.length;
    await this.tick(orgIds.length);

    /* customers: most belong to an organization; most head offices and some branches have a manager */
    const orgHasManager = new Array<boolean>(orgIds.length).fill(false);
    const wantsManager = orgParent.map((p) => dice.chance(p === null ? 0.6 : 0.35));
    const specs: { orgIndex: number | null; manager: boolean; active: boolean }[] = [];
    const customers = store.bulkInsert('customers', ['tenant_id', 'email', 'name', 'phone', 'organization_id', 'is_manager', 'active', 'created_at']);
    for (let i = 0; i < this.o.customers; i++) {
      const orgIndex = orgIds.length > 0 && dice.chance(0.92) ? dice.skewed(orgIds.length, 1.6) : null;
      const manager = orgIndex !== null && wantsManager[orgIndex]! && !orgHasManager[orgIndex];
      if (manager) orgHasManager[orgIndex!] = true;
      const active = manager || !dice.chance(0.03);
      specs.push({ orgIndex, manager, active });
      const first = dice.pick(FIRST);
      const last = dice.pick(LAST);
      const domain = orgIndex === null ? 'cliente.example' : `${ascii(orgNames[orgIndex]!)}.example`;
      const phone = dice.chance(0.6) ? `+55 11 9${String(10_000_000 + dice.int(89_999_999)).slice(0, 4)}-${String(1000 + dice.int(8999))}` : null;
      customers.push([tid, `${ascii(first)}.${ascii(last)}.${i + 1}@${domain}`, `${first} ${last}`, phone, orgIndex === null ? null : orgIds[orgIndex]!, manager ? 1 : 0, active ? 1 : 0, at]);
      if ((i + 1) % SLICE === 0) await this.tick(SLICE);
    }
    customers.flush();
    await this.tick(this.o.customers % SLICE);
    const customerIds = (await tx.selectFrom('customers').select('id').where('tenant_id', '=', tid).orderBy('id').execute()).map((r) => r.id);
    const managerOf = (orgIndex: number) => orgHasManager[orgIndex] || (orgParent[orgIndex] != null && orgHasManager[orgParent[orgIndex]!]);
    const people: Customer[] = specs.map((s, i) => ({
      id: customerIds[i]!,
      orgIndex: s.orgIndex,
      manager: s.manager,
      eligible: s.orgIndex !== null && !s.manager && s.active && Boolean(managerOf(s.orgIndex)),
    }));
    const managerEmails = new Map<number, string>();
    for (const m of await tx.selectFrom('customers').select(['email', 'organization_id']).where('tenant_id', '=', tid).where('is_manager', '=', 1).execute()) {
      managerEmails.set(m.organization_id!, m.email);
    }
    this.report.customers = customerIds.length;
    this.report.managers = managerEmails.size;
    const eligible = people.filter((p) => p.eligible);

    /* the drafts' history: ids reserved above every id the drafts table has handed out */
    const seqRow = await sql<{ seq: number | null }>`SELECT max(
        ifnull((SELECT seq FROM sqlite_sequence WHERE name = 'drafts'), 0),
        ifnull((SELECT max(draft_id) FROM draft_decisions), 0),
        ifnull((SELECT max(id) FROM drafts), 0)) AS seq`.execute(tx);
    let nextDraftId = (seqRow.rows[0]?.seq ?? 0) + 1;
    const decisions = store.bulkInsert('draft_decisions', [
      'draft_id', 'tenant_id', 'organization_id', 'department_id', 'requester_id', 'decision', 'decided_by', 'reason', 'ticket_id', 'created_at', 'decided_at',
    ]);
    const decidedBy = (p: Customer) => managerEmails.get(orgIds[p.orgIndex!]!) ?? managerEmails.get(orgIds[orgParent[p.orgIndex!]!] ?? -1) ?? 'local:generate';

    /* tickets: a year of history, busier in business hours and growing; every status; ratings */
    const N = this.o.tickets;
    const forecast = settings['response.forecastHours'];
    const start = this.now.getTime() - 365 * DAY;
    const end = this.now.getTime() - 5 * 60_000;
    const hourly = this.hourlyWeights(start, end, settings.timezone);
    const firstSeq = N > 0 ? await reserveProtocols(tx, tid, N) : 1;
    const iso = isoFormatter();
    // The staged text holds each instant in ISO_WIDTH characters, as the years 0 to 9999 are written.
    for (const t of [start, end + forecast * HOUR]) {
      if (new Date(t).toISOString().length !== ISO_WIDTH) throw precondition(`generate writes a year of history up to now: now (${this.now.toISOString()}) must leave it within the years 0000 to 9999`);
    }
    // The temp tables belong to this transaction: a rollback drops them too.
    await sql`CREATE TEMP TABLE generated_subjects (id INTEGER PRIMARY KEY, subject TEXT NOT NULL)`.execute(tx);
    // A staged ticket is few values, because SQLite's binding costs per value (a string's most):
    // its ids, one number packing its codes, and one text holding its instants at fixed places.
    await sql`CREATE TEMP TABLE generated_tickets (
        n INTEGER NOT NULL, requester_id INTEGER NOT NULL, organization_id INTEGER, department_id INTEGER NOT NULL,
        category_id INTEGER, agent_id INTEGER, draft_id INTEGER, codes INTEGER NOT NULL, texts TEXT NOT NULL)`.execute(tx);
    const subjectRows = store.bulkInsert('generated_subjects', ['id', 'subject']);
    subjects.forEach((subject, id) => subjectRows.push([id, subject]));
    subjectRows.flush();
    const staged = store.bulkInsert('generated_tickets', ['n', 'requester_id', 'organization_id', 'department_id', 'category_id', 'agent_id', 'draft_id', 'codes', 'texts']);
    const text = (code: string, values: readonly string[]) => sql.raw(`CASE ${code} ${values.map((v, i) => `WHEN ${i} THEN '${v}'`).join(' ')} END`);
    const instant = (k: number) => sql.raw(`nullif(substr(t.texts, ${k * ISO_WIDTH + 1}, ${ISO_WIDTH}), '${NO_INSTANT}')`);
    // Ordered by staging, so ids follow the protocols (and time).
    const insertStaged = sql`INSERT INTO tickets (
        tenant_id, protocol, requester_id, organization_id, department_id, category_id, subject, message, status, channel,
        visibility, agent_id, rating, draft_id, created_at, due_at, solved_at, closed_at, updated_at)
      SELECT ${tid}, substr(t.texts, ${4 * ISO_WIDTH + 1}), t.requester_id, t.organization_id, t.department_id, t.category_id, s.subject, s.subject || '. Chamado sintético ' || t.n || '.',
        ${text(unpacked('status'), STATUSES)}, ${text(unpacked('channel'), CHANNELS)}, ${text(unpacked('visibility'), VISIBILITIES)}, t.agent_id, ${sql.raw(`nullif(${unpacked('rating')}, 0)`)}, t.draft_id,
        ${instant(0)}, ${instant(1)}, ${instant(2)}, ${instant(3)}, coalesce(${instant(3)}, ${instant(2)}, ${instant(0)})
      FROM generated_tickets t JOIN generated_subjects s ON s.id = ${sql.raw(unpacked('subject'))}
      ORDER BY t.rowid`;
    let firstTicketId: number | null = null;
    const insertSlice = async () => {
      staged.flush();
      const result = await insertStaged.execute(tx);
      // One statement hands out consecutive ids: the first ticket's is the last id minus the rest.
      if (firstTicketId === null && result.numAffectedRows) firstTicketId = Number(result.insertId) - Number(result.numAffectedRows) + 1;
      await sql`DELETE FROM generated_tickets`.execute(tx);
    };
    let hourIndex = 0;
    const pendingApprovals: { draftId: number; orgId: number | null; deptId: number; requester: Customer; createdMs: number; decidedMs: number; seq: number }[] = [];
    for (let i = 0; i < N; i++) {
      // Stratified over the weighted hours: sorted creation times, so ids and protocols follow time.
      const target = ((i + dice.next()) / N) * hourly.total;
      while (hourly.cum[hourIndex]! < target && hourIndex < hourly.cum.length - 1) hourIndex++;
      const before = hourIndex === 0 ? 0 : hourly.cum[hourIndex - 1]!;
      const within = (target - before) / (hourly.cum[hourIndex]! - before || 1);
      const created = Math.min(end, Math.floor(start + (hourIndex + within) * HOUR));

      const who = people[dice.skewed(people.length, 1.7)]!;
      const dept = depts[dice.weighted(deptCum)]!;
      const channel = dice.weighted(CHANNEL_CUM);
      const categoryIndex = CHANNELS[channel] === 'email' || dice.chance(0.12) ? -1 : dice.int(dept.categoryIds.length);
      const categoryId = categoryIndex < 0 ? null : dept.categoryIds[categoryIndex]!;
      const visibility = CHANNELS[channel] === 'agent' && dice.chance(0.3) ? 'internal' : 'public';

      // How it went: resolved after a long-tailed delay, unless that is still in the future.
      const age = this.now.getTime() - created;
      const resolveAfter = dice.hours(6, 1.3) * HOUR;
      let status: (typeof STATUSES)[number];
      let solvedAt: number | null = null;
      let closedAt: number | null = null;
      if (resolveAfter < age && !dice.chance(0.005)) {
        solvedAt = created + Math.floor(resolveAfter);
        const closeAfter = dice.hours(72, 0.6) * HOUR;
        if (solvedAt + closeAfter < this.now.getTime() && dice.chance(0.6)) {
          closedAt = solvedAt + Math.floor(closeAfter);
          status = 'closed';
        } else status = 'solved';
      } else {
        const r = dice.next();
        status = r < 0.5 ? 'open' : r < 0.8 ? 'in_progress' : 'waiting';
      }
      const rating = solvedAt !== null && dice.chance(0.55) ? dice.weighted(RATING_CUM) + 1 : null;
      const agentId = dept.agentIds.length && dice.chance(status === 'open' ? 0.6 : 0.95) ? dice.pick(dept.agentIds) : null;

      // Some of the requests of customers under a manager came through approval (R7): the
      // ticket was created when its draft was approved.
      let draftId: number | null = null;
      if (who.eligible && CHANNELS[channel] !== 'agent' && dice.chance(0.12)) {
        draftId = nextDraftId++;
        const waited = dice.hours(4, 1.1) * HOUR;
        pendingApprovals.push({
          draftId,
          orgId: orgIds[who.orgIndex!]!,
          deptId: dept.id,
          requester: who,
          createdMs: Math.max(start - 30 * DAY, created - Math.floor(waited)),
          decidedMs: created,
          seq: firstSeq + i,
        });
      }
      const subject = dept.firstSubject + (categoryIndex + 1) * PROBLEMS.length + dice.int(PROBLEMS.length);
      const createdAt = iso(created);
      staged.push([
        i + 1,
        who.id,
        who.orgIndex === null ? null : orgIds[who.orgIndex]!,
        dept.id,
        categoryId,
        agentId,
        draftId,
        packed('subject', subject) | packed('status', STATUSES.indexOf(status)) | packed('channel', channel) | packed('visibility', VISIBILITIES.indexOf(visibility)) | packed('rating', rating ?? 0),
        createdAt +
          iso(created + forecast * HOUR) +
          (solvedAt === null ? NO_INSTANT : iso(solvedAt)) +
          (closedAt === null ? NO_INSTANT : iso(closedAt)) +
          formatProtocol(Number(createdAt.slice(0, 4)), firstSeq + i),
      ]);
      if (i === 0) this.report.from = createdAt;
      if (i === N - 1) this.report.to = createdAt;
      if ((i + 1) % SLICE === 0) {
        await insertSlice();
        await this.tick(SLICE);
      }
    }
    await insertSlice();
    await this.tick(N % SLICE);
    await sql`DROP TABLE generated_tickets`.execute(tx);
    await sql`DROP TABLE generated_subjects`.execute(tx);
    this.report.tickets = N;

    // Approved decisions point at their tickets (ids follow the protocol sequence: one insert stream).
    for (const a of pendingApprovals) {
      decisions.push([a.draftId, tid, a.orgId, a.deptId, a.requester.id, 'approved', decidedBy(a.requester), null, firstTicketId! + (a.seq - firstSeq), iso(a.createdMs), iso(a.decidedMs)]);
    }
    // Rejections: about one for every four approvals, over the same year.
    if (eligible.length) {
      const rejections = Math.round(pendingApprovals.length / 4);
      for (let i = 0; i < rejections; i++) {
        const who = dice.pick(eligible);
        const dept = depts[dice.weighted(deptCum)]!;
        const decided = start + Math.floor(((i + dice.next()) / rejections) * (end - start));
        const createdMs = decided - Math.floor(dice.hours(5, 1.2) * HOUR);
        decisions.push([nextDraftId++, tid, orgIds[who.orgIndex!]!, dept.id, who.id, 'rejected', decidedBy(who), dice.pick(['Fora do contrato', 'Duplicado', 'Sem orçamento', null]), null, iso(createdMs), iso(decided)]);
      }
    }
    decisions.flush();
    this.report.decisions = decisions.inserted;

    /* drafts waiting for a manager now: the last two weeks */
    const D = eligible.length ? this.o.drafts : 0;
    const drafts = store.bulkInsert('drafts', [
      'id', 'tenant_id', 'requester_id', 'organization_id', 'department_id', 'category_id', 'subject', 'message', 'channel', 'created_at', 'updated_at',
    ]);
    for (let i = 0; i < D; i++) {
      const who = eligible[dice.skewed(eligible.length, 1.5)]!;
      const dept = depts[dice.weighted(deptCum)]!;
      const channel = CHANNELS[dice.weighted(CHANNEL_CUM.slice(0, 5))]!;
      const categoryIndex = channel === 'email' || dice.chance(0.15) ? -1 : dice.int(dept.categoryIds.length);
      const created = iso(end - 14 * DAY + Math.floor(((i + dice.next()) / D) * 14 * DAY));
      const subject = `${categoryIndex < 0 ? dept.name : dept.categoryNames[categoryIndex]}: ${dice.pick(PROBLEMS)}`;
      drafts.push([nextDraftId++, tid, who.id, orgIds[who.orgIndex!]!, dept.id, categoryIndex < 0 ? null : dept.categoryIds[categoryIndex]!, subject, `${subject}. Pedido sintético ${i + 1}.`, channel, created, created]);
      if ((i + 1) % SLICE === 0) await this.tick(SLICE);
    }
    drafts.flush();
    await this.tick(D % SLICE);
    this.report.drafts = D;
    // The ids of decided drafts were never rows of `drafts`: move the sequence past them so a new draft never reuses one.
    const last = nextDraftId - 1;
    const bumped = await sql`UPDATE sqlite_sequence SET seq = max(seq, ${last}) WHERE name = 'drafts'`.execute(tx);
    if (!Number(bumped.numAffectedRows ?? 0) && last > 0) await sql`INSERT INTO sqlite_sequence (name, seq) VALUES ('drafts', ${last})`.execute(tx);

    // One audit row per kind, saying what was generated (not a row per generated row).
    const details = { randomSeed: this.o.randomSeed, source: 'generate' };
    for (const [kind, count] of [
      ['department', this.report.departments],
      ['category', this.report.categories],
      ['agent', this.report.agents],
      ['organization', this.report.organizations],
      ['customer', this.report.customers],
      ['ticket', this.report.tickets],
      ['draft_decision', this.report.decisions],
      ['draft', this.report.drafts],
    ] as const) {
      if (count) await audit(tx, this.ctx, `${kind}.generate`, kind, null, { count, ...details });
    }
    await audit(tx, this.ctx, 'tenant.generate', 'tenant', this.report.tenant || null, { ...this.report, ...details });
    return this.report;
  }

  /** Relative weights of every hour of the range: business hours of weekdays in the tenant's zone, and growth over the year. */
  private hourlyWeights(start: number, end: number, timeZone: string): { cum: Float64Array; total: number } {
    const hours = Math.max(1, Math.ceil((end - start) / HOUR));
    const cum = new Float64Array(hours);
    let total = 0;
    let offset = offsetMinutes(start, timeZone);
    for (let h = 0; h < hours; h++) {
      const t = start + h * HOUR;
      if (h % 24 === 0) offset = offsetMinutes(t, timeZone);
      const local = new Date(t + offset * 60_000);
      const weekday = local.getUTCDay();
      const hour = local.getUTCHours();
      const business = weekday >= 1 && weekday <= 5 && hour >= 8 && hour < 19;
      const base = business ? 10 : weekday === 0 || weekday === 6 ? 0.6 : 1.2;
      total += base * (0.7 + (0.6 * h) / hours);
      cum[h] = total;
    }
    return { cum, total };
  }
}
