import { conflict, invalid } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import { Email, Name, Phone, type Customer } from '../core/schemas.js';
import type { Tx } from '../store/store.js';
import { audit, findCustomer, organizationId, type EngineContext } from './context.js';

function customerQuery(tx: Tx, tenantId: number) {
  return tx
    .selectFrom('customers as c')
    .leftJoin('organizations as o', 'o.id', 'c.organization_id')
    .select(['c.id', 'c.email', 'c.name', 'c.phone', 'o.name as organization', 'c.is_manager', 'c.active', 'c.block_automatic', 'c.created_at'])
    .where('c.tenant_id', '=', tenantId)
    .where('c.deleted_at', 'is', null)
    .orderBy('c.id');
}

type CustomerRow = Awaited<ReturnType<ReturnType<typeof customerQuery>['executeTakeFirstOrThrow']>>;
const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  email: r.email,
  name: r.name,
  phone: r.phone,
  organization: r.organization,
  manager: r.is_manager === 1,
  active: r.active === 1,
  blockAutomaticMessages: r.block_automatic === 1,
  createdAt: r.created_at,
});

export async function listCustomers(ctx: EngineContext, filter: { org?: string; managers?: boolean } = {}): Promise<Customer[]> {
  const db = ctx.store.db;
  let q = customerQuery(db, ctx.tenantId);
  if (filter.org !== undefined) q = q.where('c.organization_id', '=', await organizationId(db, ctx.tenantId, filter.org));
  if (filter.managers) q = q.where('c.is_manager', '=', 1);
  return (await q.execute()).map(toCustomer);
}

export interface NewCustomer {
  email: string;
  name: string;
  org?: string;
  manager?: boolean;
  phone?: string;
  active?: boolean;
  blockAutomaticMessages?: boolean;
}

export async function addCustomer(ctx: EngineContext, input: NewCustomer): Promise<Customer> {
  const email = parseInput(Email, input.email, 'email');
  const name = parseInput(Name, input.name, 'name');
  const phone = input.phone === undefined ? null : parseInput(Phone, input.phone, 'phone');
  if (input.manager && !input.org) throw invalid('org: a manager belongs to an organization; give --org (R3)');
  return ctx.store.write(async (tx) => {
    const exists = await tx
      .selectFrom('customers')
      .select('id')
      .where('tenant_id', '=', ctx.tenantId)
      .where('email', '=', email)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (exists) throw conflict(`customer ${email} already exists`);
    const orgId = input.org === undefined ? null : await organizationId(tx, ctx.tenantId, input.org);
    const id = await insertCustomer(
      tx,
      ctx,
      { email, name, phone, organizationId: orgId, manager: Boolean(input.manager), active: input.active !== false, blockAutomatic: Boolean(input.blockAutomaticMessages) },
      { organization: input.org ?? null, manager: Boolean(input.manager) },
    );
    return toCustomer(await customerQuery(tx, ctx.tenantId).where('c.id', '=', id).executeTakeFirstOrThrow());
  }, ctx.tenantId);
}

/** A customer row as its writer takes it (values already checked). */
export interface NewCustomerRow {
  email: string;
  name: string;
  phone: string | null;
  organizationId: number | null;
  manager: boolean;
  active: boolean;
  blockAutomatic: boolean;
}

/** The one writer of a new customer row, with its audit row (`details` after the e-mail): `customers add`, a fixture, a customer registered from a WhatsApp conversation (R26). */
export async function insertCustomer(tx: Tx, ctx: EngineContext, c: NewCustomerRow, details: Record<string, unknown> = {}, at = ctx.now()): Promise<number> {
  const { id } = await tx
    .insertInto('customers')
    .values({
      tenant_id: ctx.tenantId,
      email: c.email,
      name: c.name,
      phone: c.phone,
      organization_id: c.organizationId,
      is_manager: c.manager ? 1 : 0,
      active: c.active ? 1 : 0,
      block_automatic: c.blockAutomatic ? 1 : 0,
      created_at: at.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, 'customer.add', 'customer', id, { email: c.email, ...details });
  return id;
}

export interface CustomerPatch {
  org?: string | null;
  manager?: boolean;
  active?: boolean;
  name?: string;
  phone?: string | null;
  /** R30: no automatic WhatsApp message for this customer. */
  blockAutomaticMessages?: boolean;
}

/** Changes a customer; setting what already holds is reported as unchanged. */
export async function setCustomer(ctx: EngineContext, emailIn: string, patch: CustomerPatch): Promise<Customer & { changed: boolean }> {
  const email = parseInput(Email, emailIn, 'email');
  const name = patch.name === undefined ? undefined : parseInput(Name, patch.name, 'name');
  const phone = patch.phone === undefined || patch.phone === null ? patch.phone : parseInput(Phone, patch.phone, 'phone');
  return ctx.store.write(async (tx) => {
    const before = await findCustomer(tx, ctx.tenantId, email);
    const next = {
      organization_id: patch.org === undefined ? before.organization_id : patch.org === null ? null : await organizationId(tx, ctx.tenantId, patch.org),
      is_manager: patch.manager === undefined ? before.is_manager : patch.manager ? 1 : 0,
      active: patch.active === undefined ? before.active : patch.active ? 1 : 0,
      name: name ?? before.name,
      phone: phone === undefined ? before.phone : phone,
      block_automatic: patch.blockAutomaticMessages === undefined ? before.block_automatic : patch.blockAutomaticMessages ? 1 : 0,
    };
    if (next.is_manager === 1 && next.organization_id === null) throw invalid(`manager: ${email} belongs to no organization, so cannot be its manager (R3)`);
    const changes = Object.fromEntries(
      Object.entries(next).filter(([k, v]) => before[k as keyof typeof before] !== v),
    );
    if (Object.keys(changes).length) {
      await tx.updateTable('customers').set(changes).where('id', '=', before.id).execute();
      await audit(tx, ctx, 'customer.set', 'customer', before.id, { email, ...changes });
    }
    const after = toCustomer(await customerQuery(tx, ctx.tenantId).where('c.id', '=', before.id).executeTakeFirstOrThrow());
    return { ...after, changed: Object.keys(changes).length > 0 };
  }, ctx.tenantId);
}

/** R15: removing a customer removes their pending drafts with them; their tickets stay. */
export async function removeCustomer(ctx: EngineContext, emailIn: string): Promise<{ removed: string; draftsRemoved: number }> {
  const email = parseInput(Email, emailIn, 'email');
  return ctx.store.write(async (tx) => {
    const c = await findCustomer(tx, ctx.tenantId, email);
    const drafts = await tx.deleteFrom('drafts').where('requester_id', '=', c.id).returning('id').execute();
    await tx
      .updateTable('customers')
      .set({ deleted_at: ctx.now().toISOString() })
      .where('id', '=', c.id)
      .execute();
    await audit(tx, ctx, 'customer.remove', 'customer', c.id, { email, draftsRemoved: drafts.map((d) => d.id) });
    return { removed: email, draftsRemoved: drafts.length };
  }, ctx.tenantId);
}
