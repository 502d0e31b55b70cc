import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AsQuery, Bodies, AuditQuery, ConversationQuery, DraftQuery, NotificationQuery, PAGE_MAX, TicketQuery, queryBool, type OperationName } from '../core/api.js';
import { forbidden, invalid } from '../core/errors.js';
import { DraftFilter, Id, TicketFilter, TicketRef } from '../core/schemas.js';
import { parseInput } from '../core/validate.js';
import { canonicalJson } from '../core/canonical.js';
import type { LocalHelpdesk } from '../client/local.js';
import type { Actor } from '../engine/context.js';
import type { IdempotencyGuard } from '../engine/idempotency.js';

export interface Input {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  actor: Actor;
  tokenId: number;
  idempotencyKey?: string;
}

type Handler = (hd: LocalHelpdesk, i: Input) => Promise<unknown>;

/** The request's body, already checked against the operation's schema by the server (core/api.ts). */
const body = <K extends keyof typeof Bodies>(_k: K, i: Input): z.infer<(typeof Bodies)[K]> => i.body as z.infer<(typeof Bodies)[K]>;
const id = (i: Input) => parseInput(Id, i.params.id, 'id');
/** A ticket in a path: an id spelt one way (`03` is not ticket 3), or a protocol. */
const ticketRef = (i: Input) => (/^\d+$/.test(i.params.ref ?? '') ? String(parseInput(Id, i.params.ref, 'ref')) : parseInput(TicketRef, i.params.ref, 'ref'));

/** A page of a list: at most `limit` (≤ PAGE_MAX) items after the cursor, and the next cursor. */
async function page<T extends { id: number }>(query: { limit?: number; after?: number }, fetch: (limit: number, after?: number) => Promise<T[]>) {
  const size = Math.min(query.limit || PAGE_MAX, PAGE_MAX);
  const items = await fetch(size, query.after || undefined);
  return { items, next: items.length === size ? items.at(-1)!.id : null };
}

/** Customers and managers open tickets for themselves only, never as agents or internal (R8). */
function ownRequest(i: Input): unknown {
  const b = (i.body ?? {}) as Record<string, unknown>;
  if (i.actor.kind === 'admin') return b;
  if (b.requester !== undefined && String(b.requester).trim().toLowerCase() !== i.actor.name) {
    throw forbidden(`a ${i.actor.kind} token opens tickets only for ${i.actor.name}`);
  }
  if (b.channel === 'agent' || b.visibility === 'internal') throw forbidden('only agents open tickets on the agent channel or internal tickets');
  return { channel: 'api', ...b, requester: i.actor.name };
}

export { canonicalJson };

/** The request's Idempotency-Key with a hash of what it asks: the operation, its path and its body (a key reused elsewhere is a 422). */
function guardOf(name: OperationName, i: Input): IdempotencyGuard | undefined {
  if (i.idempotencyKey === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(i.idempotencyKey)) throw invalid('Idempotency-Key: 1 to 255 printable ASCII characters');
  const what = canonicalJson([name, i.params, i.body ?? null]);
  return { tokenId: i.tokenId, key: i.idempotencyKey, requestHash: createHash('sha256').update(what).digest('hex') };
}

/** R34: the locale of a template, in the query (`?locale=en`); the engine says which locales there are. */
const LocaleQuery = z.strictObject({ locale: z.string().optional() });

/** Query parameters an operation does not know are refused rather than ignored (a typo must not widen a list). */
function onlyQuery(i: Input, known: readonly string[]): void {
  const unknown = Object.keys(i.query).filter((k) => !known.includes(k));
  if (unknown.length) throw invalid(unknown.map((k) => `${/^[\w.-]+$/.test(k) ? k : JSON.stringify(k)}: unknown query parameter (expected ${known.join(', ')})`).join('; '));
}

