import type { Selectable } from 'kysely';
import { PushSecretInput, type PushSecretClearResult, type PushSecretSetResult, type PushSecretStatus } from '../core/push-secret.js';
import { parseInput } from '../core/validate.js';
import type { Tx } from '../store/store.js';
import type { DB } from '../store/types.js';
import { audit, readSettings, type EngineContext } from './context.js';
import { keyFrom, seal, unseal, type KeySource, type SecretsKey } from './secrets.js';

/*
 * The tenant's push secret (R33): one row of tenant_secrets, name 'push', as given or sealed with
 * the operator's key (engine/secrets.ts, as the WhatsApp connection's secrets are). It signs the
 * push notifications (delivery/push.ts); nothing here returns it but pushSecretOf(), which only
 * the push channel calls. The audit says that it was set or cleared, and how it is stored, never
 * its value.
 */

const NAME = 'push';
type Row = Selectable<DB['tenant_secrets']>;

/** What a sealed push secret is bound to: its tenant and its name (a value moved elsewhere does not open). */
const aad = (tenantId: number) => `deskctl tenant_secrets ${tenantId} ${NAME}`;

const keyOf = (ctx: { secretsKey?: () => SecretsKey | null }) => ctx.secretsKey?.() ?? null;

function view(pushUrl: string | null, r: Pick<Row, 'encrypted' | 'key_id' | 'updated_at'> | undefined, key: SecretsKey | null): PushSecretStatus {
  if (!r) return { pushUrl, set: false, encrypted: false, keyId: null, keyMatches: null, updatedAt: null };
  const encrypted = r.encrypted === 1;
  return { pushUrl, set: true, encrypted, keyId: r.key_id, keyMatches: encrypted ? key !== null && key.id === r.key_id : null, updatedAt: r.updated_at };
}

const open = (r: Pick<Row, 'tenant_id' | 'value' | 'encrypted' | 'key_id'>, key: KeySource) =>
  r.encrypted === 1 ? unseal(keyFrom(key), r.value, aad(r.tenant_id), r.key_id, 'push', 'set it again (deskctl notifications push-secret --stdin)') : r.value;

const pushUrlOf = async (db: Tx, tenantId: number) => (await readSettings(db, tenantId))['notifications.pushUrl'];

/**
 * Sets (or replaces) the push secret: one transaction, audited as `push-secret.set` without the
 * value. The same secret again, stored the same way, is reported unchanged and writes nothing.
 */
export async function setPushSecret(ctx: EngineContext, input: unknown): Promise<PushSecretSetResult> {
  const { secret } = parseInput(PushSecretInput, input);
  const key = keyOf(ctx);
  return ctx.store.write(async (tx) => {
    const pushUrl = await pushUrlOf(tx, ctx.tenantId);
    const before = await tx.selectFrom('tenant_secrets').selectAll().where('tenant_id', '=', ctx.tenantId).where('name', '=', NAME).executeTakeFirst();
    if (before && (before.encrypted === 1) === (key !== null) && before.key_id === (key?.id ?? null)) {
      let same = false;
      try {
        same = open(before, key) === secret;
      } catch {
        same = false;
      }
      if (same) return { ...view(pushUrl, before, key), changed: false, replaced: false };
    }
    const values = { value: key ? seal(key, secret, aad(ctx.tenantId)) : secret, encrypted: key ? 1 : 0, key_id: key?.id ?? null, updated_at: ctx.now().toISOString() };
    if (before) await tx.updateTable('tenant_secrets').set(values).where('tenant_id', '=', ctx.tenantId).where('name', '=', NAME).execute();
    else await tx.insertInto('tenant_secrets').values({ ...values, tenant_id: ctx.tenantId, name: NAME }).execute();
    await audit(tx, ctx, 'push-secret.set', 'tenant_secret', NAME, { encrypted: key !== null, ...(key ? { keyId: key.id } : {}), replaced: before !== undefined });
    return { ...view(pushUrl, values, key), changed: true, replaced: before !== undefined };
  }, ctx.tenantId);
}

/** Removes the push secret (push notifications then wait until one is set); none is reported, not failed. */
export async function clearPushSecret(ctx: EngineContext): Promise<PushSecretClearResult> {
  return ctx.store.write(async (tx) => {
    const row = await tx.deleteFrom('tenant_secrets').where('tenant_id', '=', ctx.tenantId).where('name', '=', NAME).returning('name').executeTakeFirst();
    if (!row) return { cleared: false };
    await audit(tx, ctx, 'push-secret.clear', 'tenant_secret', NAME);
    return { cleared: true };
  }, ctx.tenantId);
}

/** `notifications push-secret`: the push URL, and whether a secret is set and how it is stored (it opens nothing). */
export async function pushSecretStatus(ctx: EngineContext): Promise<PushSecretStatus> {
  const row = await ctx.store.db
    .selectFrom('tenant_secrets')
    .select(['encrypted', 'key_id', 'updated_at'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('name', '=', NAME)
    .executeTakeFirst();
  return view(await pushUrlOf(ctx.store.db, ctx.tenantId), row, row?.encrypted === 1 ? keyOf(ctx) : null);
}

/**
 * The tenant's push secret, opened, for signing (delivery/push.ts); null when none is set. The key
 * is asked for only when the secret is sealed; a missing or other key is a clear `unavailable`
 * error naming the key ids, never the secret.
 */
export async function pushSecretOf(db: Tx, tenantId: number, key: KeySource): Promise<string | null> {
  const row = await db.selectFrom('tenant_secrets').selectAll().where('tenant_id', '=', tenantId).where('name', '=', NAME).executeTakeFirst();
  return row ? open(row, key) : null;
}
