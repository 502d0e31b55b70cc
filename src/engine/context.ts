import { sql } from 'kysely';
import { notFound } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, type NotificationKind, type SettingKey, type Settings } from '../core/model.js';
import type { Store, Tx } from '../store/store.js';
import type { SecretsKey } from './secrets.js';
import type { DeliverySetup } from '../delivery/dispatcher.js';

/** Who is acting: the tenant's admin (the local operator or an admin token) or a customer (`--as`). */
export type Actor =
  | { kind: 'admin'; name: string }
  | { kind: 'manager'; name: string; customerId: number; organizationIds: number[] }
  | { kind: 'customer'; name: string; customerId: number };

export interface EngineContext {
  store: Store;
  tenantId: number;
  actor: Actor;
  now: () => Date;
  /** Drafts decided per transaction (default DECIDE_CHUNK); smaller values interleave concurrent deciders in tests. */
  chunkSize?: number;
  /** The operator's key for secrets at rest (DESKCTL_SECRETS_KEY…), read on first use; null when none is given. */
  secretsKey?: () => SecretsKey | null;
  /** R33: the channels, renderer and reminders of this process's dispatcher, opened on first use. */
  delivery?: () => Promise<DeliverySetup>;
  /** Closes what delivery() opened (the SMTP pool), if it was. */
  closeDelivery?: () => Promise<void>;
  /** Ends a long job early (a delivery run stops taking new messages). */
  signal?: AbortSignal;
}

export const actorLabel = (a: Actor) => (a.kind === 'admin' ? a.name : `${a.kind}:${a.name}`);

/** Records one audit row in the caller's transaction (every mutation has one). */
export async function audit(
  tx: Tx,
  ctx: EngineContext,
  action: string,
  entity: string,
  entityId: string | number | null,
  details?: Record<string, unknown>,
): Promise<void> {
  await tx
    .insertInto('audit')
    .values({
      tenant_id: ctx.tenantId,
      at: ctx.now().toISOString(),
      actor: actorLabel(ctx.actor),
      action,
      entity,
      entity_id: entityId === null ? null : String(entityId),
      details: details ? JSON.stringify(details) : null,
    })
    .execute();
}

export interface OutboxMessage {
  kind: NotificationKind;
  channel: 'email' | 'push' | 'whatsapp';
  to: string;
  subject: string;
  /** The whole text, when the subject does not say it all (a WhatsApp message). */
  body?: string;
  refType: 'ticket' | 'draft' | 'conversation' | 'customer';
  refId: number;
  /** R34: the ticket message the change wrote with it (what its template calls `message`). */
  ticketMessageId?: number;
}

/** R11: what a draft's managers are told, by e-mail and by push (one notification each). */
export const toManagers = (managers: readonly { email: string }[], kind: NotificationKind, draftId: number, subject: string): OutboxMessage[] =>
  managers.flatMap((m) => (['email', 'push'] as const).map((channel) => ({ kind, channel, to: m.email, subject, refType: 'draft' as const, refId: draftId })));

