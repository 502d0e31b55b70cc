import type { Draft, Ticket, TicketDetail } from '../core/schemas.js';
import type { Tx } from '../store/store.js';

/** The SELECT behind every Ticket the engine returns (names joined in, as the contract shows them). */
export function ticketQuery(tx: Tx, tenantId: number) {
  return tx
    .selectFrom('tickets as t')
    .innerJoin('customers as rq', 'rq.id', 't.requester_id')
    .innerJoin('departments as d', 'd.id', 't.department_id')
    .leftJoin('organizations as o', 'o.id', 't.organization_id')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .leftJoin('agents as a', 'a.id', 't.agent_id')
    .leftJoin('topics as tp', 'tp.id', 't.topic_id')
    .select([
      't.id',
      't.protocol',
      'rq.email as requester',
      'o.name as organization',
      'd.name as department',
      'c.name as category',
      't.subject',
      't.message',
      't.status',
      't.channel',
      't.visibility',
      'a.email as agent',
      't.process_ref',
      't.rating',
      't.rating_comment',
      't.type',
      't.priority',
      't.fields',
      't.attachments',
      't.created_at',
      't.due_at',
      't.solved_at',
      't.closed_at',
      'tp.name as topic',
      't.service_channel',
      't.status_detail',
    ])
    .where('t.tenant_id', '=', tenantId);
}
export type TicketRow = Awaited<ReturnType<ReturnType<typeof ticketQuery>['executeTakeFirstOrThrow']>>;

export function toTicket(r: TicketRow): Ticket {
  return {
    id: r.id,
    protocol: r.protocol,
    requester: r.requester,
    organization: r.organization,
    department: r.department,
    category: r.category,
    subject: r.subject,
    status: r.status as Ticket['status'],
    channel: r.channel as Ticket['channel'],
    visibility: r.visibility as Ticket['visibility'],
    agent: r.agent,
    processRef: r.process_ref,
    rating: r.rating,
    ratingComment: r.rating_comment,
    type: r.type,
    priority: r.priority as Ticket['priority'],
    createdAt: r.created_at,
    dueAt: r.due_at,
    solvedAt: r.solved_at,
    closedAt: r.closed_at,
    topic: r.topic,
    serviceChannel: r.service_channel as Ticket['serviceChannel'],
    statusDetail: r.status_detail,
  };
}

export function toTicketDetail(r: TicketRow, messages: { author: string; body: string; created_at: string }[], participants: string[]): TicketDetail {
  return {
    ...toTicket(r),
    message: r.message,
    fields: JSON.parse(r.fields),
    attachments: JSON.parse(r.attachments),
    messages: messages.map((m) => ({ author: m.author, body: m.body, createdAt: m.created_at })),
    participants,
  };
}

export function draftQuery(tx: Tx, tenantId: number) {
  return tx
    .selectFrom('drafts as dr')
    .innerJoin('customers as rq', 'rq.id', 'dr.requester_id')
    .innerJoin('departments as d', 'd.id', 'dr.department_id')
    .leftJoin('organizations as o', 'o.id', 'dr.organization_id')
    .leftJoin('categories as c', 'c.id', 'dr.category_id')
    .leftJoin('topics as tp', 'tp.id', 'dr.topic_id')
    .select([
      'dr.id',
      'rq.email as requester',
      'dr.requester_id',
      'dr.organization_id',
      'o.name as organization',
      'd.name as department',
      'c.name as category',
      'dr.subject',
      'dr.message',
      'dr.channel',
      'dr.conversation',
      'dr.fields',
      'dr.attachments',
      'dr.type',
      'dr.priority',
      'dr.created_at',
      'dr.held_by_mode',
      'dr.held_by_rule',
      'tp.name as topic',
      'dr.service_channel',
      'dr.status_detail',
      'dr.process_ref',
    ])
    .where('dr.tenant_id', '=', tenantId);
}
export type DraftRow = Awaited<ReturnType<ReturnType<typeof draftQuery>['executeTakeFirstOrThrow']>>;

/** A draft as the contract shows it; `withDetails: false` is the requester's view (R12). */
export function toDraft(r: DraftRow, withDetails = true): Draft {
  return {
    id: r.id,
    requester: r.requester,
    organization: r.organization,
    department: r.department,
    category: r.category,
    subject: r.subject,
    message: withDetails ? r.message : null,
    channel: r.channel as Draft['channel'],
    conversation: withDetails ? r.conversation : null,
    fields: withDetails ? JSON.parse(r.fields) : null,
    attachments: withDetails ? JSON.parse(r.attachments) : null,
    type: r.type,
    priority: r.priority as Draft['priority'],
    createdAt: r.created_at,
    heldBy: r.held_by_mode === null ? null : { mode: r.held_by_mode as NonNullable<Draft['heldBy']>['mode'], rule: r.held_by_rule },
    topic: r.topic,
    serviceChannel: withDetails ? (r.service_channel as Draft['serviceChannel']) : null,
    statusDetail: withDetails ? r.status_detail : null,
    processRef: withDetails ? r.process_ref : null,
  };
}
