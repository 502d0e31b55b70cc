import { createHash, timingSafeEqual } from 'node:crypto';
import { conflict } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import {
  SECRET_NAMES,
  WhatsappConnectInput,
  type WhatsappConnection,
  type WhatsappConnectResult,
  type WhatsappDisconnectResult,
  type WhatsappSecretValues,
  type WhatsappStatus,
} from '../core/whatsapp-connection.js';
import type { Store, Tx } from '../store/store.js';
import type { DB } from '../store/types.js';
import { audit, readSettings, type EngineContext } from './context.js';
import { keyFrom, seal, unseal, type KeySource, type SecretsKey } from './secrets.js';

/*
 * The tenant's WhatsApp connection (issue 15, point 6): Meta's phone number id, the display number
 * and three secrets — the app secret (it signs every webhook delivery, R32), the access token (it
 * sends messages) and the verify token (Meta's handshake when the webhook is set up). One per
 * tenant; a phone number id belongs to one tenant, since the webhook finds the tenant by it.
 * The secrets are never returned by anything here but connectionSecrets() and the webhook's
 * lookup, never audited (the audit says which were set) and, with a key, sealed at rest.
 */

type Row = DB['whatsapp_connections'];
const COLUMNS = { appSecret: 'app_secret', accessToken: 'access_token', verifyToken: 'verify_token' } as const;

/** What a sealed value is bound to: its tenant and its column (a value moved elsewhere does not open). */
const aad = (tenantId: number, column: string) => `deskctl whatsapp_connections ${tenantId} ${column}`;

export const verifyTokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const keyOf = (ctx: { secretsKey?: () => SecretsKey | null }) => ctx.secretsKey?.() ?? null;

function view(r: Pick<Row, 'phone_number_id' | 'display_number' | 'encrypted' | 'key_id' | 'created_at' | 'updated_at'>, key: SecretsKey | null): WhatsappConnection {
  const encrypted = r.encrypted === 1;
  return {
    phoneNumberId: r.phone_number_id,
    displayNumber: r.display_number,
    // connect takes all three, each non-empty: a stored connection has every one set.
    secrets: { appSecret: true, accessToken: true, verifyToken: true },
    encrypted,
    keyId: r.key_id,
    keyMatches: encrypted ? key !== null && key.id === r.key_id : null,
    connectedAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The three secrets of a row, opened (a missing or wrong key is a clear error, never garbage). */
function openSecrets(r: Pick<Row, 'tenant_id' | 'app_secret' | 'access_token' | 'verify_token' | 'encrypted' | 'key_id'>, key: SecretsKey | null): WhatsappSecretValues {
  const out = {} as WhatsappSecretValues;
  for (const name of SECRET_NAMES) {
    const column = COLUMNS[name];
    out[name] = r.encrypted === 1 ? unseal(key, r[column], aad(r.tenant_id, column), r.key_id, 'WhatsApp') : r[column];
  }
  return out;
}

/** The tenant's whatsapp.* settings (R24), as getSettings() has them. */
async function whatsappSettings(db: Tx, tenantId: number): Promise<Record<string, unknown>> {
  const all = (await readSettings(db, tenantId)) as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('whatsapp.')));
}

/**
 * Connects the tenant to a WhatsApp Business number, or replaces its connection (new secrets, a
 * new number): one transaction, audited as `whatsapp.connect` with which secrets were set, never
 * their values. The same connection again, stored the same way, is reported unchanged.
 */
export async function connectWhatsapp(ctx: EngineContext, input: unknown): Promise<WhatsappConnectResult> {
  const i = parseInput(WhatsappConnectInput, input);
  const key = keyOf(ctx);
  const display = i.displayNumber ?? null;
  return ctx.store.write(async (tx) => {
    const taken = await tx.selectFrom('whatsapp_connections').select('tenant_id').where('phone_number_id', '=', i.phoneNumberId).executeTakeFirst();
    if (taken && taken.tenant_id !== ctx.tenantId) throw conflict(`phoneNumberId: the phone number id ${i.phoneNumberId} is connected to another tenant (disconnect it there first)`);
    const before = await tx.selectFrom('whatsapp_connections').selectAll().where('tenant_id', '=', ctx.tenantId).executeTakeFirst();
    if (before && before.phone_number_id === i.phoneNumberId && before.display_number === display && (before.encrypted === 1) === (key !== null) && before.key_id === (key?.id ?? null)) {
      let same = false;
      try {
        const stored = openSecrets(before, key);
        same = SECRET_NAMES.every((n) => stored[n] === i.secrets[n]);
      } catch {
        same = false;
      }
      if (same) return { ...view(before, key), changed: false, replaced: false };
    }
    const at = ctx.now().toISOString();
    const stored = (name: keyof typeof COLUMNS) => (key ? seal(key, i.secrets[name], aad(ctx.tenantId, COLUMNS[name])) : i.secrets[name]);
    const values = {
      phone_number_id: i.phoneNumberId,
      display_number: display,
      app_secret: stored('appSecret'),
      access_token: stored('accessToken'),
      verify_token: stored('verifyToken'),
      verify_token_hash: verifyTokenHash(i.secrets.verifyToken),
      encrypted: key ? 1 : 0,
      key_id: key?.id ?? null,
      updated_at: at,
    };
    if (before) await tx.updateTable('whatsapp_connections').set(values).where('tenant_id', '=', ctx.tenantId).execute();
    else await tx.insertInto('whatsapp_connections').values({ ...values, tenant_id: ctx.tenantId, created_at: at }).execute();
    await audit(tx, ctx, 'whatsapp.connect', 'whatsapp', i.phoneNumberId, {
      phoneNumberId: i.phoneNumberId,
      displayNumber: display,
      secretsSet: [...SECRET_NAMES],
      encrypted: key !== null,
      ...(before ? { replaced: before.phone_number_id } : {}),
    });
    const row = { ...values, created_at: before?.created_at ?? at };
    return { ...view(row, key), changed: true, replaced: before !== undefined };
  }, ctx.tenantId);
}

