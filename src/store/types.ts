import type { Generated } from 'kysely';

/** The tables as Kysely sees them (snake_case columns, as stored). */
export interface DB {
  tenants: { id: Generated<number>; slug: string; name: string; protocol_seq: Generated<number>; created_at: string };
  settings: { tenant_id: number; key: string; value: string };
  departments: { id: Generated<number>; tenant_id: number; name: string; created_at: string };
  categories: { id: Generated<number>; tenant_id: number; department_id: number; name: string; created_at: string };
  organizations: { id: Generated<number>; tenant_id: number; name: string; parent_id: number | null; created_at: string };
  customers: {
    id: Generated<number>;
    tenant_id: number;
    email: string;
    name: string;
    phone: string | null;
    organization_id: number | null;
    is_manager: number;
    active: number;
    deleted_at: string | null;
    created_at: string;
    /** R30: 1 when the customer is sent no automatic WhatsApp message. */
    block_automatic: Generated<number>;
  };
  agents: { id: Generated<number>; tenant_id: number; email: string; name: string; is_admin: number; created_at: string };
  agent_departments: { agent_id: number; department_id: number };
  approval_rules: {
    id: Generated<number>;
    tenant_id: number;
    department_id: number;
    scope: string;
    category_id: number | null;
    created_at: string;
  };
  drafts: {
    id: Generated<number>;
    tenant_id: number;
    requester_id: number;
    organization_id: number | null;
    department_id: number;
    category_id: number | null;
    subject: string;
    message: string;
    channel: string;
    conversation: string | null;
    fields: string;
    attachments: string;
    created_at: string;
    updated_at: string;
    /** The fixture ref (deskctl seed), unique in the tenant. */
    ref: string | null;
    /** R42 (R10: what the request had). */
    topic_id: Generated<number | null>;
    service_channel: Generated<string | null>;
    status_detail: Generated<string | null>;
    process_ref: Generated<string | null>;
    type: string | null;
    priority: Generated<string>;
    /** R36: what held the draft (the approval mode, and the rule under `departments`); null for drafts made before, or by seed/generate. */
    held_by_mode: string | null;
    held_by_rule: number | null;
  };
  tickets: {
    id: Generated<number>;
    tenant_id: number;
    protocol: string;
    requester_id: number;
    organization_id: number | null;
    department_id: number;
    category_id: number | null;
    subject: string;
    message: string;
    status: string;
    channel: string;
    visibility: string;
    agent_id: number | null;
    process_ref: string | null;
    rating: number | null;
    rating_comment: string | null;
    conversation: string | null;
    fields: string;
    attachments: string;
    draft_id: number | null;
    created_at: string;
    due_at: string;
    solved_at: string | null;
    closed_at: string | null;
    updated_at: string;
    /** The fixture ref (deskctl seed), unique in the tenant. */
    ref: string | null;
    /** R42. */
    topic_id: Generated<number | null>;
    service_channel: Generated<string | null>;
    status_detail: Generated<string | null>;
    type: string | null;
    priority: Generated<string>;
  };
  /** R39: the customers who follow a ticket with its requester. */
  ticket_participants: { ticket_id: number; customer_id: number; tenant_id: number; created_at: string };
  /** R42: topics and what they require of every ticket created with them. */
  topics: {
    id: Generated<number>;
    tenant_id: number;
    name: string;
    require_process: number;
    require_service_channel: number;
    require_status_detail: number;
    created_at: string;
  };
  ticket_messages: { id: Generated<number>; ticket_id: number; author: string; body: string; created_at: string };
  draft_decisions: {
    draft_id: number;
    tenant_id: number;
    organization_id: number | null;
    department_id: number | null;
    requester_id: number | null;
    decision: string;
    decided_by: string;
    reason: string | null;
    ticket_id: number | null;
    created_at: string;
    decided_at: string;
    /** The fixture ref of the decided draft (deskctl seed). */
    ref: string | null;
  };
  /** R38: a rejected draft's data, kept to restore it within undo.windowHours. */
  rejected_drafts: {
    draft_id: number;
    tenant_id: number;
    batch: string;
    rejected_at: string;
    rejected_by: string;
    reason: string | null;
    requester_id: number;
    organization_id: number | null;
    department_id: number;
    category_id: number | null;
    subject: string;
    message: string;
    channel: string;
    conversation: string | null;
    fields: string;
    attachments: string;
    type: string | null;
    priority: string;
    created_at: string;
    ref: string | null;
    held_by_mode: string | null;
    held_by_rule: number | null;
    topic_id: number | null;
    service_channel: string | null;
    status_detail: string | null;
    process_ref: string | null;
  };
  notifications: {
    id: Generated<number>;
    tenant_id: number;
    kind: string;
    channel: string;
    to_address: string;
    subject: string;
    ref_type: string | null;
    ref_id: number | null;
    created_at: string;
    delivered_at: string | null;
    /** The whole text (a WhatsApp message's); null until the template is applied (its first delivery attempt). */
    body: string | null;
    /** R33: pending, delivered or failed. */
    status: Generated<string>;
    attempts: Generated<number>;
    /** When the next attempt is due; null: at once. */
    next_attempt_at: string | null;
    last_error: string | null;
    /** The Message-ID every attempt repeats (R33: a receiver can tell a repeat). */
    message_id: string | null;
    /** The e-mail's HTML part, rendered with the text (the template, values escaped). */
    html: string | null;
    /** R34: the ticket message the change wrote with this notification (an answer, a note on solving or reopening): its template's `message`. */
    ticket_message_id: Generated<number | null>;
    /** The dispatcher that holds the notification until lease_until (no two send it at once). */
    lease_owner: string | null;
    lease_until: string | null;
  };
  notification_attempts: {
    id: Generated<number>;
    notification_id: number;
    at: string;
    outcome: string;
    detail: string | null;
  };
  /** R34: a tenant's own template of a kind in a language (none: the built-in one). */
  templates: { tenant_id: number; kind: string; locale: string; subject: string | null; body: string; updated_at: string };
  /** A tenant's secrets by name (the push secret): as given, or sealed (`encrypted` 1, engine/secrets.ts). */
  tenant_secrets: { tenant_id: number; name: string; value: string; encrypted: Generated<number>; key_id: string | null; updated_at: string };
  /** R35: a reminder sent (kind, what it is about, since when that waits, which interval) and when the next is due. */
  reminders: { tenant_id: number; kind: string; ref_id: number; since: string; round: number; next_at: string; created_at: string };
  conversations: {
    id: Generated<number>;
    tenant_id: number;
    phone: string;
    customer_id: number | null;
    /** The sender's WhatsApp profile name, as last given. */
    profile_name: string | null;
    state: string;
    via_choice: Generated<number>;
    attempts: Generated<number>;
    agent_id: number | null;
    ticket_id: number | null;
    draft_id: number | null;
    started_at: string;
    last_message_at: string;
    closed_at: string | null;
    closed_by: string | null;
  };
  whatsapp_messages: {
    id: Generated<number>;
    tenant_id: number;
    conversation_id: number;
    direction: string;
    wa_id: string | null;
    type: string;
    body: string | null;
    role: string | null;
    notification_id: number | null;
    status: string | null;
    status_at: string | null;
    error: string | null;
    created_at: string;
  };
  api_tokens: {
    id: Generated<number>;
    tenant_id: number;
    name: string;
    role: string;
    customer_id: number | null;
    hash: string;
    created_at: string;
    last_used_at: string | null;
    revoked_at: string | null;
  };
  idempotency_keys: { token_id: number; key: string; request_hash: string; status: number; response: string; created_at: string };
  audit: {
    id: Generated<number>;
    tenant_id: number | null;
    at: string;
    actor: string;
    action: string;
    entity: string;
    entity_id: string | null;
    details: string | null;
  };
  whatsapp_connections: {
    id: Generated<number>;
    tenant_id: number;
    phone_number_id: string;
    display_number: string | null;
    /** The secrets: as given, or sealed (`encrypted` 1, engine/secrets.ts). */
    app_secret: string;
    access_token: string;
    verify_token: string;
    /** SHA-256 (hex) of the verify token: Meta's handshake finds the connection by it. */
    verify_token_hash: string;
    encrypted: number;
    /** Which key sealed the secrets (a fingerprint, never the key); null when stored in plain text. */
    key_id: string | null;
    created_at: string;
    updated_at: string;
  };
}
