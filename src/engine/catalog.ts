import { conflict, invalid, notFound, precondition } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { parseInput } from '../core/validate.js';
import { Email, Name, type Agent, type Category, type Department, type Organization } from '../core/schemas.js';
import type { Tx } from '../store/store.js';
import { audit, categoryId, departmentId, organizationId, type EngineContext } from './context.js';
import { assertNotInSettings } from './settings.js';

/* ---- departments (R4) ---- */

export async function listDepartments(ctx: EngineContext): Promise<Department[]> {
  const db = ctx.store.db;
  const depts = await db.selectFrom('departments').select(['id', 'name', 'created_at']).where('tenant_id', '=', ctx.tenantId).orderBy('id').execute();
  const cats = await db.selectFrom('categories').select(['department_id', 'name']).where('tenant_id', '=', ctx.tenantId).orderBy('id').execute();
  return depts.map((d) => ({
    id: d.id,
    name: d.name,
    categories: cats.filter((c) => c.department_id === d.id).map((c) => c.name),
    createdAt: d.created_at,
  }));
}

export async function addDepartment(ctx: EngineContext, nameIn: string): Promise<Department> {
  const name = parseInput(Name, nameIn, 'name');
  return ctx.store.write(async (tx) => {
    const exists = await tx.selectFrom('departments').select('id').where('tenant_id', '=', ctx.tenantId).where('name', '=', name).executeTakeFirst();
    if (exists) throw conflict(`department "${name}" already exists`);
    const row = await tx
      .insertInto('departments')
      .values({ tenant_id: ctx.tenantId, name, created_at: ctx.now().toISOString() })
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow();
    await audit(tx, ctx, 'department.add', 'department', row.id, { name });
    return { id: row.id, name, categories: [], createdAt: row.created_at };
  }, ctx.tenantId);
}

/** Refuses while tickets or drafts use it; its categories, rules and agent memberships go with it. */
async function assertUnused(tx: Tx, what: string, column: 'department_id' | 'category_id', id: number): Promise<void> {
  for (const table of ['tickets', 'drafts'] as const) {
    const row = await tx.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where(column, '=', id).executeTakeFirstOrThrow();
    if (row.n > 0) throw precondition(`${what} is used by ${row.n} ${table.slice(0, -1)}${row.n === 1 ? '' : 's'}; it cannot be removed`);
  }
}

export async function removeDepartment(ctx: EngineContext, name: string): Promise<{ removed: string }> {
  return ctx.store.write(async (tx) => {
    const id = await departmentId(tx, ctx.tenantId, name);
    await assertUnused(tx, `department "${name}"`, 'department_id', id);
    await assertNotInSettings(tx, ctx.tenantId, name);
    await tx.deleteFrom('approval_rules').where('department_id', '=', id).execute();
    await tx.deleteFrom('categories').where('department_id', '=', id).execute();
    await tx.deleteFrom('agent_departments').where('department_id', '=', id).execute();
    await tx.deleteFrom('departments').where('id', '=', id).execute();
    await audit(tx, ctx, 'department.remove', 'department', id, { name });
    return { removed: name };
  }, ctx.tenantId);
}

/* ---- categories (R4) ---- */

export async function listCategories(ctx: EngineContext, department?: string): Promise<Category[]> {
  const db = ctx.store.db;
  let q = db
    .selectFrom('categories as c')
    .innerJoin('departments as d', 'd.id', 'c.department_id')
    .select(['c.id', 'd.name as department', 'c.name', 'c.created_at'])
    .where('c.tenant_id', '=', ctx.tenantId)
    .orderBy('c.id');
  if (department !== undefined) q = q.where('c.department_id', '=', await departmentId(db, ctx.tenantId, department));
  return (await q.execute()).map((r) => ({ id: r.id, department: r.department, name: r.name, createdAt: r.created_at }));
}