/** `whatsapp show`: the connection (never a secret) and the whatsapp.* settings. */
export async function whatsappStatus(ctx: EngineContext): Promise<WhatsappStatus> {
  const row = await ctx.store.db
    .selectFrom('whatsapp_connections')
    .select(['phone_number_id', 'display_number', 'encrypted', 'key_id', 'created_at', 'updated_at'])
    .where('tenant_id', '=', ctx.tenantId)
    .executeTakeFirst();
  // Only whether the key given is the one that sealed them is said: show opens no secret.
  const key = row?.encrypted === 1 ? keyOf(ctx) : null;
  return { connection: row ? view(row, key) : null, settings: await whatsappSettings(ctx.store.db, ctx.tenantId) };
}

/** Removes the tenant's connection (its secrets with it); not connected is reported, not failed. */
export async function disconnectWhatsapp(ctx: EngineContext): Promise<WhatsappDisconnectResult> {
  return ctx.store.write(async (tx) => {
    const row = await tx.deleteFrom('whatsapp_connections').where('tenant_id', '=', ctx.tenantId).returning('phone_number_id').executeTakeFirst();
    if (!row) return { disconnected: false, phoneNumberId: null };
    await audit(tx, ctx, 'whatsapp.disconnect', 'whatsapp', row.phone_number_id, { phoneNumberId: row.phone_number_id });
    return { disconnected: true, phoneNumberId: row.phone_number_id };
  }, ctx.tenantId);
}

/** The tenant's connection with its secrets opened, for sending messages; null when not connected. */
export async function connectionSecrets(
  ctx: EngineContext,
): Promise<({ phoneNumberId: string; displayNumber: string | null } & WhatsappSecretValues) | null> {
  return connectionSecretsOf(ctx.store.db, ctx.tenantId, () => keyOf(ctx));
}

/**
 * connectionSecrets() for a tenant by id (the WhatsApp channel of the dispatcher, which serves
 * every tenant): the key is asked for only when the secrets are sealed.
 */
export async function connectionSecretsOf(
  db: Tx,
  tenantId: number,
  key: KeySource,
): Promise<({ phoneNumberId: string; displayNumber: string | null } & WhatsappSecretValues) | null> {
  const row = await db.selectFrom('whatsapp_connections').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) return null;
  return { phoneNumberId: row.phone_number_id, displayNumber: row.display_number, ...openSecrets(row, row.encrypted === 1 ? keyFrom(key) : null) };
}

export interface WebhookTenant {
  tenantId: number;
  tenant: string;
  phoneNumberId: string;
  appSecret: string;
}

/**
 * The webhook's lookup (R32): the tenant and the app secret of each phone number id a delivery
 * names; an id that is not connected is missing from the map. One query.
 */
export async function webhookTenants(store: Store, phoneNumberIds: readonly string[], key: () => SecretsKey | null): Promise<Map<string, WebhookTenant>> {
  const out = new Map<string, WebhookTenant>();
  if (phoneNumberIds.length === 0) return out;
  const rows = await store.db
    .selectFrom('whatsapp_connections as w')
    .innerJoin('tenants as t', 't.id', 'w.tenant_id')
    .select(['w.tenant_id', 't.slug', 'w.phone_number_id', 'w.app_secret', 'w.encrypted', 'w.key_id'])
    .where('w.phone_number_id', 'in', [...phoneNumberIds])
    .execute();
  for (const r of rows) {
    const appSecret = r.encrypted === 1 ? unseal(key(), r.app_secret, aad(r.tenant_id, 'app_secret'), r.key_id, 'WhatsApp') : r.app_secret;
    out.set(r.phone_number_id, { tenantId: r.tenant_id, tenant: r.slug, phoneNumberId: r.phone_number_id, appSecret });
  }
  return out;
}

/** Meta's handshake: whether a verify token is a connected tenant's (looked up by its SHA-256, compared in constant time). */
export async function verifyTokenKnown(store: Store, token: string): Promise<boolean> {
  const hash = verifyTokenHash(token);
  const row = await store.db.selectFrom('whatsapp_connections').select('verify_token_hash').where('verify_token_hash', '=', hash).executeTakeFirst();
  return row !== undefined && timingSafeEqual(Buffer.from(row.verify_token_hash, 'hex'), Buffer.from(hash, 'hex'));
}