/** Every operation of the API, each one call on the tenant's Helpdesk as the token's identity. */
export const HANDLERS: Record<OperationName, Handler> = {
  listTenants: async (hd) => (await hd.listTenants()).filter((t) => t.slug === hd.tenant),
  createTenant: async () => {
    throw forbidden('tenants are created on the server itself: deskctl --db FILE tenants create SLUG');
  },
  removeTenant: async () => {
    throw forbidden('tenants are removed on the server itself: deskctl --db FILE tenants remove SLUG');
  },

  getSettings: (hd) => hd.getSettings(),
  setSetting: (hd, i) => hd.setSetting(i.params.key!, body('setSetting', i).value),
  getApproval: (hd) => hd.getApproval(),

  listRules: (hd) => hd.listRules(),
  addRule: (hd, i) => hd.addRule(body('rule', i)),
  removeRules: (hd, i) => hd.removeRules(body('ids', i).ids),
  removeRuleMatching: (hd, i) => hd.removeRuleMatching(body('rule', i)),

  listDepartments: (hd) => hd.listDepartments(),
  addDepartment: (hd, i) => hd.addDepartment(body('name', i).name),
  removeDepartment: (hd, i) => hd.removeDepartment(i.params.name!),
  listCategories: (hd, i) => hd.listCategories(parseInput(z.strictObject({ department: z.string().optional() }), i.query).department),
  addCategory: (hd, i) => {
    const b = body('category', i);
    return hd.addCategory(b.name, b.department);
  },
  removeCategory: (hd, i) => hd.removeCategory(i.params.name!, i.params.department!),

  listTopics: (hd) => hd.listTopics(),
  addTopic: (hd, i) => hd.addTopic(body('topic', i)),
  removeTopic: (hd, i) => hd.removeTopic(i.params.name!),

  listOrganizations: (hd) => hd.listOrganizations(),
  addOrganization: (hd, i) => {
    const b = body('organization', i);
    return hd.addOrganization(b.name, b.parent);
  },
  setOrganizationParent: (hd, i) => hd.setOrganizationParent(i.params.name!, body('parent', i).parent),
  removeOrganization: (hd, i) => hd.removeOrganization(i.params.name!),

  listCustomers: (hd, i) => {
    const q = parseInput(z.strictObject({ org: z.string().optional(), managers: queryBool }), i.query);
    return hd.listCustomers({ org: q.org, managers: q.managers ?? false });
  },
  addCustomer: (hd, i) => hd.addCustomer(body('customer', i)),
  setCustomer: (hd, i) => hd.setCustomer(i.params.email!, body('customerPatch', i)),
  removeCustomer: (hd, i) => hd.removeCustomer(i.params.email!),

  listAgents: (hd) => hd.listAgents(),
  addAgent: (hd, i) => hd.addAgent(body('agent', i)),
  setAgent: (hd, i) => hd.setAgent(i.params.email!, body('agentPatch', i)),
  removeAgent: (hd, i) => hd.removeAgent(i.params.email!),

  // With an Idempotency-Key the key is stored in the ticket's own transaction: a retried create opens one ticket.
  createTicket: (hd, i) => {
    return hd.createTicket(ownRequest(i), guardOf('createTicket', i));
  },
  listTickets: (hd, i) => {
    const { limit, after, as, ...rest } = parseInput(TicketQuery, i.query);
    const filter = parseInput(TicketFilter, rest);
    return page({ limit, after }, (size, cursor) => hd.listTickets({ ...filter, limit: size, after: cursor }, { as }));
  },
  getTicket: (hd, i) => {
    // A ref of digits is an id, spelt one way (`03` is not ticket 3); anything else is a protocol.
    if (/^\d+$/.test(i.params.ref!)) parseInput(Id, i.params.ref, 'ref');
    return hd.getTicket(i.params.ref!, { as: parseInput(AsQuery, i.query).as });
  },
  listParticipants: (hd, i) => hd.listParticipants(ticketRef(i), { as: parseInput(AsQuery, i.query).as }),
  addParticipants: (hd, i) => {
    const b = body('participants', i);
    return hd.addParticipants(ticketRef(i), b.emails, { as: b.as });
  },
  removeParticipants: (hd, i) => {
    const b = body('participants', i);
    return hd.removeParticipants(ticketRef(i), b.emails, { as: b.as });
  },
  assignTickets: (hd, i) => {
    const b = body('assign', i);
    return hd.assignTickets(b.ids, b.agent);
  },
  solveTickets: (hd, i) => {
    const b = body('solve', i);
    return hd.solveTickets(b.ids, b.message);
  },
  closeTickets: (hd, i) => hd.closeTickets(body('ids', i).ids),
  reopenTickets: (hd, i) => {
    const b = body('reopen', i);
    return hd.reopenTickets(b.ids, b.message);
  },
  replyTicket: (hd, i) => hd.replyTicket(id(i), body('message', i).message),
  linkProcess: (hd, i) => hd.linkProcess(id(i), body('process', i).ref),
  rateTicket: (hd, i) => {
    const b = body('rating', i);
    return hd.rateTicket(id(i), b.rating, b.comment);
  },

  listDrafts: (hd, i) => {
    const { limit, after, as, ...rest } = parseInput(DraftQuery, i.query);
    const filter = parseInput(DraftFilter, rest);
    return page({ limit, after }, (size, cursor) => hd.listDrafts({ ...filter, limit: size, after: cursor }, { as }));
  },
  getDraft: (hd, i) => hd.getDraft(id(i), { as: parseInput(AsQuery, i.query).as }),
  decideDrafts: (hd, i) => {
    const b = body('decision', i);
    const filter = b.filter;
    if (!b.ids && !filter) throw invalid('body: give ids or a filter');
    if (b.ids && filter) throw invalid('body: give ids or a filter, not both');
    if (b.dryRun) return hd.decideDrafts({ decision: b.decision, ids: b.ids, filter, dryRun: true, as: b.as });
    return hd.decideChunk({ decision: b.decision, ids: b.ids, filter, reason: b.reason, after: b.after, limit: b.limit, count: b.count, as: b.as, batch: b.batch }, guardOf('decideDrafts', i));
  },

  seed: (hd, i) => {
    const b = body('seed', i);
    return hd.seed(b.fixture, { dryRun: b.dryRun });
  },
  createTenantFromFixture: async () => {
    throw forbidden('tenants are created on the server itself: deskctl --db FILE tenants create SLUG --from FIXTURE');
  },
  generate: (hd, i) => hd.generate(body('generate', i) as Parameters<LocalHelpdesk['generate']>[0]),
  exportStats: async (hd, i) => {
    onlyQuery(i, ['by', 'metrics', 'from', 'to']);
    return hd.exportStats(i.query as Parameters<LocalHelpdesk['exportStats']>[0]);
  },
  approvalStats: (hd, i) => {
    onlyQuery(i, ['by', 'from', 'to']);
    return hd.approvalStats(i.query as Parameters<LocalHelpdesk['approvalStats']>[0]);
  },
  agentSummary: (hd) => hd.agentSummary(),

  createToken: (hd, i) => hd.createToken(body('token', i)),
  listTokens: (hd) => hd.listTokens(),
  revokeToken: (hd, i) => hd.revokeToken(i.params.name!),

  receiveWhatsApp: (hd, i) => hd.receiveWhatsApp(body('whatsappMessage', i)),
  listConversations: (hd, i) => {
    const { limit, after, as: _as, ...filter } = parseInput(ConversationQuery, i.query);
    return page({ limit, after }, (size, cursor) => hd.listConversations({ ...filter, limit: size, after: cursor }));
  },
  getConversation: (hd, i) => hd.getConversation(id(i)),
  assignConversation: (hd, i) => hd.assignConversation(id(i), body('conversationAgent', i).agent),
  closeConversation: (hd, i) => hd.closeConversation(id(i)),
  getWhatsapp: (hd) => hd.whatsappStatus(),
  connectWhatsapp: (hd, i) => hd.connectWhatsapp(body('whatsappConnect', i)),
  disconnectWhatsapp: (hd) => hd.disconnectWhatsapp(),
  explainApproval: (hd, i) => hd.explainApproval(body('explain', i)),
  exportConfig: (hd) => hd.exportConfig(),
  planConfig: (hd, i) => hd.planConfig(body('config', i).config),
  applyConfig: (hd, i) => {
    const b = body('configApply', i);
    return hd.applyConfig(b.config, b.fingerprint);
  },
  restoreDrafts: (hd, i) => {
    const b = body('restore', i);
    if (!b.ids === !b.batch) throw invalid('body: give ids or a batch, one of them');
    return hd.restoreDrafts(b);
  },

  listTemplates: (hd, i) => {
    onlyQuery(i, []);
    return hd.listTemplates();
  },
  getTemplate: (hd, i) => hd.showTemplate(i.params.kind!, parseInput(LocaleQuery, i.query).locale),
  setTemplate: (hd, i) => hd.setTemplate(i.params.kind!, body('template', i)),
  resetTemplate: (hd, i) => hd.resetTemplate(i.params.kind!, parseInput(LocaleQuery, i.query).locale),

  listNotifications: (hd, i) => {
    const { limit, after, as: _as, ...filter } = parseInput(NotificationQuery, i.query);
    return page({ limit, after }, (size, cursor) => hd.listNotifications({ ...filter, limit: size, after: cursor }));
  },
  getNotification: (hd, i) => hd.getNotification(id(i)),
  deliverNotifications: (hd, i) => hd.deliverNotifications(body('deliver', i)),
  retryNotifications: (hd, i) => hd.retryNotifications(body('retry', i)),
  getPushSecret: (hd) => hd.pushSecretStatus(),
  setPushSecret: (hd, i) => hd.setPushSecret(body('pushSecret', i)),
  clearPushSecret: (hd) => hd.clearPushSecret(),
  listAudit: (hd, i) => {
    const { limit, after, as: _as, ...filter } = parseInput(AuditQuery, i.query);
    return page({ limit, after }, (size, cursor) => hd.listAudit({ ...filter, limit: size, after: cursor }));
  },
};