export async function addCategory(ctx: EngineContext, nameIn: string, department: string): Promise<Category> {
  const name = parseInput(Name, nameIn, 'name');
  return ctx.store.write(async (tx) => {
    const dept = await departmentId(tx, ctx.tenantId, department);
    const exists = await tx.selectFrom('categories').select('id').where('department_id', '=', dept).where('name', '=', name).executeTakeFirst();
    if (exists) throw conflict(`category "${name}" already exists in department "${department}"`);
    const row = await tx
      .insertInto('categories')
      .values({ tenant_id: ctx.tenantId, department_id: dept, name, created_at: ctx.now().toISOString() })
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow();
    await audit(tx, ctx, 'category.add', 'category', row.id, { name, department });
    return { id: row.id, department, name, createdAt: row.created_at };
  }, ctx.tenantId);
}

export async function removeCategory(ctx: EngineContext, name: string, department: string): Promise<{ removed: string }> {
  return ctx.store.write(async (tx) => {
    const dept = await departmentId(tx, ctx.tenantId, department);
    const id = await categoryId(tx, ctx.tenantId, dept, department, name);
    await assertUnused(tx, `category "${name}"`, 'category_id', id);
    await assertNotInSettings(tx, ctx.tenantId, department, name);
    await tx.deleteFrom('approval_rules').where('category_id', '=', id).execute();
    await tx.deleteFrom('categories').where('id', '=', id).execute();
    await audit(tx, ctx, 'category.remove', 'category', id, { name, department });
    return { removed: name };
  }, ctx.tenantId);
}

/* ---- organizations (R2) ---- */

