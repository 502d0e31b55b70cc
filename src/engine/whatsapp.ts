import type { Draft, Ticket } from '../core/schemas.js';
import type { EngineContext } from './context.js';

/**
 * The WhatsApp conversation engine (R24-R32): one incoming message, one transaction.
 * (Interface first; the flow lands in the next commits.)
 */

/** One incoming WhatsApp message, from the webhook or `deskctl whatsapp receive`. */
export interface IncomingMessage {
  /** The sender's number as given; compared as digits only (`+55 11 91234-5678` is `5511912345678`). */
  from: string;
  /** WhatsApp's message id (`wamid.…`): one seen before has no second effect (R31). Absent: a fresh one is made. */
  id?: string | null;
  /** WhatsApp's message type (`text`, `image`, `audio`, …). */
  type: string;
  /** The text of a `text` message (or a caption); null when the message carries none. */
  text: string | null;
  /** The sender's WhatsApp profile name (the name of a customer registered from the conversation, R26). */
  name?: string | null;
  /** When the customer sent it (default: now). */
  at?: Date;
}

export interface ConversationView {
  id: number;
  phone: string;
  customer: string | null;
  state: 'awaiting_email' | 'awaiting_choice' | 'open' | 'human' | 'closed';
  agent: string | null;
  ticket: number | null;
  draft: number | null;
  attempts: number;
  startedAt: string;
  lastMessageAt: string;
  closedAt: string | null;
}

export interface ReceiveResult {
  duplicate: boolean;
  conversation: ConversationView;
  replies: { text: string }[];
  ticket: Ticket | null;
  draft: Draft | null;
}

/** A delivery status of an outbound message (R32). */
export interface StatusUpdate {
  /** The id WhatsApp gave the outbound message. */
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  error?: string | null;
}

export async function receiveMessage(_ctx: EngineContext, _m: IncomingMessage): Promise<ReceiveResult> {
  throw new Error('not implemented yet');
}

export async function updateMessageStatuses(_ctx: EngineContext, _updates: StatusUpdate[]): Promise<{ updated: number }> {
  throw new Error('not implemented yet');
}
