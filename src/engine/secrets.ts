import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DeskctlError } from '../core/errors.js';

/**
 * Secrets at rest (the WhatsApp connection's app secret, access token and verify token; the push
 * secret in tenant_secrets): sealed with AES-256-GCM under the operator's key when one is given
 * (DESKCTL_SECRETS_KEY or DESKCTL_SECRETS_KEY_FILE, read in config/secrets-key.ts), stored as
 * given otherwise. A sealed value is `v1.<base64url of iv (12 bytes) | tag (16 bytes) |
 * ciphertext>`, bound to where it is stored (the additional data names the tenant and the column),
 * so a value copied to another row or column does not open. A wrong key is said as such, never
 * read as garbage: GCM's tag fails.
 */

export interface SecretsKey {
  readonly key: Buffer;
  /** A fingerprint that names the key (12 hex digits of a SHA-256 over it), safe to store and show. */
  readonly id: string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'v1.';

export const keyIdOf = (key: Buffer) => createHash('sha256').update('deskctl secrets key id\0').update(key).digest('hex').slice(0, 12);

/**
 * A key given as base64 (or base64url) of 32 bytes; `from` names where it came from for the error,
 * which never repeats the value.
 */
export function parseSecretsKey(text: string, from: string): SecretsKey {
  const t = text.trim();
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(t) ? Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    throw new DeskctlError('invalid_input', `${from}: expected the base64 of 32 random bytes (make one with: openssl rand -base64 32)`);
  }
  return { key, id: keyIdOf(key) };
}

/** Seals `plain` under the key for the place `aad` names. */
export function seal(k: SecretsKey, plain: string, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', k.key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

/**
 * The sealed value's text, or the clear `unavailable` error of a missing, other or failing key;
 * `again` says how the secrets are given anew (`connect again`, `set it again`).
 */
export function unseal(k: SecretsKey | null, sealed: string, aad: string, storedKeyId: string | null, what: string, again = 'connect again'): string {
  if (!k) {
    throw new DeskctlError(
      'unavailable',
      `the ${what} secrets are stored encrypted (key ${storedKeyId}) and no key was given: set DESKCTL_SECRETS_KEY or DESKCTL_SECRETS_KEY_FILE to the key they were stored with`,
    );
  }
  if (storedKeyId !== null && storedKeyId !== k.id) {
    throw new DeskctlError(
      'unavailable',
      `the ${what} secrets were encrypted with key ${storedKeyId}, but the key given (DESKCTL_SECRETS_KEY or DESKCTL_SECRETS_KEY_FILE) is key ${k.id}: give the key they were stored with, or ${again}`,
    );
  }
  const raw = sealed.startsWith(PREFIX) ? Buffer.from(sealed.slice(PREFIX.length), 'base64url') : Buffer.alloc(0);
  if (raw.length < IV_BYTES + TAG_BYTES) throw new DeskctlError('unavailable', `the ${what} secrets cannot be read: a stored value is not a sealed secret (altered in the database?)`);
  try {
    const d = createDecipheriv('aes-256-gcm', k.key, raw.subarray(0, IV_BYTES));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([d.update(raw.subarray(IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
  } catch {
    throw new DeskctlError('unavailable', `the ${what} secrets do not decrypt with key ${k.id} (was it altered in the database?)`);
  }
}

/** The key, or how to get it when it is needed (EngineContext.secretsKey reads its file on first use). */
export type KeySource = SecretsKey | null | (() => SecretsKey | null);
export const keyFrom = (source: KeySource): SecretsKey | null => (typeof source === 'function' ? source() : source);
