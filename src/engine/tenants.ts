import { conflict, notFound } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import { Name, Slug, type Tenant } from '../core/schemas.js';
import type { Store } from '../store/store.js';
export { tenantIdBySlug } from './context.js';

const toTenant = (r: { slug: string; name: string; created_at: string }): Tenant => ({ slug: r.slug, name: r.name, createdAt: r.created_at });

export async function listTenants(store: Store): Promise<Tenant[]> {
  const rows = await store.db.selectFrom('tenants').select(['slug', 'name', 'created_at']).orderBy('id').execute();
  return rows.map(toTenant);
}


export async function createTenant(store: Store, actor: string, slugIn: string, nameIn: string | undefined, at: Date): Promise<Tenant> {
  const slug = parseInput(Slug, slugIn, 'slug');
  const name = parseInput(Name, nameIn ?? slug, 'name');
  return store.write(async (tx) => {
    const exists = await tx.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst();
    if (exists) throw conflict(`tenant "${slug}" already exists`);
    const row = await tx
      .insertInto('tenants')
      .values({ slug, name, created_at: at.toISOString() })
      .returning(['id', 'slug', 'name', 'created_at'])
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('audit')
      .values({ tenant_id: row.id, at: at.toISOString(), actor, action: 'tenant.create', entity: 'tenant', entity_id: slug, details: JSON.stringify({ name }) })
      .execute();
    return toTenant(row);
    // No tenant's lock: creating tenants is serialised by the lock of no tenant.
  }, null);
}

/** Removes a tenant and everything it owns (R1), recording the removal in the audit of no tenant. */
export async function removeTenant(store: Store, actor: string, slug: string, at: Date): Promise<{ removed: string }> {
  // The tenant's own lock: no use case of it runs while it goes.
  const known = await store.db.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst();
  return store.write(async (tx) => {
    const row = await tx.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst();
    if (!row) throw notFound(`tenant "${slug}" not found`);
    const id = row.id;
    // Children before parents; the tenant's own rows reference each other without cascades.
    for (const table of ['ticket_messages'] as const) {
      await tx.deleteFrom(table).where('ticket_id', 'in', tx.selectFrom('tickets').select('id').where('tenant_id', '=', id)).execute();
    }
    await tx.deleteFrom('idempotency_keys').where('token_id', 'in', tx.selectFrom('api_tokens').select('id').where('tenant_id', '=', id)).execute();
    await tx.deleteFrom('api_tokens').where('tenant_id', '=', id).execute();
    await tx.deleteFrom('agent_departments').where('agent_id', 'in', tx.selectFrom('agents').select('id').where('tenant_id', '=', id)).execute();
    for (const table of ['whatsapp_messages', 'conversations', 'notifications', 'audit', 'draft_decisions', 'ticket_participants', 'drafts', 'tickets', 'topics', 'approval_rules', 'agents', 'customers', 'categories', 'departments', 'settings'] as const) {
      await tx.deleteFrom(table).where('tenant_id', '=', id).execute();
    }
    await tx.updateTable('organizations').set({ parent_id: null }).where('tenant_id', '=', id).execute();
    await tx.deleteFrom('organizations').where('tenant_id', '=', id).execute();
    await tx.deleteFrom('tenants').where('id', '=', id).execute();
    await tx
      .insertInto('audit')
      .values({ tenant_id: null, at: at.toISOString(), actor, action: 'tenant.remove', entity: 'tenant', entity_id: slug, details: null })
      .execute();
    return { removed: slug };
  }, known?.id ?? null);
}
