import { DeskctlError } from '../core/errors.js';
import type { Tx } from '../store/store.js';
import type { EngineContext } from './context.js';

/** A request's Idempotency-Key, who sent it, and a hash of what it asked. */
export interface IdempotencyGuard {
  tokenId: number;
  key: string;
  requestHash: string;
}

/** Keys are remembered this long (Stripe's convention). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/**
 * Runs `fn` once per key, inside the caller's transaction: the key is stored with the answer in
 * the same commit, so a replay (same key, same request) returns the first answer and changes
 * nothing, and the same key with a different request is refused (HTTP 422).
 */
export async function once<T>(tx: Tx, ctx: EngineContext, guard: IdempotencyGuard | undefined, fn: () => Promise<T>): Promise<T> {
  if (!guard) return fn();
  const now = ctx.now();
  // This token's expired keys (another tenant's are that tenant's to expire, under its own lock).
  await tx
    .deleteFrom('idempotency_keys')
    .where('token_id', '=', guard.tokenId)
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString())
    .execute();
  const prior = await tx
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response'])
    .where('token_id', '=', guard.tokenId)
    .where('key', '=', guard.key)
    .executeTakeFirst();
  if (prior) {
    if (prior.request_hash !== guard.requestHash) {
      throw new DeskctlError('invalid_input', `Idempotency-Key "${guard.key}" was already used for a different request`, { httpStatus: 422 });
    }
    return JSON.parse(prior.response) as T;
  }
  const result = await fn();
  await tx
    .insertInto('idempotency_keys')
    .values({ token_id: guard.tokenId, key: guard.key, request_hash: guard.requestHash, status: 200, response: JSON.stringify(result), created_at: now.toISOString() })
    .execute();
  return result;
}
