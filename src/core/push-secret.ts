import { z } from 'zod';
import { unknownKeys } from './whatsapp-connection.js';

/*
 * The tenant's push secret (R33): the key of the HMAC-SHA256 that signs every push notification
 * POSTed to `notifications.pushUrl` (header X-Deskctl-Signature-256). Set from stdin only, never
 * returned, shown, logged or audited: what is shown is whether one is set and how it is stored.
 */

/** The fewest characters a push secret may have (`openssl rand -hex 32` gives 64). */
export const PUSH_SECRET_MIN = 16;

/** A push secret: checked without ever being repeated in a message. */
export const PushSecret = z
  .string({ error: (iss) => (iss.input === undefined ? 'required (text)' : 'expected text') })
  .min(PUSH_SECRET_MIN, `at least ${PUSH_SECRET_MIN} characters (make one with: openssl rand -hex 32)`)
  .max(4_096, 'at most 4,096 characters')
  .refine((s) => s.trim() === s, 'must not start or end with spaces or line breaks')
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'must not hold control or invisible characters');

/** `notifications push-secret --stdin` / PUT …/notifications/push-secret. An unknown key is named only when it reads as a field name (a pasted secret is counted, never repeated). */
export const PushSecretInput = z.strictObject(
  { secret: PushSecret },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? unknownKeys(iss.keys, ['secret']) : undefined) },
);
export type PushSecretRequest = z.input<typeof PushSecretInput>;

/** What is shown of the push set-up: the URL, and whether a secret is set (never the secret). */
export const PushSecretStatusShape = z.object({
  /** The setting `notifications.pushUrl` (null: unset). */
  pushUrl: z.string().nullable(),
  /** Whether a push secret is set. */
  set: z.boolean(),
  /** Sealed with AES-256-GCM under the operator's key (false: plain text in the database, or not set). */
  encrypted: z.boolean(),
  /** The fingerprint of the key that sealed it (null in plain text or not set). */
  keyId: z.string().nullable(),
  /** Whether the key given now is that key (null in plain text or not set). */
  keyMatches: z.boolean().nullable(),
  updatedAt: z.string().nullable(),
});
export type PushSecretStatus = z.infer<typeof PushSecretStatusShape>;

export const PushSecretSetShape = PushSecretStatusShape.extend({ changed: z.boolean(), replaced: z.boolean() });
export type PushSecretSetResult = z.infer<typeof PushSecretSetShape>;

export const PushSecretClearShape = z.object({ cleared: z.boolean() });
export type PushSecretClearResult = z.infer<typeof PushSecretClearShape>;
