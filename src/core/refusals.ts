import type { OperationName } from './api.js';

/**
 * What each API operation does, as a person says it, for the sentence that refuses it to a token
 * whose role may not (`a manager token cannot change settings; that takes an admin token`).
 * Written here once per operation, never built from the operation's summary.
 */
export const ACTIONS: Record<OperationName, string> = {
  listTenants: 'list tenants',
  createTenant: 'create tenants',
  removeTenant: 'remove tenants',
  getSettings: 'read the settings',
  setSetting: 'change settings',
  getApproval: 'read the approval mode and rules',
  listRules: 'list approval rules',
  addRule: 'add approval rules',
  removeRules: 'remove approval rules',
  removeRuleMatching: 'remove approval rules',
  listDepartments: 'list departments',
  addDepartment: 'add departments',
  removeDepartment: 'remove departments',
  listCategories: 'list categories',
  addCategory: 'add categories',
  removeCategory: 'remove categories',
  listOrganizations: 'list organizations',
  addOrganization: 'add organizations',
  setOrganizationParent: "change an organization's parent",
  removeOrganization: 'remove organizations',
  listCustomers: 'list customers',
  addCustomer: 'add customers',
  setCustomer: 'change customers',
  removeCustomer: 'remove customers',
  listAgents: 'list agents',
  addAgent: 'add agents',
  setAgent: 'change agents',
  removeAgent: 'remove agents',
  createTicket: 'open tickets',
  listTickets: 'list tickets',
  getTicket: 'see tickets',
  solveTickets: 'solve tickets',
  closeTickets: 'close tickets',
  reopenTickets: 'reopen tickets',
  replyTicket: 'answer tickets',
  linkProcess: 'link processes to tickets',
  rateTicket: 'rate tickets',
  assignTickets: 'assign tickets',
  listParticipants: "list a ticket's participants",
  addParticipants: 'add participants to tickets',
  removeParticipants: 'remove participants from tickets',
  listTopics: 'list topics',
  addTopic: 'add topics',
  removeTopic: 'remove topics',
  listDrafts: 'list drafts',
  getDraft: 'see drafts',
  decideDrafts: 'approve or reject drafts',
  createToken: 'create tokens',
  listTokens: 'list tokens',
  revokeToken: 'revoke tokens',
  seed: 'seed the tenant',
  createTenantFromFixture: 'create tenants',
  generate: 'generate data',
  exportStats: 'export statistics',
  approvalStats: 'read approval statistics',
  agentSummary: 'read the agent summary',
  receiveWhatsApp: 'take WhatsApp messages',
  listConversations: 'list conversations',
  getConversation: 'see conversations',
  assignConversation: 'assign conversations',
  closeConversation: 'close conversations',
  getWhatsapp: 'read the whatsapp connection',
  connectWhatsapp: 'connect a whatsapp number',
  disconnectWhatsapp: 'disconnect whatsapp',
  explainApproval: 'explain approval decisions',
  exportConfig: 'export the configuration',
  planConfig: 'plan configuration changes',
  applyConfig: 'apply configuration changes',
  restoreDrafts: 'restore rejected drafts',
  listNotifications: 'list notifications',
  listAudit: 'read the audit trail',
};

const article = (role: string) => (/^[aeiou]/.test(role) ? `an ${role}` : `a ${role}`);

/** The refusal of an operation to a token of this role: one sentence, naming the roles that may. */
export function refusal(name: OperationName, role: string, allowed: readonly string[]): string {
  const who = allowed.map((r) => `${article(r)} token`).join(' or ');
  return `${article(role)} token cannot ${ACTIONS[name]}; that takes ${who}`;
}
