/**
 * Forward-only schema migrations. The database's `PRAGMA user_version` is the number of migrations
 * applied; a new one is appended here and never edited once released.
 */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  {
    name: 'initial schema',
    sql: `
CREATE TABLE tenants (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  slug         TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  protocol_seq INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL
);
CREATE TABLE settings (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, key)
) WITHOUT ROWID;
CREATE TABLE departments (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);
CREATE TABLE categories (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  department_id INTEGER NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  UNIQUE (department_id, name)
);
CREATE TABLE organizations (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  parent_id  INTEGER REFERENCES organizations(id),
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);
CREATE INDEX organizations_parent ON organizations(parent_id) WHERE parent_id IS NOT NULL;
CREATE TABLE customers (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email           TEXT NOT NULL,
  name            TEXT NOT NULL,
  phone           TEXT,
  organization_id INTEGER REFERENCES organizations(id),
  is_manager      INTEGER NOT NULL DEFAULT 0 CHECK (is_manager IN (0, 1)),
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  deleted_at      TEXT,
  created_at      TEXT NOT NULL,
  CHECK (is_manager = 0 OR organization_id IS NOT NULL)
);
CREATE UNIQUE INDEX customers_email ON customers(tenant_id, email) WHERE deleted_at IS NULL;
CREATE INDEX customers_org ON customers(organization_id) WHERE deleted_at IS NULL;
CREATE TABLE agents (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email      TEXT NOT NULL,
  name       TEXT NOT NULL,
  is_admin   INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, email)
);
CREATE TABLE agent_departments (
  agent_id      INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  department_id INTEGER NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
  PRIMARY KEY (agent_id, department_id)
) WITHOUT ROWID;
CREATE TABLE approval_rules (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  department_id INTEGER NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
  scope         TEXT NOT NULL CHECK (scope IN ('category', 'none', 'all')),
  category_id   INTEGER REFERENCES categories(id) ON DELETE CASCADE,
  created_at    TEXT NOT NULL,
  CHECK ((scope = 'category') = (category_id IS NOT NULL))
);
CREATE UNIQUE INDEX approval_rules_unique ON approval_rules(department_id, scope, ifnull(category_id, 0));
CREATE TABLE drafts (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  requester_id    INTEGER NOT NULL REFERENCES customers(id),
  organization_id INTEGER REFERENCES organizations(id),
  department_id   INTEGER NOT NULL REFERENCES departments(id),
  category_id     INTEGER REFERENCES categories(id),
  subject         TEXT NOT NULL,
  message         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  conversation    TEXT,
  fields          TEXT NOT NULL DEFAULT '{}',
  attachments     TEXT NOT NULL DEFAULT '[]',
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX drafts_tenant ON drafts(tenant_id, id);
CREATE INDEX drafts_requester ON drafts(requester_id);
CREATE INDEX drafts_org ON drafts(organization_id);
CREATE INDEX drafts_conversation ON drafts(tenant_id, conversation) WHERE conversation IS NOT NULL;
CREATE TABLE tickets (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  protocol        TEXT NOT NULL,
  requester_id    INTEGER NOT NULL REFERENCES customers(id),
  organization_id INTEGER REFERENCES organizations(id),
  department_id   INTEGER NOT NULL REFERENCES departments(id),
  category_id     INTEGER REFERENCES categories(id),
  subject         TEXT NOT NULL,
  message         TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'waiting', 'solved', 'closed')),
  channel         TEXT NOT NULL,
  visibility      TEXT NOT NULL CHECK (visibility IN ('public', 'internal', 'private')),
  agent_id        INTEGER REFERENCES agents(id),
  process_ref     TEXT,
  rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_comment  TEXT,
  conversation    TEXT,
  fields          TEXT NOT NULL DEFAULT '{}',
  attachments     TEXT NOT NULL DEFAULT '[]',
  draft_id        INTEGER,
  created_at      TEXT NOT NULL,
  due_at          TEXT NOT NULL,
  solved_at       TEXT,
  closed_at       TEXT,
  updated_at      TEXT NOT NULL,
  UNIQUE (tenant_id, protocol)
);
CREATE INDEX tickets_tenant_status ON tickets(tenant_id, status);
CREATE INDEX tickets_requester ON tickets(requester_id);
CREATE UNIQUE INDEX tickets_draft ON tickets(draft_id) WHERE draft_id IS NOT NULL;
CREATE INDEX tickets_conversation ON tickets(tenant_id, conversation) WHERE conversation IS NOT NULL;
CREATE TABLE ticket_messages (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  author     TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages(ticket_id);
CREATE TABLE draft_decisions (
  draft_id        INTEGER PRIMARY KEY,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  organization_id INTEGER,
  department_id   INTEGER,
  requester_id    INTEGER,
  decision        TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
  decided_by      TEXT NOT NULL,
  reason          TEXT,
  ticket_id       INTEGER,
  created_at      TEXT NOT NULL,
  decided_at      TEXT NOT NULL
);
CREATE INDEX draft_decisions_tenant ON draft_decisions(tenant_id, decided_at);
CREATE TABLE notifications (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL,
  channel      TEXT NOT NULL CHECK (channel IN ('email', 'push', 'whatsapp')),
  to_address   TEXT NOT NULL,
  subject      TEXT NOT NULL,
  ref_type     TEXT,
  ref_id       INTEGER,
  created_at   TEXT NOT NULL,
  delivered_at TEXT
);
CREATE INDEX notifications_tenant ON notifications(tenant_id, id);
CREATE INDEX notifications_pending ON notifications(tenant_id, id) WHERE delivered_at IS NULL;
CREATE TABLE audit (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER REFERENCES tenants(id) ON DELETE CASCADE,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id TEXT,
  details   TEXT
);
CREATE INDEX audit_tenant ON audit(tenant_id, id);
INSERT INTO tenants (slug, name, created_at) VALUES ('default', 'Default', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
`,
  },
  {
    name: 'API tokens and idempotency keys',
    sql: `
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'customer')),
  customer_id  INTEGER REFERENCES customers(id),
  hash         TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT,
  CHECK ((role = 'admin') = (customer_id IS NULL))
);
CREATE UNIQUE INDEX api_tokens_name ON api_tokens(tenant_id, name) WHERE revoked_at IS NULL;
CREATE TABLE idempotency_keys (
  token_id     INTEGER NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  response     TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (token_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
`,
  },
  {
    // deskctl seed: tickets and drafts of a fixture carry its `ref`, so seeding twice creates nothing
    // twice. A draft keeps its ref in its decision and passes it to the ticket it becomes.
    name: 'fixture refs of tickets and drafts',
    sql: `
ALTER TABLE tickets ADD COLUMN ref TEXT;
ALTER TABLE drafts ADD COLUMN ref TEXT;
ALTER TABLE draft_decisions ADD COLUMN ref TEXT;
CREATE UNIQUE INDEX tickets_ref ON tickets(tenant_id, ref) WHERE ref IS NOT NULL;
CREATE UNIQUE INDEX drafts_ref ON drafts(tenant_id, ref) WHERE ref IS NOT NULL;
CREATE INDEX draft_decisions_ref ON draft_decisions(tenant_id, ref) WHERE ref IS NOT NULL;
`,
  },
  {
    // deskctl stats (R23): the creation and solution clocks of every metric, the open tickets of
    // an agent (stats summary) and drafts by creation time (stats approvals).
    name: 'statistics indexes',
    sql: `
CREATE INDEX tickets_stats_created ON tickets(tenant_id, created_at);
CREATE INDEX tickets_stats_solved ON tickets(tenant_id, coalesce(solved_at, closed_at)) WHERE status IN ('solved', 'closed');
CREATE INDEX tickets_open_agent ON tickets(tenant_id, agent_id, due_at) WHERE status IN ('open', 'in_progress', 'waiting');
CREATE INDEX drafts_created ON drafts(tenant_id, created_at);
`,
  },
  {
    // Pages of tickets (the API's lists, oldest first by id): an index on the tenant alone keeps the
    // rowids in order, so a page of 100 reads 100 rows; without it SQLite picked a (tenant_id, …)
    // index and sorted every ticket of the tenant for each page (the load test found it).
    name: 'tickets in id order per tenant',
    sql: `
CREATE INDEX tickets_tenant ON tickets(tenant_id);
`,
  },
  {
    // WhatsApp conversations (R24-R32): one live conversation per phone (R31), the messages both
    // ways with WhatsApp's ids (a message id seen before has no second effect), tickets' type and
    // priority, customers who get no automatic message (R30), and a notification's text.
    name: 'whatsapp conversations',
    sql: `
CREATE TABLE conversations (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  phone           TEXT NOT NULL,
  customer_id     INTEGER REFERENCES customers(id),
  profile_name    TEXT,
  state           TEXT NOT NULL CHECK (state IN ('awaiting_email', 'awaiting_choice', 'open', 'human')),
  via_choice      INTEGER NOT NULL DEFAULT 0 CHECK (via_choice IN (0, 1)),
  attempts        INTEGER NOT NULL DEFAULT 0,
  agent_id        INTEGER REFERENCES agents(id) ON DELETE SET NULL,
  ticket_id       INTEGER REFERENCES tickets(id),
  draft_id        INTEGER,
  started_at      TEXT NOT NULL,
  last_message_at TEXT NOT NULL,
  closed_at       TEXT,
  closed_by       TEXT
);
CREATE UNIQUE INDEX conversations_live ON conversations(tenant_id, phone) WHERE closed_at IS NULL;
CREATE INDEX conversations_tenant ON conversations(tenant_id, id);
CREATE INDEX conversations_draft ON conversations(draft_id) WHERE draft_id IS NOT NULL;
CREATE TABLE whatsapp_messages (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  wa_id           TEXT,
  type            TEXT NOT NULL,
  body            TEXT,
  role            TEXT CHECK (role IN ('request', 'answer')),
  notification_id INTEGER,
  status          TEXT,
  status_at       TEXT,
  error           TEXT,
  created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX whatsapp_messages_wa_id ON whatsapp_messages(tenant_id, wa_id) WHERE wa_id IS NOT NULL;
CREATE INDEX whatsapp_messages_conversation ON whatsapp_messages(conversation_id, id);
ALTER TABLE tickets ADD COLUMN type TEXT;
ALTER TABLE tickets ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent'));
ALTER TABLE drafts ADD COLUMN type TEXT;
ALTER TABLE drafts ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent'));
ALTER TABLE customers ADD COLUMN block_automatic INTEGER NOT NULL DEFAULT 0 CHECK (block_automatic IN (0, 1));
CREATE INDEX customers_phone ON customers(tenant_id, replace(replace(replace(replace(replace(replace(phone, ' ', ''), '+', ''), '-', ''), '(', ''), ')', ''), '.', '')) WHERE phone IS NOT NULL AND deleted_at IS NULL;
ALTER TABLE notifications ADD COLUMN body TEXT;
`,
  },
  {
    // WhatsApp connection (issue 15): one per tenant; the webhook finds the tenant by phone_number_id
    // and answers Meta's handshake by the verify token's SHA-256. The three secrets are stored as
    // given, or sealed with AES-256-GCM when the operator gives a key (engine/secrets.ts): then
    // `encrypted` is 1 and `key_id` names the key they were sealed with.
    name: 'whatsapp connections',
    sql: `
CREATE TABLE whatsapp_connections (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id         INTEGER NOT NULL UNIQUE REFERENCES tenants(id) ON DELETE CASCADE,
  phone_number_id   TEXT NOT NULL UNIQUE,
  display_number    TEXT,
  app_secret        TEXT NOT NULL,
  access_token      TEXT NOT NULL,
  verify_token      TEXT NOT NULL,
  verify_token_hash TEXT NOT NULL,
  encrypted         INTEGER NOT NULL CHECK (encrypted IN (0, 1)),
  key_id            TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  CHECK ((encrypted = 1) = (key_id IS NOT NULL))
);
CREATE INDEX whatsapp_connections_verify ON whatsapp_connections(verify_token_hash);
`,
  },
  {
    // R36-R38: a draft remembers what held it (the mode, the rule's id); a rejection keeps the
    // rejected draft's data, with the batch of the decision, so it can be restored within
    // undo.windowHours (no foreign keys: what it names may be gone by then, restore checks).
    name: 'explain, config and undo of rejections',
    sql: `
ALTER TABLE drafts ADD COLUMN held_by_mode TEXT;
ALTER TABLE drafts ADD COLUMN held_by_rule INTEGER;
CREATE TABLE rejected_drafts (
  draft_id        INTEGER PRIMARY KEY,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  batch           TEXT NOT NULL,
  rejected_at     TEXT NOT NULL,
  rejected_by     TEXT NOT NULL,
  reason          TEXT,
  requester_id    INTEGER NOT NULL,
  organization_id INTEGER,
  department_id   INTEGER NOT NULL,
  category_id     INTEGER,
  subject         TEXT NOT NULL,
  message         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  conversation    TEXT,
  fields          TEXT NOT NULL,
  attachments     TEXT NOT NULL,
  type            TEXT,
  priority        TEXT NOT NULL DEFAULT 'normal',
  created_at      TEXT NOT NULL,
  ref             TEXT,
  held_by_mode    TEXT,
  held_by_rule    INTEGER
);
CREATE INDEX rejected_drafts_batch ON rejected_drafts(tenant_id, batch);
`,
  },
  {
    // R39 participants of a ticket (customers of the requester's organization who see it and get its
    // notifications); R42 topics ("assuntos") and what a ticket records for them, on tickets and on
    // drafts (R10: the draft keeps everything the request had, its linked process too).
    name: 'participants and topics',
    sql: `
CREATE TABLE topics (
  id                      INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id               INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name                    TEXT NOT NULL,
  require_process         INTEGER NOT NULL DEFAULT 0 CHECK (require_process IN (0, 1)),
  require_service_channel INTEGER NOT NULL DEFAULT 0 CHECK (require_service_channel IN (0, 1)),
  require_status_detail   INTEGER NOT NULL DEFAULT 0 CHECK (require_status_detail IN (0, 1)),
  created_at              TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);
CREATE TABLE ticket_participants (
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (ticket_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX ticket_participants_customer ON ticket_participants(customer_id, ticket_id);
ALTER TABLE tickets ADD COLUMN topic_id INTEGER REFERENCES topics(id);
ALTER TABLE tickets ADD COLUMN service_channel TEXT CHECK (service_channel IN ('phone', 'email', 'chat', 'in-person', 'whatsapp'));
ALTER TABLE tickets ADD COLUMN status_detail TEXT;
ALTER TABLE drafts ADD COLUMN topic_id INTEGER REFERENCES topics(id);
ALTER TABLE drafts ADD COLUMN service_channel TEXT CHECK (service_channel IN ('phone', 'email', 'chat', 'in-person', 'whatsapp'));
ALTER TABLE drafts ADD COLUMN status_detail TEXT;
ALTER TABLE drafts ADD COLUMN process_ref TEXT;
ALTER TABLE rejected_drafts ADD COLUMN topic_id INTEGER;
ALTER TABLE rejected_drafts ADD COLUMN service_channel TEXT;
ALTER TABLE rejected_drafts ADD COLUMN status_detail TEXT;
ALTER TABLE rejected_drafts ADD COLUMN process_ref TEXT;
`,
  },
  {
    // R33-R35: delivery of the outbox (a status, attempts with a growing delay, a lease so that two
    // dispatchers never send one notification at once, the message id every attempt repeats, the
    // words as they were sent; the ticket message a change wrote with it, for its template); the attempts themselves; templates a tenant overrides; the tenant's
    // push secret; and the reminders already sent, whose key makes each one once per interval
    // however many dispatchers run.
    name: 'delivery, templates and reminders',
    sql: `
ALTER TABLE notifications ADD COLUMN status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed'));
ALTER TABLE notifications ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN next_attempt_at TEXT;
ALTER TABLE notifications ADD COLUMN last_error TEXT;
ALTER TABLE notifications ADD COLUMN message_id TEXT;
ALTER TABLE notifications ADD COLUMN html TEXT;
ALTER TABLE notifications ADD COLUMN ticket_message_id INTEGER;
ALTER TABLE notifications ADD COLUMN lease_owner TEXT;
ALTER TABLE notifications ADD COLUMN lease_until TEXT;
UPDATE notifications SET status = 'delivered' WHERE delivered_at IS NOT NULL;
DROP INDEX notifications_pending;
CREATE INDEX notifications_pending ON notifications(tenant_id, id) WHERE status = 'pending';
CREATE INDEX notifications_failed ON notifications(tenant_id, id) WHERE status = 'failed';
CREATE INDEX notifications_due ON notifications(id) WHERE status = 'pending';
CREATE TABLE notification_attempts (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
  at              TEXT NOT NULL,
  outcome         TEXT NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')),
  detail          TEXT
);
CREATE INDEX notification_attempts_of ON notification_attempts(notification_id, id);
CREATE TABLE templates (
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  locale     TEXT NOT NULL,
  subject    TEXT,
  body       TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, kind, locale)
) WITHOUT ROWID;
CREATE TABLE tenant_secrets (
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  value      TEXT NOT NULL,
  encrypted  INTEGER NOT NULL DEFAULT 0 CHECK (encrypted IN (0, 1)),
  key_id     TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, name)
) WITHOUT ROWID;
CREATE TABLE reminders (
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  ref_id     INTEGER NOT NULL,
  since      TEXT NOT NULL,
  round      INTEGER NOT NULL,
  next_at    TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, kind, ref_id, since, round)
) WITHOUT ROWID;
CREATE INDEX reminders_next ON reminders(tenant_id, kind, ref_id, next_at);
CREATE INDEX tickets_waiting ON tickets(tenant_id, updated_at) WHERE status = 'waiting';
`,
  },
];
