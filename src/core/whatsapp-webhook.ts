import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { formatIssues } from './validate.js';

/*
 * The WhatsApp Cloud API webhook (R31, R32), as Meta sends it: the signature over the raw body and
 * the payload's shape. Pure: the server reads the bytes and the store, this says what they mean.
 *
 * The payload is checked the way WhatsApp writes it: the fields deskctl reads must be there with
 * their types (else 400 naming the path); fields WhatsApp adds that deskctl does not read pass
 * through untouched, and so do message types it does not know (their text is null).
 */

/** `sha256=` and 64 lower-case hex digits: the only form of X-Hub-Signature-256 Meta sends. */
const SIGNATURE = /^sha256=([0-9a-f]{64})$/;

/** Whether a header is well formed (checked from the headers alone, before the body is read). */
export const signatureWellFormed = (header: string | undefined): header is string => header !== undefined && SIGNATURE.test(header);

/**
 * R32: whether `header` is the HMAC-SHA256 of the raw body under the app secret, compared in
 * constant time over two 32-byte digests (a header of another length never reaches the comparison).
 */
export function signatureValid(raw: Buffer, header: string | undefined, appSecret: string): boolean {
  const m = header === undefined ? null : SIGNATURE.exec(header);
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The header Meta would send for this body under this app secret (tests, the bench, examples); push notifications are signed with it too (R33, delivery/push.ts). */
export const signatureOf = (raw: Buffer | string, appSecret: string) => `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;

const text = z.string();
const optionalText = z.string().optional();
/** WhatsApp writes numbers as digits (`16505551234`); wa_id and from are compared as digits only. */
const digits = z.string().regex(/^\d{1,32}$/, 'expected the digits of a phone number');
/** Unix seconds, as a string of digits (WhatsApp's way) or a number. */
const seconds = z.union([z.string().regex(/^\d{1,12}$/, 'expected Unix seconds'), z.number().int().nonnegative().max(1e12)], { error: 'expected Unix seconds' });

const media = z.looseObject({ id: text, mime_type: optionalText, sha256: optionalText, caption: optionalText, url: optionalText });

/** The object each known message type carries under its own name (`"type":"image","image":{…}`). */
const TYPE_BODIES: Record<string, z.ZodType> = {
  text: z.looseObject({ body: text }),
  image: media,
  video: media,
  audio: media,
  sticker: media,
  document: media.extend({ filename: optionalText }),
  location: z.looseObject({ latitude: z.number(), longitude: z.number(), name: optionalText, address: optionalText }),
  contacts: z.array(z.looseObject({ name: z.looseObject({ formatted_name: optionalText }).optional() })),
  interactive: z.looseObject({
    type: text,
    button_reply: z.looseObject({ id: text, title: text }).optional(),
    list_reply: z.looseObject({ id: text, title: text, description: optionalText }).optional(),
  }),
  button: z.looseObject({ text: text, payload: optionalText }),
  reaction: z.looseObject({ message_id: text, emoji: optionalText }),
  order: z.looseObject({ product_items: z.array(z.looseObject({})).optional() }),
  system: z.looseObject({ body: optionalText }),
};

const WhatsappError = z.looseObject({ code: z.number(), title: optionalText, message: optionalText, error_data: z.looseObject({ details: optionalText }).optional() });

const Message = z
  .looseObject({
    from: digits,
    id: text.min(1, 'must not be empty'),
    timestamp: seconds,
    type: text.min(1, 'must not be empty'),
    errors: z.array(WhatsappError).optional(),
  })
  .superRefine((m, ctx) => {
    const schema = TYPE_BODIES[m.type];
    if (!schema) return;
    const body = (m as Record<string, unknown>)[m.type];
    const r = schema.safeParse(body);
    if (r.success) return;
    for (const issue of r.error.issues) {
      const missing = body === undefined;
      ctx.addIssue({ code: 'custom', path: [m.type, ...issue.path], message: missing ? `required for a message of type "${m.type}"` : issue.message });
      if (missing) return;
    }
  });

const Status = z.looseObject({
  id: text.min(1, 'must not be empty'),
  status: text.min(1, 'must not be empty'),
  timestamp: seconds,
  recipient_id: optionalText,
  errors: z.array(WhatsappError).optional(),
});

const Contact = z.looseObject({ wa_id: digits, profile: z.looseObject({ name: optionalText }).optional() });

const MessagesValue = z.looseObject({
  messaging_product: z.literal('whatsapp', { error: 'expected "whatsapp"' }).optional(),
  metadata: z.looseObject({ phone_number_id: text.regex(/^\d{1,30}$/, 'expected the digits of a phone number id'), display_phone_number: optionalText }),
  contacts: z.array(Contact).optional(),
  messages: z.array(Message).optional(),
  statuses: z.array(Status).optional(),
  errors: z.array(WhatsappError).optional(),
});

const Change = z.looseObject({ field: text, value: z.unknown() }).superRefine((c, ctx) => {
  // Only the `messages` field is read; other fields (template status, account updates) pass.
  if (c.field !== 'messages') return;
  const r = MessagesValue.safeParse(c.value);
  if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', path: ['value', ...issue.path], message: issue.message });
});

export const WebhookPayload = z.looseObject({
  object: z.literal('whatsapp_business_account', { error: 'expected "whatsapp_business_account"' }),
  entry: z.array(z.looseObject({ id: optionalText, changes: z.array(Change) })),
});

/** One message of a delivery, in the shape receiveMessage takes, with the phone number it came to. */
export interface DeliveredMessage {
  phoneNumberId: string;
  from: string;
  id: string;
  type: string;
  text: string | null;
  name: string | null;
  at: Date;
}

export interface DeliveredStatus {
  phoneNumberId: string;
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  error: string | null;
}

export interface Delivery {
  messages: DeliveredMessage[];
  statuses: DeliveredStatus[];
}

export const KNOWN_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;

const atSeconds = (s: string | number) => new Date(Number(s) * 1000);

/** The text a message carries: a text's body, or the caption of an image, a video or a document; null otherwise. */
function textOf(m: Record<string, unknown>): string | null {
  const body = m[m.type as string] as Record<string, unknown> | undefined;
  if (m.type === 'text') return (body?.body as string) ?? null;
  if (m.type === 'image' || m.type === 'video' || m.type === 'document') return typeof body?.caption === 'string' ? body.caption : null;
  return null;
}

function errorOf(errors: z.infer<typeof WhatsappError>[] | undefined): string | null {
  const e = errors?.[0];
  if (!e) return null;
  const details = e.error_data?.details ?? e.message;
  return `${e.code}${e.title ? ` ${e.title}` : ''}${details && details !== e.title ? `: ${details}` : ''}`;
}

export type ParsedPayload = { ok: true; delivery: Delivery } | { ok: false; problems: string[] };

/**
 * The phone number ids a delivery's `messages` changes name, read before anything else is checked
 * (the tenant and its app secret come from them, and the signature is checked before the shape).
 */
export function phoneNumberIdsOf(payload: unknown): string[] | null {
  const ids = new Set<string>();
  const entries = (payload as { entry?: unknown } | null)?.entry;
  if (!Array.isArray(entries)) return null;
  for (const e of entries) {
    const changes = (e as { changes?: unknown } | null)?.changes;
    if (!Array.isArray(changes)) continue;
    for (const c of changes) {
      const id = (c as { field?: unknown; value?: { metadata?: { phone_number_id?: unknown } } } | null)?.value?.metadata?.phone_number_id;
      if ((c as { field?: unknown }).field === 'messages' && typeof id === 'string') ids.add(id);
    }
  }
  return [...ids];
}

/** The delivery's messages and statuses in payload order, or every problem by its path. */
export function parsePayload(payload: unknown): ParsedPayload {
  const r = WebhookPayload.safeParse(payload);
  if (!r.success) return { ok: false, problems: [...new Set(formatIssues(r.error.issues))] };
  const delivery: Delivery = { messages: [], statuses: [] };
  for (const entry of r.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = MessagesValue.parse(change.value);
      const phoneNumberId = value.metadata.phone_number_id;
      const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name ?? null]));
      for (const m of value.messages ?? []) {
        delivery.messages.push({
          phoneNumberId,
          from: m.from,
          id: m.id,
          type: m.type,
          text: textOf(m as Record<string, unknown>),
          name: names.get(m.from) ?? null,
          at: atSeconds(m.timestamp),
        });
      }
      for (const s of value.statuses ?? []) {
        // Statuses other than these four (WhatsApp may add some) change nothing.
        if (!(KNOWN_STATUSES as readonly string[]).includes(s.status)) continue;
        delivery.statuses.push({ phoneNumberId, id: s.id, status: s.status as DeliveredStatus['status'], at: atSeconds(s.timestamp), error: errorOf(s.errors) });
      }
    }
  }
  return { ok: true, delivery };
}
