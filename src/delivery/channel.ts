/*
 * What the dispatcher (src/delivery/dispatcher.ts) hands a channel, and what a channel answers.
 * A channel is one way out of the helpdesk: e-mail over SMTP, WhatsApp over the Cloud API, push to
 * the tenant's URL. It knows nothing of the outbox: it sends one message and says how it went.
 */

/** One notification, rendered, as a channel sends it. */
export interface Outgoing {
  /** The notification's id (its row in the outbox). */
  id: number;
  tenantId: number;
  /** The tenant's slug (push bodies name it). */
  tenant: string;
  kind: string;
  /** An e-mail address, or a phone's digits (WhatsApp). */
  to: string;
  subject: string;
  /** The text: the e-mail's text part, the WhatsApp message, the push notification's body. */
  text: string;
  /** The e-mail's HTML part (the same template, its values HTML-escaped); null on other channels. */
  html: string | null;
  /** R33: the same on every attempt (an e-mail's Message-ID header, a push body's `messageId`). */
  messageId: string;
  /** The e-mail's sender (setting `notifications.from`); null on other channels. */
  from: string | null;
  /** What the notification is about. */
  ref: { type: string; id: number } | null;
  createdAt: string;
}

/**
 * How one attempt went (R33):
 * - `accepted`: the receiving server took it (SMTP 250 after the data, HTTP 2xx); `providerId` is
 *   the id it answered (WhatsApp's message id, kept for the status webhooks).
 * - `temporary`: try again later with a growing delay (SMTP 4xx, HTTP 408/429/5xx, a timeout, a
 *   connection cut mid-way).
 * - `permanent`: refused for good (SMTP 5xx, HTTP 4xx but 408/429, a missing configuration of the
 *   tenant): failed at once, retryable by hand.
 * - `unreachable`: no server answered (connection refused, no such host): tried again later; when
 *   every attempt of a run is this, `notifications deliver` exits 5.
 */
export type SendOutcome =
  | { status: 'accepted'; providerId?: string; reply?: string }
  | { status: 'temporary' | 'permanent' | 'unreachable'; error: string };

export interface Channel {
  send(message: Outgoing): Promise<SendOutcome>;
  /** Ends pooled connections; the dispatcher calls it once, at its end. */
  close(): Promise<void>;
}