export async function listOrganizations(ctx: EngineContext): Promise<Organization[]> {
  const rows = await ctx.store.db
    .selectFrom('organizations as o')
    .leftJoin('organizations as p', 'p.id', 'o.parent_id')
    .select(['o.id', 'o.name', 'p.name as parent', 'o.created_at'])
    .where('o.tenant_id', '=', ctx.tenantId)
    .orderBy('o.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, parent: r.parent, createdAt: r.created_at }));
}

/** R2: walking up from `parent` must never reach `child` (a parent may not be its own ancestor). */
async function assertNoCycle(tx: Tx, child: number, parent: number, childName: string, parentName: string): Promise<void> {
  const seen = new Set<number>();
  for (let at: number | null = parent; at !== null; ) {
    if (at === child) throw conflict(`organization "${parentName}" cannot be the parent of "${childName}": that would make a cycle (R2)`);
    if (seen.has(at)) break;
    seen.add(at);
    const row: { parent_id: number | null } | undefined = await tx.selectFrom('organizations').select('parent_id').where('id', '=', at).executeTakeFirst();
    at = row?.parent_id ?? null;
  }
}

export async function addOrganization(ctx: EngineContext, nameIn: string, parent?: string): Promise<Organization> {
  const name = parseInput(Name, nameIn, 'name');
  return ctx.store.write(async (tx) => {
    const exists = await tx.selectFrom('organizations').select('id').where('tenant_id', '=', ctx.tenantId).where('name', '=', name).executeTakeFirst();
    if (exists) throw conflict(`organization "${name}" already exists`);
    const parentId = parent === undefined ? null : await organizationId(tx, ctx.tenantId, parent);
    const row = await tx
      .insertInto('organizations')
      .values({ tenant_id: ctx.tenantId, name, parent_id: parentId, created_at: ctx.now().toISOString() })
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow();
    await audit(tx, ctx, 'organization.add', 'organization', row.id, { name, parent: parent ?? null });
    return { id: row.id, name, parent: parent ?? null, createdAt: row.created_at };
  }, ctx.tenantId);
}

/** Sets or clears an organization's parent (R2: never a cycle). */
export async function setOrganizationParent(ctx: EngineContext, name: string, parent: string | null): Promise<Organization & { changed: boolean }> {
  return ctx.store.write(async (tx) => {
    const id = await organizationId(tx, ctx.tenantId, name);
    const parentId = parent === null ? null : await organizationId(tx, ctx.tenantId, parent);
    if (parentId !== null) await assertNoCycle(tx, id, parentId, name, parent!);
    const before = await tx.selectFrom('organizations').select(['parent_id', 'created_at']).where('id', '=', id).executeTakeFirstOrThrow();
    const changed = before.parent_id !== parentId;
    if (changed) {
      await tx.updateTable('organizations').set({ parent_id: parentId }).where('id', '=', id).execute();
      await audit(tx, ctx, 'organization.set_parent', 'organization', id, { name, parent });
    }
    return { id, name, parent, createdAt: before.created_at, changed };
  }, ctx.tenantId);
}

export async function removeOrganization(ctx: EngineContext, name: string): Promise<{ removed: string }> {
  return ctx.store.write(async (tx) => {
    const id = await organizationId(tx, ctx.tenantId, name);
    const count = async (q: Promise<{ n: number }>) => (await q).n;
    const children = await count(
      tx.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).where('parent_id', '=', id).executeTakeFirstOrThrow(),
    );
    if (children) throw precondition(`organization "${name}" is the parent of ${children} organization(s); move or remove them first`);
    const members = await count(
      tx
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organization_id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirstOrThrow(),
    );
    if (members) throw precondition(`organization "${name}" has ${members} customer(s); move or remove them first`);
    for (const table of ['tickets', 'drafts'] as const) {
      const n = await count(tx.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', id).executeTakeFirstOrThrow());
      if (n) throw precondition(`organization "${name}" is used by ${n} ${table}; it cannot be removed`);
    }
    // Removed customers keep their history but no longer point at the organization.
    await tx.updateTable('customers').set({ organization_id: null, is_manager: 0 }).where('organization_id', '=', id).execute();
    await tx.deleteFrom('organizations').where('id', '=', id).execute();
    await audit(tx, ctx, 'organization.remove', 'organization', id, { name });
    return { removed: name };
  }, ctx.tenantId);
}

/* ---- agents (R4) ---- */

export async function listAgents(ctx: EngineContext): Promise<Agent[]> {
  const db = ctx.store.db;
  const agents = await db.selectFrom('agents').select(['id', 'email', 'name', 'is_admin', 'created_at']).where('tenant_id', '=', ctx.tenantId).orderBy('id').execute();
  const memberships = await db
    .selectFrom('agent_departments as ad')
    .innerJoin('departments as d', 'd.id', 'ad.department_id')
    .select(['ad.agent_id', 'd.name'])
    .where('d.tenant_id', '=', ctx.tenantId)
    .orderBy('d.id')
    .execute();
  return agents.map((a) => ({
    id: a.id,
    email: a.email,
    name: a.name,
    admin: a.is_admin === 1,
    departments: memberships.filter((m) => m.agent_id === a.id).map((m) => m.name),
    createdAt: a.created_at,
  }));
}

export async function addAgent(ctx: EngineContext, input: { email: string; name: string; departments?: string[]; admin?: boolean }): Promise<Agent> {
  const email = parseInput(Email, input.email, 'email');
  const name = parseInput(Name, input.name, 'name');
  const departments = [...new Set(input.departments ?? [])];
  return ctx.store.write(async (tx) => {
    const exists = await tx.selectFrom('agents').select('id').where('tenant_id', '=', ctx.tenantId).where('email', '=', email).executeTakeFirst();
    if (exists) throw conflict(`agent ${email} already exists`);
    const deptIds = [];
    for (const d of departments) deptIds.push(await departmentId(tx, ctx.tenantId, d));
    const row = await tx
      .insertInto('agents')
      .values({ tenant_id: ctx.tenantId, email, name, is_admin: input.admin ? 1 : 0, created_at: ctx.now().toISOString() })
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow();
    if (deptIds.length) await tx.insertInto('agent_departments').values(deptIds.map((department_id) => ({ agent_id: row.id, department_id }))).execute();
    await audit(tx, ctx, 'agent.add', 'agent', row.id, { email, name, departments, admin: Boolean(input.admin) });
    return { id: row.id, email, name, admin: Boolean(input.admin), departments, createdAt: row.created_at };
  }, ctx.tenantId);
}

export interface AgentPatch {
  name?: string;
  admin?: boolean;
  /** Departments the agent starts working in. */
  addDepartments?: string[];
  /** Departments the agent stops working in. */
  removeDepartments?: string[];
}

/** Changes an agent: name, admin flag, departments; what already holds is reported unchanged. */
export async function setAgent(ctx: EngineContext, emailIn: string, patch: AgentPatch): Promise<Agent & { changed: boolean }> {
  const email = parseInput(Email, emailIn, 'email');
  const name = patch.name === undefined ? undefined : parseInput(Name, patch.name, 'name');
  const changed = await ctx.store.write(async (tx) => {
    const id = await agentId(tx, ctx.tenantId, email);
    const before = await tx.selectFrom('agents').select(['name', 'is_admin']).where('id', '=', id).executeTakeFirstOrThrow();
    const current = new Set((await tx.selectFrom('agent_departments').select('department_id').where('agent_id', '=', id).execute()).map((r) => r.department_id));
    const add: number[] = [];
    for (const d of new Set(patch.addDepartments ?? [])) {
      const dept = await departmentId(tx, ctx.tenantId, d);
      if (!current.has(dept)) add.push(dept);
    }
    const remove: number[] = [];
    for (const d of new Set(patch.removeDepartments ?? [])) {
      const dept = await departmentId(tx, ctx.tenantId, d);
      if (add.includes(dept)) throw invalid(`department ${d} is both added and removed`);
      if (current.has(dept)) remove.push(dept);
    }
    const updates: { name?: string; is_admin?: number } = {};
    if (name !== undefined && name !== before.name) updates.name = name;
    if (patch.admin !== undefined && (patch.admin ? 1 : 0) !== before.is_admin) updates.is_admin = patch.admin ? 1 : 0;
    if (!Object.keys(updates).length && !add.length && !remove.length) return false;
    if (Object.keys(updates).length) await tx.updateTable('agents').set(updates).where('id', '=', id).execute();
    if (add.length) await tx.insertInto('agent_departments').values(add.map((department_id) => ({ agent_id: id, department_id }))).execute();
    if (remove.length) await tx.deleteFrom('agent_departments').where('agent_id', '=', id).where('department_id', 'in', remove).execute();
    await audit(tx, ctx, 'agent.set', 'agent', id, { email, ...updates, addDepartments: patch.addDepartments ?? [], removeDepartments: patch.removeDepartments ?? [] });
    return true;
  }, ctx.tenantId);
  const agent = (await listAgents(ctx)).find((a) => a.email === email)!;
  return { ...agent, changed };
}

/** Removes an agent; the tickets assigned to them are left unassigned (counted, and audited). */
export async function removeAgent(ctx: EngineContext, emailIn: string): Promise<{ removed: string; ticketsUnassigned: number }> {
  const email = parseInput(Email, emailIn, 'email');
  return ctx.store.write(async (tx) => {
    const id = await agentId(tx, ctx.tenantId, email);
    const unassigned = await tx.updateTable('tickets').set({ agent_id: null }).where('tenant_id', '=', ctx.tenantId).where('agent_id', '=', id).executeTakeFirst();
    const ticketsUnassigned = Number(unassigned.numUpdatedRows ?? 0);
    await tx.deleteFrom('agent_departments').where('agent_id', '=', id).execute();
    await tx.deleteFrom('agents').where('id', '=', id).execute();
    await audit(tx, ctx, 'agent.remove', 'agent', id, { email, ticketsUnassigned });
    return { removed: email, ticketsUnassigned };
  }, ctx.tenantId);
}

export async function agentId(tx: Tx, tenantId: number, email: string): Promise<number> {
  const row = await tx.selectFrom('agents').select('id').where('tenant_id', '=', tenantId).where('email', '=', email).executeTakeFirst();
  if (!row) {
    const known = (await tx.selectFrom('agents').select('email').where('tenant_id', '=', tenantId).execute()).map((r) => r.email);
    throw notFound(`agent ${email} not found${didYouMean(email, known, false)}`);
  }
  return row.id;
}
