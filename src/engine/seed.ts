import { sql } from 'kysely';
import { conflict, DeskctlError, forbidden, invalid, precondition } from '../core/errors.js';
import { fieldsText, inspectFixture, invalidFixture, type Fixture, type FixtureProblem, type FixtureTicket, type InspectedFixture, type LenientFixture } from '../core/fixture.js';
import { Name, Slug, TicketRequest, type RuleScope, type Tenant } from '../core/schemas.js';
import { formatPath, parseInput } from '../core/validate.js';
import { missingForTopic, type TopicRequirements } from '../core/topics.js';
import type { Store, Tx } from '../store/store.js';
import { activeManagers, audit, CUSTOMER_COLUMNS, readSettings, type EngineContext } from './context.js';
import { insertCustomer } from './customers.js';
import { announceDraft, openRequest, writeTicket } from './tickets.js';

export const SEED_KINDS = ['settings', 'departments', 'categories', 'organizations', 'customers', 'agents', 'rules', 'topics', 'tickets', 'drafts'] as const;
export type SeedKind = (typeof SEED_KINDS)[number];

export interface SeedCount {
  kind: SeedKind;
  created: number;
  updated: number;
  unchanged: number;
}

/** What `deskctl seed` did (or, with dryRun, would do). Plain JSON. */
export interface SeedReport {
  tenant: string;
  dryRun: boolean;
  /** False when the tenant already matched the fixture: nothing was written. */
  changed: boolean;
  counts: SeedCount[];
  /** Refs of fixture tickets that went through the creation flow and wait for approval as drafts (R7, R10). */
  heldForApproval: string[];
  /** Things a person should know (e.g. a processRef that could not be set on a ticket held for approval). */
  notes: string[];
}

export interface SeedOptions {
  dryRun?: boolean;
  /** Tickets and drafts written so far, of all the fixture's (local runs only). */
  onProgress?: (done: number, total: number) => void;
  /** Aborted (Ctrl-C, SIGTERM): the transaction is rolled back at the next step and nothing is seeded. */
  signal?: AbortSignal;
}

/** Between this many tickets and drafts, a seed reports progress and lets signals in. */
const SEED_STEP = 100;

/** Thrown inside the transaction to roll a dry run back, carrying what it would have done. */
class DryRunRollback extends Error {
  constructor(readonly report: SeedReport) {
    super('dry run');
  }
}

/**
 * Applies a fixture to the tenant in ONE write transaction: every reference is checked first and
 * an invalid fixture writes nothing; what exists (by natural key: names, e-mails, refs) is left
 * alone or brought in line, so a second run changes nothing.
 */
export async function seedTenant(ctx: EngineContext, input: unknown, opts: SeedOptions = {}, tenantSlug = ''): Promise<SeedReport> {
  if (ctx.actor.kind !== 'admin') throw forbidden('only the tenant admin seeds a tenant');
  const inspected = inspectFixture(input);
  return runSeed(ctx.store, opts, (tx) => applyFixture(tx, ctx, inspected, opts, tenantSlug), ctx.tenantId);
}

/** `deskctl tenants create <slug> --from FILE`: the tenant and its fixture in one transaction. */
export async function createTenantFromFixture(
  store: Store,
  operator: string,
  slugIn: string,
  nameIn: string | undefined,
  input: unknown,
  opts: SeedOptions,
  now: () => Date,
): Promise<SeedReport & { created: Tenant }> {
  const slug = parseInput(Slug, slugIn, 'slug');
  const name = parseInput(Name, nameIn ?? slug, 'name');
  const inspected = inspectFixture(input);
  return runSeed(store, opts, async (tx) => {
    const exists = await tx.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst();
    if (exists) throw conflict(`tenant "${slug}" already exists`);
    const at = now().toISOString();
    const row = await tx.insertInto('tenants').values({ slug, name, created_at: at }).returning(['id', 'created_at']).executeTakeFirstOrThrow();
    await tx
      .insertInto('audit')
      .values({ tenant_id: row.id, at, actor: operator, action: 'tenant.create', entity: 'tenant', entity_id: slug, details: JSON.stringify({ name, fixture: true }) })
      .execute();
    const ctx: EngineContext = { store, tenantId: row.id, actor: { kind: 'admin', name: operator }, now };
    const report = await applyFixture(tx, ctx, inspected, opts, slug);
    return { ...report, changed: true, created: { slug, name, createdAt: row.created_at } };
  }, null);
}

/** One write transaction; a dry run computes everything, then rolls it back. */
async function runSeed<T extends SeedReport>(store: Store, opts: SeedOptions, fn: (tx: Tx) => Promise<T>, tenant: number | null): Promise<T> {
  try {
    return await store.write(async (tx) => {
      const report = await fn(tx);
      if (opts.dryRun) throw new DryRunRollback(report);
      return report;
    }, tenant);
  } catch (e) {
    if (e instanceof DryRunRollback) return e.report as T;
    throw e;
  }
}

