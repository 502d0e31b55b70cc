import type { Command } from 'commander';
import type { Context } from '../context.js';

export interface NounModule {
  register(cmd: Command, ctx: Context): void;
}

/** The top-level commands; each module is imported only when its command runs. */
export const NOUNS: { name: string; summary: string; hidden?: boolean; load: () => Promise<NounModule> }[] = [
  { name: 'demo', summary: 'Create a sample tenant with pending drafts and show them', load: () => import('./demo/index.js') },
  { name: 'tenants', summary: 'List, create and remove tenants', load: () => import('./tenants/index.js') },
  { name: 'settings', summary: 'Show and change account settings', load: () => import('./settings/index.js') },
  { name: 'approval', summary: 'Show or set the approval mode (R5)', load: () => import('./approval/index.js') },
  { name: 'rules', summary: 'Department/category approval rules (R6)', load: () => import('./rules/index.js') },
  { name: 'departments', summary: 'Departments (teams of agents)', load: () => import('./departments/index.js') },
  { name: 'categories', summary: 'Ticket categories of a department', load: () => import('./categories/index.js') },
  { name: 'orgs', summary: 'Customer organizations and their parents (R2)', load: () => import('./orgs/index.js') },
  { name: 'customers', summary: 'Customers, their organization and manager role (R3, R15)', load: () => import('./customers/index.js') },
  { name: 'agents', summary: 'Agents (staff users)', load: () => import('./agents/index.js') },
  { name: 'topics', summary: 'Ticket topics and what each requires (R42)', load: () => import('./topics/index.js') },
  { name: 'tickets', summary: 'Open, list, solve, close, reopen and rate tickets', load: () => import('./tickets/index.js') },
  { name: 'drafts', summary: 'Ticket drafts waiting for approval: list, approve, reject (R10-R13)', load: () => import('./drafts/index.js') },
  { name: 'whatsapp', summary: 'The WhatsApp channel: connect (secrets from stdin), show, disconnect; take a message through the conversation flow (R24-R32)', load: () => import('./whatsapp/index.js') },
  { name: 'conversations', summary: 'WhatsApp conversations: list, show, assign, close (R28, R29)', load: () => import('./conversations/index.js') },
  { name: 'notifications', summary: 'The notification outbox (R22) and its delivery (R33)', load: () => import('./notifications/index.js') },
  { name: 'templates', summary: 'What notifications say, per kind and language: list, show, set, reset (R34)', load: () => import('./templates/index.js') },
  { name: 'serve', summary: 'Run the helpdesk HTTP API over a database', load: () => import('./serve/index.js') },
  { name: 'tokens', summary: 'API tokens: create (shown once), list, revoke', load: () => import('./tokens/index.js') },
  { name: 'audit', summary: 'The audit trail of every change', load: () => import('./audit/index.js') },
  { name: 'config', summary: 'Configuration as code: export, plan and apply settings, departments, organizations, agents, rules (R37)', load: () => import('./config/index.js') },
  { name: 'seed', summary: 'Bring the tenant to a known state from a YAML/JSON fixture (idempotent)', load: () => import('./seed/index.js') },
  { name: 'generate', summary: 'Fill an empty tenant with deterministic synthetic data at scale', load: () => import('./generate/index.js') },
  { name: 'stats', summary: 'Ticket and approval statistics (R23): export, approvals, summary', load: () => import('./stats/index.js') },
  { name: 'profile', summary: 'Saved targets (a database or an API, plus a tenant): add, list, show, use, remove', load: () => import('./profile/index.js') },
  { name: 'completion', summary: 'Print the shell completion script for bash, zsh or fish', load: () => import('./completion/index.js') },
  { name: '__complete', summary: 'Values for shell completion (used by the completion scripts)', hidden: true, load: () => import('./completion/dynamic.js') },
];
