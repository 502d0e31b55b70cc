import { z } from 'zod';
import { closest } from './suggest.js';

/*
 * The WhatsApp connection of a tenant (issue 15, point 6): its input and what is shown of it.
 * The secrets are checked without ever repeating them: no message quotes a value, and an unknown
 * key is named only when it is a near miss of a known one (a key could be a pasted secret).
 */

export const SECRET_NAMES = ['appSecret', 'accessToken', 'verifyToken'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

const SECRETS_SHAPE = '{"appSecret":"…","accessToken":"…","verifyToken":"…"}';

/**
 * zod's words for unknown keys, naming only keys that read as field names (letters and `_`, at most
 * 32: `categroy`, `app_secret`) or that are a near miss of a known one; any other key (digits,
 * symbols, a long string: what a pasted secret looks like) is counted, never repeated.
 */
export function unknownKeys(keys: readonly PropertyKey[], known: readonly string[]): string {
  const named: string[] = [];
  let others = 0;
  for (const k of keys) {
    const key = String(k);
    const near = key.length <= 32 ? closest(key, known, 1)[0] : undefined;
    if (near || /^[A-Za-z][A-Za-z_]{0,31}$/.test(key)) named.push(`"${key}"${near ? ` (did you mean "${near}"?)` : ''}`);
    else others++;
  }
  const expected = `expected only ${known.length > 1 ? `${known.slice(0, -1).join(', ')} and ` : ''}${known.at(-1)}`;
  const unnamed = others ? `${others === 1 ? 'an unknown key' : `${others} unknown keys`} (not repeated here: one could hold a secret)` : '';
  if (named.length === 0) return `${unnamed}; ${expected}`;
  return `Unrecognized key${named.length > 1 ? 's' : ''}: ${named.join(', ')}${unnamed ? ` and ${unnamed}` : ''}; ${expected}`;
}

const secret = () =>
  z
    .string({ error: (iss) => (iss.input === undefined ? 'required (text)' : 'expected text') })
    .min(1, 'must not be empty')
    .max(4_096, 'at most 4,096 characters')
    .refine((s) => s.trim() === s, 'must not start or end with spaces or line breaks')
    .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'must not hold control or invisible characters');

/** The three secrets, strictly: each present and non-empty, nothing else. */
export const WhatsappSecrets = z.strictObject(
  { appSecret: secret(), accessToken: secret(), verifyToken: secret() },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? unknownKeys(iss.keys, SECRET_NAMES) : iss.code === 'invalid_type' ? `expected a JSON object ${SECRETS_SHAPE}` : undefined,
  },
);
export type WhatsappSecretValues = z.infer<typeof WhatsappSecrets>;

/** Meta's id of the business phone number (WhatsApp > API Setup): digits. */
export const PhoneNumberId = z
  .string({ error: 'required: the phone number id Meta shows (WhatsApp > API Setup)' })
  .trim()
  .regex(/^\d{1,30}$/, 'expected the digits of the phone number id Meta shows (WhatsApp > API Setup)');

/** The business number as people dial it (`+55 11 91234-5678`); 8 to 15 digits. */
export const DisplayNumber = z
  .string()
  .trim()
  .refine((s) => /^\+?[\d\s().-]+$/.test(s) && s.replace(/\D/g, '').length >= 8 && s.replace(/\D/g, '').length <= 15, 'expected a phone number such as +55 11 91234-5678');

/** `whatsapp connect` / PUT …/whatsapp/connection. */
export const WhatsappConnectInput = z.strictObject(
  {
    phoneNumberId: PhoneNumberId,
    displayNumber: DisplayNumber.nullish(),
    secrets: WhatsappSecrets,
  },
  // A key of the body is not repeated either, unless it is a near miss: a secret may be pasted as one.
  { error: (iss) => (iss.code === 'unrecognized_keys' ? unknownKeys(iss.keys, ['phoneNumberId', 'displayNumber', 'secrets']) : undefined) },
);
export type WhatsappConnectRequest = z.input<typeof WhatsappConnectInput>;

/** What is shown of a connection: never a secret, only whether each is set and how it is stored. */
export const WhatsappConnectionShape = z.object({
  phoneNumberId: z.string(),
  displayNumber: z.string().nullable(),
  secrets: z.object({ appSecret: z.boolean(), accessToken: z.boolean(), verifyToken: z.boolean() }),
  /** Sealed with AES-256-GCM under the operator's key (else plain text in the database). */
  encrypted: z.boolean(),
  /** The fingerprint of the key that sealed them (null in plain text). */
  keyId: z.string().nullable(),
  /** Whether the key given now is that key (null in plain text). */
  keyMatches: z.boolean().nullable(),
  connectedAt: z.string(),
  updatedAt: z.string(),
});
export type WhatsappConnection = z.infer<typeof WhatsappConnectionShape>;

export const WhatsappConnectResultShape = WhatsappConnectionShape.extend({ changed: z.boolean(), replaced: z.boolean() });
export type WhatsappConnectResult = z.infer<typeof WhatsappConnectResultShape>;

export const WhatsappStatusShape = z.object({
  connection: WhatsappConnectionShape.nullable(),
  /** The tenant's whatsapp.* settings (R24). */
  settings: z.record(z.string(), z.unknown()),
});
export type WhatsappStatus = z.infer<typeof WhatsappStatusShape>;

export const WhatsappDisconnectShape = z.object({ disconnected: z.boolean(), phoneNumberId: z.string().nullable() });
export type WhatsappDisconnectResult = z.infer<typeof WhatsappDisconnectShape>;