/** Queues notifications in the caller's transaction (R22: committed with the change, or not at all); returns their ids in order. */
export async function notify(tx: Tx, ctx: EngineContext, messages: OutboxMessage[]): Promise<number[]> {
  if (messages.length === 0) return [];
  const at = ctx.now().toISOString();
  const rows = await tx
    .insertInto('notifications')
    .values(
      messages.map((m) => ({
        tenant_id: ctx.tenantId,
        kind: m.kind,
        channel: m.channel,
        to_address: m.to,
        subject: m.subject,
        body: m.body ?? null,
        ref_type: m.refType,
        ref_id: m.refId,
        ...(m.ticketMessageId === undefined ? {} : { ticket_message_id: m.ticketMessageId }),
        created_at: at,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function readSettings(tx: Tx, tenantId: number): Promise<Settings> {
  const rows = await tx.selectFrom('settings').select(['key', 'value']).where('tenant_id', '=', tenantId).execute();
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const r of rows) if ((SETTING_KEYS as string[]).includes(r.key)) out[r.key as SettingKey] = JSON.parse(r.value);
  return out as unknown as Settings;
}

/** Names are stored in NFC (core/schemas.ts Name): a name looked up is too, however it was typed. */
const nfc = (name: string) => name.normalize('NFC');

export async function departmentId(tx: Tx, tenantId: number, name: string): Promise<number> {
  const row = await tx.selectFrom('departments').select('id').where('tenant_id', '=', tenantId).where('name', '=', nfc(name)).executeTakeFirst();
  if (!row) {
    const known = await tx.selectFrom('departments').select('name').where('tenant_id', '=', tenantId).execute();
    throw notFound(`department "${name}" not found${didYouMean(name, known.map((r) => r.name))}`);
  }
  return row.id;
}

export async function categoryId(tx: Tx, tenantId: number, departmentIdValue: number, department: string, name: string): Promise<number> {
  const row = await tx
    .selectFrom('categories')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('department_id', '=', departmentIdValue)
    .where('name', '=', nfc(name))
    .executeTakeFirst();
  if (!row) {
    const known = await tx.selectFrom('categories').select('name').where('tenant_id', '=', tenantId).where('department_id', '=', departmentIdValue).execute();
    throw notFound(`category "${name}" not found in department "${department}"${didYouMean(name, known.map((r) => r.name))}`);
  }
  return row.id;
}

export async function organizationId(tx: Tx, tenantId: number, name: string): Promise<number> {
  const row = await tx.selectFrom('organizations').select('id').where('tenant_id', '=', tenantId).where('name', '=', nfc(name)).executeTakeFirst();
  if (!row) {
    const known = await tx.selectFrom('organizations').select('name').where('tenant_id', '=', tenantId).execute();
    throw notFound(`organization "${name}" not found${didYouMean(name, known.map((r) => r.name))}`);
  }
  return row.id;
}

export interface CustomerRow {
  id: number;
  email: string;
  name: string;
  phone: string | null;
  organization_id: number | null;
  is_manager: number;
  active: number;
  block_automatic: number;
}

/** The columns of a CustomerRow. */
export const CUSTOMER_COLUMNS = ['id', 'email', 'name', 'phone', 'organization_id', 'is_manager', 'active', 'block_automatic'] as const;

export async function findCustomer(tx: Tx, tenantId: number, email: string): Promise<CustomerRow> {
  const row = await tx
    .selectFrom('customers')
    .select(CUSTOMER_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) {
    const known = await tx.selectFrom('customers').select('email').where('tenant_id', '=', tenantId).where('deleted_at', 'is', null).execute();
    throw notFound(`customer ${email} not found${didYouMean(email, known.map((r) => r.email), false)}`);
  }
  return row;
}

/** An organization and its direct children: the reach of its managers (R13). */
export async function organizationWithChildren(tx: Tx, tenantId: number, orgId: number): Promise<number[]> {
  const children = await tx
    .selectFrom('organizations')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('parent_id', '=', orgId)
    .execute();
  return [orgId, ...children.map((c) => c.id)];
}

/** R3/R11/R13: the customers who decide drafts: managers, active, not removed (filter them further by organization). */
export const activeManagersQuery = (db: Tx) => db.selectFrom('customers').where('is_manager', '=', 1).where('active', '=', 1).where('deleted_at', 'is', null);

/** R3/R11: the active managers of an organization and of its parent (not deleted, active). */
export async function activeManagers(tx: Tx, tenantId: number, orgId: number): Promise<{ id: number; email: string; organization_id: number }[]> {
  const rows = await activeManagersQuery(tx)
    .select(['id', 'email', 'organization_id'])
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('organization_id', '=', orgId),
        eb('organization_id', '=', eb.selectFrom('organizations').select('parent_id').where('id', '=', orgId)),
      ]),
    )
    .orderBy('id')
    .execute();
  return rows as { id: number; email: string; organization_id: number }[];
}

/** Reserves `count` protocol numbers of the tenant; returns the first. */
export async function reserveProtocols(tx: Tx, tenantId: number, count: number): Promise<number> {
  const row = await tx
    .updateTable('tenants')
    .set({ protocol_seq: sql`protocol_seq + ${count}` })
    .where('id', '=', tenantId)
    .returning('protocol_seq')
    .executeTakeFirstOrThrow();
  return row.protocol_seq - count + 1;
}

/** Protocol numbers are `<year>-<sequence>`, unique in the tenant (R17). */
export const formatProtocol = (year: number, seq: number) => `${year}-${String(seq).padStart(6, '0')}`;

export function dueAt(created: Date, forecastHours: number): string {
  return new Date(created.getTime() + forecastHours * 3_600_000).toISOString();
}

/** The id of a tenant by its slug (R1: every use case is scoped by it). */
export async function tenantIdBySlug(store: Store, slug: string): Promise<number> {
  const row = await store.db.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst();
  if (!row) {
    const known = await store.db.selectFrom('tenants').select('slug').execute();
    const close = didYouMean(slug, known.map((r) => r.slug));
    throw notFound(`tenant "${slug}" not found${close || ' (deskctl tenants list shows the tenants)'}`);
  }
  return row.id;
}