/* ---- what the database holds, by natural key ---- */

interface World {
  departments: Map<string, { id: number; categories: Map<string, number> }>;
  organizations: Map<string, { id: number; parentId: number | null }>;
  orgNameById: Map<number, string>;
  customers: Map<string, { id: number; name: string; phone: string | null; organizationId: number | null; manager: boolean; active: boolean; block: boolean }>;
  agents: Map<string, { id: number; name: string; admin: boolean; departmentIds: Set<number> }>;
  rules: Set<string>;
  topics: Map<string, { id: number } & TopicRequirements>;
  refs: Set<string>;
}

const ruleKey = (department: string, scope: RuleScope, category: string | null) => JSON.stringify([department, scope, category]);

async function loadWorld(tx: Tx, store: Store, tenantId: number, fixture: LenientFixture): Promise<World> {
  const w: World = { departments: new Map(), organizations: new Map(), orgNameById: new Map(), customers: new Map(), agents: new Map(), rules: new Set(), topics: new Map(), refs: new Set() };
  const topics = await tx
    .selectFrom('topics')
    .select(['id', 'name', 'require_process', 'require_service_channel', 'require_status_detail'])
    .where('tenant_id', '=', tenantId)
    .execute();
  for (const t of topics) {
    w.topics.set(t.name, { id: t.id, name: t.name, requireProcess: t.require_process === 1, requireServiceChannel: t.require_service_channel === 1, requireStatusDetail: t.require_status_detail === 1 });
  }
  const deptNames = new Map<number, string>();
  for (const d of await tx.selectFrom('departments').select(['id', 'name']).where('tenant_id', '=', tenantId).execute()) {
    w.departments.set(d.name, { id: d.id, categories: new Map() });
    deptNames.set(d.id, d.name);
  }
  const catNames = new Map<number, string>();
  for (const c of await tx.selectFrom('categories').select(['id', 'department_id', 'name']).where('tenant_id', '=', tenantId).execute()) {
    w.departments.get(deptNames.get(c.department_id)!)?.categories.set(c.name, c.id);
    catNames.set(c.id, c.name);
  }
  for (const o of await tx.selectFrom('organizations').select(['id', 'name', 'parent_id']).where('tenant_id', '=', tenantId).execute()) {
    w.organizations.set(o.name, { id: o.id, parentId: o.parent_id });
    w.orgNameById.set(o.id, o.name);
  }
  const customers = await tx
    .selectFrom('customers')
    .select(CUSTOMER_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is', null)
    .execute();
  for (const c of customers) {
    w.customers.set(c.email, { id: c.id, name: c.name, phone: c.phone, organizationId: c.organization_id, manager: c.is_manager === 1, active: c.active === 1, block: c.block_automatic === 1 });
  }
  for (const a of await tx.selectFrom('agents').select(['id', 'email', 'name', 'is_admin']).where('tenant_id', '=', tenantId).execute()) {
    w.agents.set(a.email, { id: a.id, name: a.name, admin: a.is_admin === 1, departmentIds: new Set() });
  }
  const memberships = await tx
    .selectFrom('agent_departments as ad')
    .innerJoin('agents as a', 'a.id', 'ad.agent_id')
    .select(['a.email', 'ad.department_id'])
    .where('a.tenant_id', '=', tenantId)
    .execute();
  for (const m of memberships) w.agents.get(m.email)?.departmentIds.add(m.department_id);
  for (const r of await tx.selectFrom('approval_rules').select(['department_id', 'scope', 'category_id']).where('tenant_id', '=', tenantId).execute()) {
    w.rules.add(ruleKey(deptNames.get(r.department_id)!, r.scope as RuleScope, r.category_id === null ? null : catNames.get(r.category_id)!));
  }
  const refs = [...fixture.tickets, ...fixture.drafts].flatMap((x) => (x ? [x.ref] : []));
  if (refs.length) {
    const inRefs = store.dialect.texts(refs);
    const found = await sql<{ ref: string }>`SELECT ref FROM tickets WHERE tenant_id = ${tenantId} AND ref IN ${inRefs}
      UNION SELECT ref FROM drafts WHERE tenant_id = ${tenantId} AND ref IN ${inRefs}
      UNION SELECT ref FROM draft_decisions WHERE tenant_id = ${tenantId} AND ref IN ${inRefs}`.execute(tx);
    for (const r of found.rows) w.refs.add(r.ref);
  }
  return w;
}

/* ---- every problem of a fixture against that world, each with its path ---- */

/** Every reference of the well-formed items of a fixture, against the database and the fixture itself. */
function check(fx: LenientFixture, w: World, now: Date): FixtureProblem[] {
  const problems: FixtureProblem[] = [];
  const at = (path: (string | number)[], message: string) => problems.push({ path, message });
  const firstSeen = <K>(seen: Map<K, string>, key: K, path: (string | number)[], what: string) => {
    const earlier = seen.get(key);
    if (earlier !== undefined) at(path, `duplicate ${what} (also ${earlier})`);
    else seen.set(key, formatPath(path.slice(0, 2)));
    return earlier === undefined;
  };

  // Departments and their categories: the world after the fixture.
  const cats = new Map<string, Set<string>>();
  for (const [name, d] of w.departments) cats.set(name, new Set(d.categories.keys()));
  const seenDepts = new Map<string, string>();
  fx.departments.forEach((d, i) => {
    if (!d) return;
    firstSeen(seenDepts, d.name, ['departments', i, 'name'], `department "${d.name}"`);
    const set = cats.get(d.name) ?? new Set<string>();
    cats.set(d.name, set);
    const seenCats = new Set<string>();
    d.categories.forEach((c, k) => {
      if (seenCats.has(c)) at(['departments', i, 'categories', k], `duplicate category "${c}"`);
      seenCats.add(c);
      set.add(c);
    });
  });
  const department = (path: (string | number)[], name: string) => {
    if (!cats.has(name)) at(path, `unknown department "${name}"`);
    return cats.has(name);
  };
  const category = (path: (string | number)[], dept: string, name: string | null | undefined) => {
    if (name && cats.has(dept) && !cats.get(dept)!.has(name)) at(path, `unknown category "${name}" in department "${dept}"`);
  };

  // Organizations and the parent of each after the fixture (R2).
  const parents = new Map<string, string | null>();
  for (const [name, o] of w.organizations) parents.set(name, o.parentId === null ? null : (w.orgNameById.get(o.parentId) ?? null));
  const seenOrgs = new Map<string, string>();
  fx.organizations.forEach((o, i) => {
    if (!o) return;
    firstSeen(seenOrgs, o.name, ['organizations', i, 'name'], `organization "${o.name}"`);
    if (!parents.has(o.name)) parents.set(o.name, null);
  });
  fx.organizations.forEach((o, i) => {
    if (!o || o.parent === undefined) return;
    if (o.parent === null) parents.set(o.name, null);
    else if (o.parent === o.name) at(['organizations', i, 'parent'], `an organization cannot be its own parent (R2)`);
    else if (!parents.has(o.parent)) at(['organizations', i, 'parent'], `unknown organization "${o.parent}"`);
    else parents.set(o.name, o.parent);
  });
  const reported = new Set<string>();
  fx.organizations.forEach((o, i) => {
    if (!o?.parent || o.parent === o.name || !parents.has(o.parent)) return;
    const chain = [o.name];
    for (let p = parents.get(o.name) ?? null; p !== null && chain.length <= parents.size; p = parents.get(p) ?? null) {
      if (p === o.name) {
        const key = [...chain].sort().join('\u0000');
        if (!reported.has(key)) at(['organizations', i, 'parent'], `${[...chain, o.name].map((n) => `"${n}"`).join(' → ')} would be a cycle of parents (R2)`);
        reported.add(key);
        break;
      }
      if (chain.includes(p)) break;
      chain.push(p);
    }
  });
  const organization = (path: (string | number)[], name: string | null | undefined) => {
    if (name && !parents.has(name)) at(path, `unknown organization "${name}"`);
  };

  // Customers as they will be (R3).
  const customers = new Map<string, { organization: string | null; manager: boolean; active: boolean }>();
  for (const [email, c] of w.customers) {
    customers.set(email, { organization: c.organizationId === null ? null : (w.orgNameById.get(c.organizationId) ?? null), manager: c.manager, active: c.active });
  }
  const seenCustomers = new Map<string, string>();
  fx.customers.forEach((c, i) => {
    if (!c) return;
    firstSeen(seenCustomers, c.email, ['customers', i, 'email'], `customer ${c.email}`);
    organization(['customers', i, 'organization'], c.organization);
    const before = customers.get(c.email) ?? { organization: null, manager: false, active: true };
    const after = {
      organization: c.organization === undefined ? before.organization : c.organization,
      manager: c.manager ?? before.manager,
      active: c.active ?? before.active,
    };
    if (after.manager && !after.organization) at(['customers', i, 'organization'], 'a manager belongs to an organization (R3)');
    customers.set(c.email, after);
  });
  const customer = (path: (string | number)[], email: string) => {
    if (!customers.has(email)) at(path, `unknown customer ${email}`);
    return customers.get(email);
  };

  const agents = new Set(w.agents.keys());
  const seenAgents = new Map<string, string>();
  fx.agents.forEach((a, i) => {
    if (!a) return;
    firstSeen(seenAgents, a.email, ['agents', i, 'email'], `agent ${a.email}`);
    agents.add(a.email);
    a.departments.forEach((d, k) => department(['agents', i, 'departments', k], d));
  });

  const seenRules = new Map<string, string>();
  fx.rules.forEach((r, i) => {
    if (!r) return;
    if (department(['rules', i, 'department'], r.department)) category(['rules', i, 'category'], r.department, r.category);
    firstSeen(seenRules, ruleKey(r.department, r.scope ?? 'category', r.category ?? null), ['rules', i], 'rule');
  });

  // Topics (R42) as they will be: what each requires after the fixture.
  const topics = new Map<string, TopicRequirements>();
  for (const [name, t] of w.topics) topics.set(name, { ...t });
  const seenTopics = new Map<string, string>();
  fx.topics.forEach((t, i) => {
    if (!t) return;
    firstSeen(seenTopics, t.name, ['topics', i, 'name'], `topic "${t.name}"`);
    const before = topics.get(t.name) ?? { name: t.name, requireProcess: false, requireServiceChannel: false, requireStatusDetail: false };
    topics.set(t.name, {
      name: t.name,
      requireProcess: t.requireProcess ?? before.requireProcess,
      requireServiceChannel: t.requireServiceChannel ?? before.requireServiceChannel,
      requireStatusDetail: t.requireStatusDetail ?? before.requireStatusDetail,
    });
  });
  const topicMet = (list: 'tickets' | 'drafts', i: number, r: { topic?: string; processRef?: string; serviceChannel?: string; statusDetail?: string }) => {
    if (!r.topic) return;
    const topic = topics.get(r.topic);
    if (!topic) return at([list, i, 'topic'], `unknown topic "${r.topic}"`);
    for (const m of missingForTopic(topic, r)) at([list, i, m.path], `topic "${topic.name}" requires ${m.what.replace(/ \(--.*\)$/, '')} on every ticket (R42)`);
  };

  // Tickets and drafts: refs unique across both lists; references of the new ones resolve.
  const seenRefs = new Map<string, string>();
  const future = (path: (string | number)[], iso: string | undefined) => {
    if (iso && Date.parse(iso) > now.getTime()) at(path, 'is in the future');
  };
  const request = (list: 'tickets' | 'drafts', i: number, r: { ref: string; requester: string; department: string; category?: string | null; createdAt?: string }) => {
    firstSeen(seenRefs, r.ref, [list, i, 'ref'], `ref "${r.ref}"`);
    if (w.refs.has(r.ref)) return undefined;
    const who = customer([list, i, 'requester'], r.requester);
    if (department([list, i, 'department'], r.department)) category([list, i, 'category'], r.department, r.category);
    future([list, i, 'createdAt'], r.createdAt);
    return who;
  };
  fx.tickets.forEach((t, i) => {
    if (!t) return;
    const who = request('tickets', i, t);
    if (w.refs.has(t.ref)) return;
    if (t.agent && !agents.has(t.agent)) at(['tickets', i, 'agent'], `unknown agent ${t.agent}`);
    topicMet('tickets', i, t);
    const seenParticipants = new Set<string>();
    (t.participants ?? []).forEach((p, k) => {
      if (seenParticipants.has(p)) at(['tickets', i, 'participants', k], `duplicate participant ${p}`);
      seenParticipants.add(p);
      if (p === t.requester) at(['tickets', i, 'participants', k], `${p} is the ticket's requester; a participant is someone else (R39)`);
      else if (!customers.has(p)) at(['tickets', i, 'participants', k], `unknown customer ${p}`);
    });
    if (t.participants?.length && t.visibility === 'internal') at(['tickets', i, 'participants'], 'an internal ticket (staff only, R17) has no participants');
    future(['tickets', i, 'solvedAt'], t.solvedAt);
    future(['tickets', i, 'closedAt'], t.closedAt);
    if (!who) return;
    if (t.status === undefined && t.channel !== 'agent' && !who.active) {
      at(['tickets', i, 'requester'], `customer ${t.requester} is inactive; only channel agent opens a ticket for them (or give the ticket a status)`);
    }
    if (t.visibility === 'private' && !who.manager) at(['tickets', i, 'visibility'], `only a manager's own tickets can be private (R21); ${t.requester} is not a manager`);
  });
  fx.drafts.forEach((d, i) => {
    if (!d) return;
    request('drafts', i, d);
    if (!w.refs.has(d.ref)) topicMet('drafts', i, d);
  });
  return problems;
}

/* ---- applying it ---- */

async function applyFixture(tx: Tx, ctx: EngineContext, inspected: InspectedFixture, opts: SeedOptions, tenant: string): Promise<SeedReport> {
  const w = await loadWorld(tx, ctx.store, ctx.tenantId, inspected.lenient);
  // The shape's problems and the references' problems are reported together, before anything is written.
  const problems = [...inspected.problems, ...check(inspected.lenient, w, ctx.now())];
  if (problems.length || !inspected.fixture) invalidFixture(problems);
  const fx: Fixture = inspected.fixture;

  const tid = ctx.tenantId;
  const nowIso = ctx.now().toISOString();
  const counts = Object.fromEntries(SEED_KINDS.map((k) => [k, { kind: k, created: 0, updated: 0, unchanged: 0 }])) as Record<SeedKind, SeedCount>;
  const report: SeedReport = { tenant, dryRun: Boolean(opts.dryRun), changed: false, counts: [], heldForApproval: [], notes: [] };
  const source = { source: 'seed' };

  // Settings first: the approval mode, forecast and zone of the fixture apply to its tickets.
  if (fx.settings) {
    const current = await readSettings(tx, tid);
    for (const [key, value] of Object.entries(fx.settings) as [keyof typeof current, unknown][]) {
      if (value === undefined) continue;
      if (current[key] === value) {
        counts.settings.unchanged++;
        continue;
      }
      await tx
        .insertInto('settings')
        .values({ tenant_id: tid, key, value: JSON.stringify(value) })
        .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: JSON.stringify(value) }))
        .execute();
      await audit(tx, ctx, 'settings.set', 'setting', key, { from: current[key], to: value, ...source });
      counts.settings.updated++;
    }
  }

  for (const d of fx.departments) {
    let dept = w.departments.get(d.name);
    if (dept) counts.departments.unchanged++;
    else {
      const { id } = await tx.insertInto('departments').values({ tenant_id: tid, name: d.name, created_at: nowIso }).returning('id').executeTakeFirstOrThrow();
      await audit(tx, ctx, 'department.add', 'department', id, { name: d.name, ...source });
      dept = { id, categories: new Map() };
      w.departments.set(d.name, dept);
      counts.departments.created++;
    }
    for (const c of new Set(d.categories)) {
      if (dept.categories.has(c)) {
        counts.categories.unchanged++;
        continue;
      }
      const { id } = await tx
        .insertInto('categories')
        .values({ tenant_id: tid, department_id: dept.id, name: c, created_at: nowIso })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(tx, ctx, 'category.add', 'category', id, { name: c, department: d.name, ...source });
      dept.categories.set(c, id);
      counts.categories.created++;
    }
  }

  // Organizations: all of them first, then their parents (a parent may come later in the file).
  const createdOrgs = new Set<string>();
  for (const o of fx.organizations) {
    if (w.organizations.has(o.name)) continue;
    const { id } = await tx.insertInto('organizations').values({ tenant_id: tid, name: o.name, parent_id: null, created_at: nowIso }).returning('id').executeTakeFirstOrThrow();
    w.organizations.set(o.name, { id, parentId: null });
    createdOrgs.add(o.name);
  }
  for (const o of fx.organizations) {
    const org = w.organizations.get(o.name)!;
    const parentId = o.parent === undefined ? org.parentId : o.parent === null ? null : w.organizations.get(o.parent)!.id;
    const changed = parentId !== org.parentId;
    if (changed) {
      await tx.updateTable('organizations').set({ parent_id: parentId }).where('id', '=', org.id).execute();
      org.parentId = parentId;
    }
    if (createdOrgs.has(o.name)) {
      await audit(tx, ctx, 'organization.add', 'organization', org.id, { name: o.name, parent: o.parent ?? null, ...source });
      counts.organizations.created++;
    } else if (changed) {
      await audit(tx, ctx, 'organization.set_parent', 'organization', org.id, { name: o.name, parent: o.parent ?? null, ...source });
      counts.organizations.updated++;
    } else counts.organizations.unchanged++;
  }

  const orgId = (name: string | null | undefined) => (name ? w.organizations.get(name)!.id : null);
  for (const c of fx.customers) {
    const before = w.customers.get(c.email);
    if (!before) {
      const row = {
        email: c.email,
        name: c.name,
        phone: c.phone ?? null,
        organizationId: orgId(c.organization),
        manager: Boolean(c.manager),
        active: c.active !== false,
        blockAutomatic: Boolean(c.blockAutomaticMessages),
      };
      const id = await insertCustomer(tx, ctx, row, { organization: c.organization ?? null, manager: row.manager, ...source });
      w.customers.set(c.email, { id, name: c.name, phone: row.phone, organizationId: row.organizationId, manager: row.manager, active: row.active, block: row.blockAutomatic });
      counts.customers.created++;
      continue;
    }
    const after = {
      name: c.name,
      phone: c.phone === undefined ? before.phone : c.phone,
      organizationId: c.organization === undefined ? before.organizationId : orgId(c.organization),
      manager: c.manager ?? before.manager,
      active: c.active ?? before.active,
      block: c.blockAutomaticMessages ?? before.block,
    };
    const changes: Record<string, unknown> = {};
    if (after.name !== before.name) changes.name = after.name;
    if (after.phone !== before.phone) changes.phone = after.phone;
    if (after.organizationId !== before.organizationId) changes.organization_id = after.organizationId;
    if (after.manager !== before.manager) changes.is_manager = after.manager ? 1 : 0;
    if (after.active !== before.active) changes.active = after.active ? 1 : 0;
    if (after.block !== before.block) changes.block_automatic = after.block ? 1 : 0;
    if (Object.keys(changes).length === 0) {
      counts.customers.unchanged++;
      continue;
    }
    await tx.updateTable('customers').set(changes).where('id', '=', before.id).execute();
    await audit(tx, ctx, 'customer.set', 'customer', before.id, { email: c.email, ...changes, ...source });
    Object.assign(before, after);
    counts.customers.updated++;
  }

  for (const a of fx.agents) {
    const deptIds = [...new Set(a.departments)].map((d) => w.departments.get(d)!.id);
    let agent = w.agents.get(a.email);
    let created = false;
    let changed = false;
    if (!agent) {
      const { id } = await tx
        .insertInto('agents')
        .values({ tenant_id: tid, email: a.email, name: a.name, is_admin: a.admin ? 1 : 0, created_at: nowIso })
        .returning('id')
        .executeTakeFirstOrThrow();
      agent = { id, name: a.name, admin: Boolean(a.admin), departmentIds: new Set() };
      w.agents.set(a.email, agent);
      created = true;
    } else {
      const changes: Record<string, unknown> = {};
      if (a.name !== agent.name) changes.name = a.name;
      if (a.admin !== undefined && a.admin !== agent.admin) changes.is_admin = a.admin ? 1 : 0;
      if (Object.keys(changes).length) {
        await tx.updateTable('agents').set(changes).where('id', '=', agent.id).execute();
        changed = true;
      }
    }
    const missing = deptIds.filter((d) => !agent.departmentIds.has(d));
    if (missing.length) {
      await tx.insertInto('agent_departments').values(missing.map((department_id) => ({ agent_id: agent.id, department_id }))).execute();
      for (const d of missing) agent.departmentIds.add(d);
      changed = true;
    }
    if (created) {
      await audit(tx, ctx, 'agent.add', 'agent', agent.id, { email: a.email, name: a.name, departments: a.departments, admin: Boolean(a.admin), ...source });
      counts.agents.created++;
    } else if (changed) {
      await audit(tx, ctx, 'agent.set', 'agent', agent.id, { email: a.email, name: a.name, departments: a.departments, admin: a.admin, ...source });
      counts.agents.updated++;
    } else counts.agents.unchanged++;
  }

  for (const r of fx.rules) {
    const scope: RuleScope = r.scope ?? 'category';
    const category = scope === 'category' ? r.category! : null;
    const key = ruleKey(r.department, scope, category);
    if (w.rules.has(key)) {
      counts.rules.unchanged++;
      continue;
    }
    const dept = w.departments.get(r.department)!;
    const { id } = await tx
      .insertInto('approval_rules')
      .values({ tenant_id: tid, department_id: dept.id, scope, category_id: category === null ? null : dept.categories.get(category)!, created_at: nowIso })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(tx, ctx, 'rule.add', 'rule', id, { department: r.department, scope, category, ...source });
    w.rules.add(key);
    counts.rules.created++;
  }

  for (const t of fx.topics) {
    const before = w.topics.get(t.name);
    if (!before) {
      const after = { name: t.name, requireProcess: Boolean(t.requireProcess), requireServiceChannel: Boolean(t.requireServiceChannel), requireStatusDetail: Boolean(t.requireStatusDetail) };
      const { id } = await tx
        .insertInto('topics')
        .values({
          tenant_id: tid,
          name: t.name,
          require_process: after.requireProcess ? 1 : 0,
          require_service_channel: after.requireServiceChannel ? 1 : 0,
          require_status_detail: after.requireStatusDetail ? 1 : 0,
          created_at: nowIso,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(tx, ctx, 'topic.add', 'topic', id, { ...after, ...source });
      w.topics.set(t.name, { id, ...after });
      counts.topics.created++;
      continue;
    }
    const changes: Record<string, number> = {};
    if (t.requireProcess !== undefined && t.requireProcess !== before.requireProcess) changes.require_process = t.requireProcess ? 1 : 0;
    if (t.requireServiceChannel !== undefined && t.requireServiceChannel !== before.requireServiceChannel) changes.require_service_channel = t.requireServiceChannel ? 1 : 0;
    if (t.requireStatusDetail !== undefined && t.requireStatusDetail !== before.requireStatusDetail) changes.require_status_detail = t.requireStatusDetail ? 1 : 0;
    if (Object.keys(changes).length === 0) {
      counts.topics.unchanged++;
      continue;
    }
    await tx.updateTable('topics').set(changes).where('id', '=', before.id).execute();
    Object.assign(before, {
      requireProcess: t.requireProcess ?? before.requireProcess,
      requireServiceChannel: t.requireServiceChannel ?? before.requireServiceChannel,
      requireStatusDetail: t.requireStatusDetail ?? before.requireStatusDetail,
    });
    await audit(tx, ctx, 'topic.set', 'topic', before.id, { name: t.name, ...changes, ...source });
    counts.topics.updated++;
  }

  const settings = await readSettings(tx, tid);
  const fx_i = (list: string, i: number) => `${list}[${i}]`;
  const total = fx.tickets.length + fx.drafts.length;
  let done = 0;
  // Each ticket is synchronous SQLite under its promises: every SEED_STEP of them the event loop
  // runs (a signal handler, a progress redraw), and an interrupt rolls the one transaction back.
  const step = async () => {
    if (++done % SEED_STEP !== 0 && done !== total) return;
    opts.onProgress?.(done, total);
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted) throw precondition('interrupted: nothing was seeded (the transaction was rolled back)');
  };
  for (const [i, t] of fx.tickets.entries()) {
    await step();
    if (w.refs.has(t.ref)) {
      counts.tickets.unchanged++;
      continue;
    }
    try {
      if (t.status === undefined) await openTicket(tx, ctx, t, w, report);
      else await recordTicket(tx, ctx, t, w, settings['response.forecastHours']);
    } catch (e) {
      // The checks above should leave nothing for the creation flow to refuse; if it still does, say where.
      if (e instanceof DeskctlError) throw invalid(`invalid fixture: ${fx_i('tickets', i)}: ${e.message}`, [`${fx_i('tickets', i)}: ${e.message}`]);
      throw e;
    }
    w.refs.add(t.ref);
    counts.tickets.created++;
  }

  for (const d of fx.drafts) {
    await step();
    if (w.refs.has(d.ref)) {
      counts.drafts.unchanged++;
      continue;
    }
    const who = w.customers.get(d.requester)!;
    const dept = w.departments.get(d.department)!;
    const at = d.createdAt ? new Date(d.createdAt).toISOString() : nowIso;
    const { id } = await tx
      .insertInto('drafts')
      .values({
        tenant_id: tid,
        requester_id: who.id,
        organization_id: who.organizationId,
        department_id: dept.id,
        category_id: d.category ? dept.categories.get(d.category)! : null,
        subject: d.subject,
        message: d.message,
        channel: d.channel,
        conversation: d.conversation ?? null,
        fields: JSON.stringify(fieldsText(d.fields)),
        attachments: JSON.stringify(d.attachments ?? []),
        type: d.type ?? null,
        priority: d.priority ?? 'normal',
        ref: d.ref,
        created_at: at,
        updated_at: nowIso,
        // R10, R42: what the request had, carried to the ticket on approval.
        topic_id: d.topic ? w.topics.get(d.topic)!.id : null,
        service_channel: d.serviceChannel ?? null,
        status_detail: d.statusDetail ?? null,
        process_ref: d.processRef ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // R11: a draft is announced to the active managers of its organization and of its parent.
    const managers = who.organizationId === null ? [] : await activeManagers(tx, tid, who.organizationId);
    await announceDraft(tx, ctx, managers, id, d.subject);
    await audit(tx, ctx, 'draft.create', 'draft', id, { requester: d.requester, channel: d.channel, ref: d.ref, ...source });
    w.refs.add(d.ref);
    counts.drafts.created++;
  }

  report.counts = SEED_KINDS.map((k) => counts[k]);
  report.changed = report.counts.some((c) => c.created > 0 || c.updated > 0);
  if (report.changed) {
    await audit(tx, ctx, 'tenant.seed', 'tenant', tenant || null, {
      created: Object.fromEntries(report.counts.filter((c) => c.created).map((c) => [c.kind, c.created])),
      updated: Object.fromEntries(report.counts.filter((c) => c.updated).map((c) => [c.kind, c.updated])),
    });
  }
  return report;
}

/** A fixture ticket without a status: the normal creation flow, so approval applies (R7). */
async function openTicket(tx: Tx, ctx: EngineContext, t: FixtureTicket, w: World, report: SeedReport): Promise<void> {
  const req = parseInput(TicketRequest, {
    requester: t.requester,
    department: t.department,
    category: t.category ?? null,
    subject: t.subject,
    message: t.message,
    channel: t.channel,
    fields: fieldsText(t.fields),
    attachments: t.attachments ?? [],
    visibility: t.visibility ?? 'public',
    topic: t.topic ?? null,
    serviceChannel: t.serviceChannel ?? null,
    statusDetail: t.statusDetail ?? null,
    // The linked process goes with the request: a draft keeps it (R10) and a topic may require it (R42).
    processRef: t.processRef ?? null,
    type: t.type ?? null,
    priority: t.priority,
  });
  const outcome = await openRequest(tx, ctx, req, { createdAt: t.createdAt ? new Date(t.createdAt) : undefined, ref: t.ref });
  if (outcome.outcome === 'draft') {
    report.heldForApproval.push(t.ref);
    const lost = [t.agent && 'agent', t.participants?.length && 'participants'].filter(Boolean);
    if (lost.length) report.notes.push(`ticket ${t.ref} waits for approval as draft ${outcome.draft.id}; its ${lost.join(' and ')} were not set`);
    return;
  }
  if (t.agent) await tx.updateTable('tickets').set({ agent_id: w.agents.get(t.agent)!.id }).where('id', '=', outcome.ticket.id).execute();
  await addFixtureParticipants(tx, ctx, outcome.ticket.id, t, w);
}

/** R39: a fixture ticket's participants (the fixture is the admin's: any customer of the tenant). */
async function addFixtureParticipants(tx: Tx, ctx: EngineContext, ticketId: number, t: FixtureTicket, w: World): Promise<void> {
  const emails = [...new Set(t.participants ?? [])];
  if (emails.length === 0) return;
  const at = ctx.now().toISOString();
  await tx
    .insertInto('ticket_participants')
    .values(emails.map((e) => ({ ticket_id: ticketId, customer_id: w.customers.get(e)!.id, tenant_id: ctx.tenantId, created_at: at })))
    .execute();
}

/**
 * A fixture ticket with a status records a ticket that already exists, as it is now: no approval
 * and no notifications (its story happened before the seed), an audit row, a protocol and a due
 * time from its creation time (R17, R18).
 */
async function recordTicket(tx: Tx, ctx: EngineContext, t: FixtureTicket, w: World, forecastHours: number): Promise<void> {
  const now = ctx.now();
  const created = t.createdAt ? new Date(t.createdAt) : now;
  const who = w.customers.get(t.requester)!;
  const dept = w.departments.get(t.department)!;
  const iso = (s: string | undefined) => (s ? new Date(s).toISOString() : null);
  const solvedAt = t.status === 'solved' ? (iso(t.solvedAt) ?? now.toISOString()) : t.status === 'closed' ? iso(t.solvedAt) : null;
  const closedAt = t.status === 'closed' ? (iso(t.closedAt) ?? now.toISOString()) : null;
  const { id, protocol } = await writeTicket(
    tx,
    ctx,
    {
      tenant_id: ctx.tenantId,
      requester_id: who.id,
      organization_id: who.organizationId,
      department_id: dept.id,
      category_id: t.category ? dept.categories.get(t.category)! : null,
      subject: t.subject,
      message: t.message,
      channel: t.channel,
      conversation: null,
      visibility: t.visibility ?? 'public',
      fields: JSON.stringify(fieldsText(t.fields)),
      attachments: JSON.stringify(t.attachments ?? []),
      type: t.type ?? null,
      priority: t.priority ?? 'normal',
      ref: t.ref,
      status: t.status!,
      agent_id: t.agent ? w.agents.get(t.agent)!.id : null,
      process_ref: t.processRef ?? null,
      rating: t.rating ?? null,
      rating_comment: t.ratingComment ?? null,
      solved_at: solvedAt,
      closed_at: closedAt,
      updated_at: now.toISOString(),
      topic_id: t.topic ? w.topics.get(t.topic)!.id : null,
      service_channel: t.serviceChannel ?? null,
      status_detail: t.statusDetail ?? null,
    },
    created,
    forecastHours,
  );
  await addFixtureParticipants(tx, ctx, id, t, w);
  await audit(tx, ctx, 'ticket.create', 'ticket', id, { protocol, requester: t.requester, channel: t.channel, status: t.status, ref: t.ref, source: 'seed' });
}
