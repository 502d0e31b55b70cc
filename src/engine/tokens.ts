import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { conflict, invalid, notFound } from '../core/errors.js';
import { Email, Name } from '../core/schemas.js';
import { parseInput } from '../core/validate.js';
import type { Store } from '../store/store.js';
import { audit, findCustomer, type EngineContext } from './context.js';

export const TOKEN_ROLES = ['admin', 'manager', 'customer'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export interface TokenInfo {
  name: string;
  role: TokenRole;
  customer: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Only a token's SHA-256 is stored: tokens are 256 random bits, so a fast hash is enough. */
export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Creates a bearer token; the token itself is returned this once and never stored. */
export async function createToken(
  ctx: EngineContext,
  input: { name: string; role: string; customer?: string | null },
): Promise<{ name: string; role: TokenRole; customer: string | null; token: string }> {
  const name = parseInput(Name, input.name, 'name');
  if (!(TOKEN_ROLES as readonly string[]).includes(input.role)) throw invalid(`role: expected one of ${TOKEN_ROLES.join(', ')}`);
  const role = input.role as TokenRole;
  const email = input.customer ? parseInput(Email, input.customer, 'customer') : null;
  if (role === 'admin' && email) throw invalid('customer: an admin token acts for the tenant, not for a customer (drop --customer)');
  if (role !== 'admin' && !email) throw invalid(`customer: a ${role} token needs --customer EMAIL`);
  return ctx.store.write(async (tx) => {
    const taken = await tx
      .selectFrom('api_tokens')
      .select('id')
      .where('tenant_id', '=', ctx.tenantId)
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (taken) throw conflict(`a token named "${name}" already exists (revoke it first)`);
    let customerId: number | null = null;
    if (email) {
      const c = await findCustomer(tx, ctx.tenantId, email);
      if (role === 'manager' && !(c.is_manager === 1 && c.active === 1)) throw invalid(`customer: ${email} is not an active manager (R3)`);
      customerId = c.id;
    }
    const token = `dsk_${randomBytes(32).toString('base64url')}`;
    await tx
      .insertInto('api_tokens')
      .values({ tenant_id: ctx.tenantId, name, role, customer_id: customerId, hash: hashToken(token), created_at: ctx.now().toISOString() })
      .execute();
    await audit(tx, ctx, 'token.create', 'token', name, { role, customer: email });
    return { name, role, customer: email, token };
  }, ctx.tenantId);
}

export async function listTokens(ctx: EngineContext): Promise<TokenInfo[]> {
  const rows = await ctx.store.db
    .selectFrom('api_tokens as k')
    .leftJoin('customers as c', 'c.id', 'k.customer_id')
    .select(['k.name', 'k.role', 'c.email', 'k.created_at', 'k.last_used_at'])
    .where('k.tenant_id', '=', ctx.tenantId)
    .where('k.revoked_at', 'is', null)
    .orderBy('k.id')
    .execute();
  return rows.map((r) => ({ name: r.name, role: r.role as TokenRole, customer: r.email, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

export async function revokeToken(ctx: EngineContext, name: string): Promise<{ revoked: string }> {
  return ctx.store.write(async (tx) => {
    const row = await tx
      .updateTable('api_tokens')
      .set({ revoked_at: ctx.now().toISOString() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw notFound(`no token named "${name}"`);
    await audit(tx, ctx, 'token.revoke', 'token', name);
    return { revoked: name };
  }, ctx.tenantId);
}

export interface Principal {
  tokenId: number;
  tokenName: string;
  tenantId: number;
  tenant: string;
  role: TokenRole;
  customerId: number | null;
}

/** Finds the live token behind a bearer string; the stored hash is compared in constant time. */
export async function authenticate(store: Store, token: string, at: Date): Promise<Principal | null> {
  if (!/^dsk_[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const hash = hashToken(token);
  const row = await store.db
    .selectFrom('api_tokens as k')
    .innerJoin('tenants as t', 't.id', 'k.tenant_id')
    .select(['k.id', 'k.name', 'k.hash', 'k.role', 'k.customer_id', 'k.tenant_id', 't.slug', 'k.last_used_at'])
    .where('k.hash', '=', hash)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
  // Record use at most once a minute, so reads do not each become a write. Bookkeeping, not a use
  // case: one guarded UPDATE of its own, outside the tenant's write lock (a request never queues
  // behind the tenant's writers to stamp it), and a stamp that cannot be made costs the request nothing.
  if (!row.last_used_at || at.getTime() - Date.parse(row.last_used_at) > 60_000) {
    const stale = new Date(at.getTime() - 60_000).toISOString();
    await store.db
      .updateTable('api_tokens')
      .set({ last_used_at: at.toISOString() })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
      .execute()
      .catch(() => undefined);
  }
  return { tokenId: row.id, tokenName: row.name, tenantId: row.tenant_id, tenant: row.slug, role: row.role as TokenRole, customerId: row.customer_id };
}
