import { precondition } from './errors.js';
import type { Status } from './schemas.js';

/** R19: the conditions under which a ticket may be reopened; throws the reason it may not. */
export function assertReopenable(reopenAllowed: boolean, ticket: { protocol: string; status: Status; processRef: string | null }): void {
  if (!reopenAllowed) throw precondition('reopening is not allowed in this account (set reopen.allowed to true) (R19)');
  if (ticket.processRef !== null) {
    throw precondition(`ticket ${ticket.protocol} has a linked process (${ticket.processRef}) and can never be reopened (R19)`);
  }
  if (ticket.status !== 'solved') {
    throw precondition(`ticket ${ticket.protocol} is ${ticket.status}; only a solved ticket can be reopened (R19)`);
  }
}

/** R20: only a solved or closed ticket may carry a rating, from 1 to 5. */
export function assertRateable(ticket: { protocol: string; status: Status }): void {
  if (ticket.status !== 'solved' && ticket.status !== 'closed') {
    throw precondition(`ticket ${ticket.protocol} is ${ticket.status}; only a solved or closed ticket can be rated (R20)`);
  }
}
