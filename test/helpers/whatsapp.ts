import { signatureOf } from '../../src/core/whatsapp-webhook.js';

/** Webhook deliveries as the WhatsApp Cloud API writes them (messages webhook reference). */
export const PHONE_NUMBER_ID = '106540352242922';
export const APP_SECRET = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
export const SECRETS = { appSecret: APP_SECRET, accessToken: 'EAAGm0PX4ZCpsBAKqZBpZCzA1secretaccess', verifyToken: 'verify-5b9c1f0e8a7d' } as const;

export interface WaMessage {
  from: string;
  id: string;
  timestamp?: string;
  type: string;
  [key: string]: unknown;
}

export const textMessage = (from: string, id: string, body: string, timestamp = '1796212800'): WaMessage => ({ from, id, timestamp, type: 'text', text: { body } });

/** One delivery: an entry with one `messages` change for the phone number id. */
export function delivery(o: { phoneNumberId?: string; messages?: WaMessage[]; statuses?: unknown[]; contacts?: { wa_id: string; name: string }[] } = {}): Record<string, unknown> {
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: o.phoneNumberId ?? PHONE_NUMBER_ID },
  };
  if (o.contacts) value.contacts = o.contacts.map((c) => ({ profile: { name: c.name }, wa_id: c.wa_id }));
  if (o.messages) value.messages = o.messages;
  if (o.statuses) value.statuses = o.statuses;
  return { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ value, field: 'messages' }] }] };
}

/** The headers Meta sends with a body signed by the app secret. */
export function signed(body: string, secret: string = APP_SECRET): Record<string, string> {
  return { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body, secret) };
}
