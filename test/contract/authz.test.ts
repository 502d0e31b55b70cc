import { refusal } from '../../src/core/refusals.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type OperationName, type Role } from '../../src/core/api.js';
import type { Store } from '../../src/store/store.js';
import { fingerprint } from '../helpers/db.js';
import { inProcessApi, tenantAdmin, type InProcessApi, engines } from '../helpers/backends.js';

/**
 * The authorisation matrix of the API: every operation × no token, a bad token, each role, its
 * own tenant and the other tenant — 401, 403 and 404 where due, and nothing changed when refused.
 */
describe.each(engines)('API authorisation matrix (R1, R12, R13) (%s)', (engine) => {
  let api: InProcessApi;
  let file: string;
  let store: Store;
  let url: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, number> = {};

  const operator = (slug: string) => tenantAdmin(store, slug);

  beforeAll(async () => {
    api = await inProcessApi({ engine });
    ({ file, store } = api);
    const a = await operator('default');
    await a.createTenant('outra');
    for (const [slug, hd] of [['default', a], ['outra', await operator('outra')]] as const) {
      await hd.addDepartment('Suporte');
      await hd.addOrganization('Matriz');
      await hd.addOrganization('Norte', 'Matriz');
      await hd.addOrganization('Sul');
      await hd.addCustomer({ email: 'gerente@matriz.example', name: 'G', org: 'Matriz', manager: true });
      await hd.addCustomer({ email: 'gerente@sul.example', name: 'GS', org: 'Sul', manager: true });
      await hd.addCustomer({ email: 'ana@norte.example', name: 'Ana', org: 'Norte' });
      await hd.addCustomer({ email: 'caio@sul.example', name: 'Caio', org: 'Sul' });
      await hd.setSetting('approval.mode', 'all-departments');
      const norte = await hd.createTicket({ requester: 'ana@norte.example', department: 'Suporte', subject: 's', message: 'm' });
      const sul = await hd.createTicket({ requester: 'caio@sul.example', department: 'Suporte', subject: 's', message: 'm' });
      const t = await hd.createTicket({ requester: 'gerente@matriz.example', department: 'Suporte', subject: 's', message: 'm' });
      if (norte.outcome !== 'draft' || sul.outcome !== 'draft' || t.outcome !== 'ticket') throw new Error('fixture');
      ids[`${slug}:norteDraft`] = norte.draft.id;
      ids[`${slug}:sulDraft`] = sul.draft.id;
      ids[`${slug}:ticket`] = t.ticket.id;
      if (slug === 'default') {
        tokens.admin = (await hd.createToken({ name: 'admin', role: 'admin' })).token;
        tokens.manager = (await hd.createToken({ name: 'manager', role: 'manager', customer: 'gerente@matriz.example' })).token;
        tokens.customer = (await hd.createToken({ name: 'customer', role: 'customer', customer: 'ana@norte.example' })).token;
      } else {
        tokens.otherAdmin = (await hd.createToken({ name: 'admin', role: 'admin' })).token;
      }
    }
    url = await api.listen(Object.values(tokens));
  });
  afterAll(async () => {
    await api.close();
  });

  /** A well-formed call of each operation, so that only who calls it decides the answer. */
  const SAMPLES: Record<OperationName, { params?: Record<string, string>; body?: unknown; query?: string }> = {
    listTenants: {},
    createTenant: { body: { slug: 'x' } },
    removeTenant: { params: { slug: 'outra' } },
    getSettings: {},
    setSetting: { params: { key: 'reopen.allowed' }, body: { value: true } },
    getApproval: {},
    listRules: {},
    addRule: { body: { department: 'Suporte', scope: 'all' } },
    removeRules: { body: { ids: [999] } },
    removeRuleMatching: { body: { department: 'Suporte', scope: 'none' } },
    listDepartments: {},
    addDepartment: { body: { name: 'Nova' } },
    removeDepartment: { params: { name: 'Nenhum' } },
    listCategories: {},
    addCategory: { body: { name: 'Cat', department: 'Suporte' } },
    removeCategory: { params: { department: 'Suporte', name: 'Nenhuma' } },
    listOrganizations: {},
    addOrganization: { body: { name: 'Nova Org' } },
    setOrganizationParent: { params: { name: 'Sul' }, body: { parent: null } },
    removeOrganization: { params: { name: 'Nenhuma' } },
    listCustomers: {},
    addCustomer: { body: { email: 'novo@x.example', name: 'Novo' } },
    setCustomer: { params: { email: 'caio@sul.example' }, body: { name: 'Caio' } },
    removeCustomer: { params: { email: 'nobody@x.example' } },
    listAgents: {},
    addAgent: { body: { email: 'agente@x.example', name: 'Agente' } },
    setAgent: { params: { email: 'nobody@x.example' }, body: { name: 'X' } },
    removeAgent: { params: { email: 'nobody@x.example' } },
    createTicket: { body: { requester: 'ana@norte.example', department: 'Suporte', subject: 's', message: 'm', channel: 'api' } },
    listTickets: {},
    getTicket: { params: { ref: 'TICKET' } },
    solveTickets: { body: { ids: [999] } },
    assignTickets: { body: { ids: [999], agent: null } },
    closeTickets: { body: { ids: [999] } },
    reopenTickets: { body: { ids: [999], message: 'm' } },
    replyTicket: { params: { id: '999' }, body: { message: 'm' } },
    linkProcess: { params: { id: '999' }, body: { ref: 'P' } },
    rateTicket: { params: { id: '999' }, body: { rating: 5 } },
    listParticipants: { params: { ref: 'TICKET' } },
    addParticipants: { params: { ref: 'TICKET' }, body: { emails: ['nobody@x.example'] } },
    removeParticipants: { params: { ref: 'TICKET' }, body: { emails: ['nobody@x.example'] } },
    listTopics: {},
    addTopic: { body: { name: 'Novo assunto' } },
    removeTopic: { params: { name: 'Nenhum' } },
    listDrafts: {},
    getDraft: { params: { id: 'NORTE' } },
    decideDrafts: { body: { decision: 'approve', ids: [999] } },
    createToken: { body: { name: 'another', role: 'admin' } },
    listTokens: {},
    getWhatsapp: {},
    connectWhatsapp: { body: { phoneNumberId: '1234567890', secrets: { appSecret: 'a', accessToken: 'b', verifyToken: 'c' } } },
    disconnectWhatsapp: {},
    revokeToken: { params: { name: 'nobody' } },
    receiveWhatsApp: { body: { from: '+55 11 90000-0000', text: 'oi' } },
    listConversations: {},
    getConversation: { params: { id: '999' } },
    assignConversation: { params: { id: '999' }, body: { agent: null } },
    closeConversation: { params: { id: '999' }, body: {} },
    listTemplates: {},
    getTemplate: { params: { kind: 'ticket_opened' }, query: '?locale=en' },
    setTemplate: { params: { kind: 'ticket_opened' }, body: { locale: 'en', body: 'Ticket {{protocol}} is open.' } },
    resetTemplate: { params: { kind: 'ticket_opened' }, query: '?locale=en' },
    listNotifications: {},
    getPushSecret: {},
    setPushSecret: { body: { secret: 'a-push-secret-of-32-characters!!' } },
    clearPushSecret: {},
    listAudit: {},
    seed: { body: { fixture: {}, dryRun: true } },
    createTenantFromFixture: { body: { slug: 'x', fixture: {} } },
    generate: { body: { tickets: 1 } },
    exportStats: { query: '?by=department' },
    approvalStats: {},
    agentSummary: {},
    explainApproval: { body: { requester: 'ana@norte.example', department: 'Suporte' } },
    exportConfig: {},
    planConfig: { body: { config: {} } },
    applyConfig: { body: { config: {}, fingerprint: 'sha256:0' } },
    restoreDrafts: { body: { ids: [999] } },
    getNotification: { params: { id: '999' } },
    deliverNotifications: { body: { limit: 1 } },
    retryNotifications: { body: { ids: [999] } },
  };

  async function call(name: OperationName, token: string | undefined, tenant = 'default') {
    const op = API[name];
    const s = SAMPLES[name];
    const params: Record<string, string> = {
      tenant,
      ...s.params,
    };
    if (params.ref === 'TICKET') params.ref = String(ids[`${tenant}:ticket`]);
    if (params.id === 'NORTE') params.id = String(ids[`${tenant}:norteDraft`]);
    const path = (op.global ? op.path : `/v1/tenants/:tenant${op.path}`).replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(params[k]!));
    const res = await fetch(`${url}${path}${s.query ?? ''}`, {
      method: op.method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(s.body ? { 'content-type': 'application/json' } : {}) },
      body: s.body ? JSON.stringify(s.body) : undefined,
    });
    // Streamed answers are NDJSON: the first line stands for the whole.
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text.split('\n')[0]!) : {}) as Record<string, unknown> };
  }

  const names = Object.keys(API) as OperationName[];

  it('every operation has a sample call in this matrix', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...names].sort());
  });

  it.each(names)('%s: no token or a bad token is 401 and changes nothing', async (name) => {
    const before = fingerprint(file);
    for (const token of [undefined, 'dsk_not-a-real-token-at-all-0000000000']) {
      const r = await call(name, token);
      expect(r.status).toBe(401);
      expect((r.body.error as { code: string }).code).toBe('unauthenticated');
    }
    expect(fingerprint(file)).toBe(before);
  });

  it.each(names.filter((n) => !API[n].global))("R1: %s with another tenant's admin token is 404 and changes nothing", async (name) => {
    const before = fingerprint(file);
    const r = await call(name, tokens.otherAdmin, 'default');
    expect(r.status).toBe(404);
    expect(r.body.error).toEqual({ code: 'not_found', message: 'tenant "default" not found' });
    expect(fingerprint(file)).toBe(before);
  });

  const roles: Role[] = ['admin', 'manager', 'customer'];
  const cases = names.flatMap((n) => roles.map((role) => [n, role] as const));
  it.each(cases)('%s as %s: 403 exactly when the role may not, and then nothing changed', async (name, role) => {
    const before = fingerprint(file);
    const r = await call(name, tokens[role]);
    if (API[name].roles.includes(role)) {
      expect(r.status, JSON.stringify(r.body)).not.toBe(401);
      if (r.status === 403) expect(['createTenant', 'removeTenant', 'createTenantFromFixture', 'createTicket', 'getDraft']).toContain(name);
    } else {
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect((r.body.error as { code: string }).code).toBe('forbidden');
      // Issue 12, defect 5: a sentence a person wrote, never the operation's summary.
      const message = (r.body.error as { message: string }).message;
      expect(message).toBe(refusal(name, role, API[name].roles));
      expect(message).not.toMatch(/\(R\d/);
      expect(fingerprint(file)).toBe(before);
    }
  });

  it("R13: a manager token decides the drafts of its organization's children, not another organization's", async () => {
    const h = { authorization: `Bearer ${tokens.manager}`, 'content-type': 'application/json' };
    const norte = ids['default:norteDraft']!;
    const sul = ids['default:sulDraft']!;
    const before = fingerprint(file);
    const refused = await fetch(`${url}/v1/tenants/default/drafts/decisions`, { method: 'POST', headers: h, body: JSON.stringify({ decision: 'approve', ids: [sul] }) });
    // Another organization's draft is not found, as if it did not exist (issue 13).
    expect(await refused.json()).toMatchObject({ results: [{ id: sul, ok: false, error: { code: 'not_found' } }] });
    expect(fingerprint(file)).toBe(before);
    const seen = (await (await fetch(`${url}/v1/tenants/default/drafts`, { headers: h })).json()) as { items: { id: number; organization: string }[] };
    expect(seen.items.map((d) => d.id)).toContain(norte);
    expect(seen.items.map((d) => d.id)).not.toContain(sul);
    expect(new Set(seen.items.map((d) => d.organization))).toEqual(new Set(['Norte']));
    const ok = await fetch(`${url}/v1/tenants/default/drafts/decisions`, { method: 'POST', headers: h, body: JSON.stringify({ decision: 'approve', ids: [norte] }) });
    expect(await ok.json()).toMatchObject({ results: [{ id: norte, ok: true }] });
  });

  it("R36: a manager token explains requests of its organization and its children, not another organization's", async () => {
    const h = { authorization: `Bearer ${tokens.manager}`, 'content-type': 'application/json' };
    const explain = (requester: string) =>
      fetch(`${url}/v1/tenants/default/approval/explain`, { method: 'POST', headers: h, body: JSON.stringify({ requester, department: 'Suporte' }) });
    const own = await explain('ana@norte.example');
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ outcome: 'draft', notify: ['gerente@matriz.example'] });
    const other = await explain('caio@sul.example');
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: { code: 'not_found', message: 'customer caio@sul.example not found' } });
    expect((await explain('nobody@x.example')).status).toBe(404);
  });

  it('R12: a customer token lists its own drafts without details and cannot see one', async () => {
    const h = { authorization: `Bearer ${tokens.customer}`, 'content-type': 'application/json' };
    const mine = await fetch(`${url}/v1/tenants/default/tickets`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ department: 'Suporte', subject: 'meu', message: 'detalhe secreto' }),
    });
    expect(mine.status).toBe(201);
    const draft = ((await mine.json()) as { draft: { id: number; requester: string } }).draft;
    expect(draft.requester).toBe('ana@norte.example');
    const list = (await (await fetch(`${url}/v1/tenants/default/drafts`, { headers: h })).json()) as {
      items: { id: number; requester: string; message: string | null; fields: unknown }[];
    };
    expect(list.items.map((d) => d.id)).toContain(draft.id);
    for (const d of list.items) expect([d.requester, d.message, d.fields]).toEqual(['ana@norte.example', null, null]);
    expect((await fetch(`${url}/v1/tenants/default/drafts/${draft.id}`, { headers: h })).status).toBe(403);
    const forOther = await fetch(`${url}/v1/tenants/default/tickets`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ requester: 'caio@sul.example', department: 'Suporte', subject: 's', message: 'm' }),
    });
    expect(forOther.status).toBe(403);
  });
});
