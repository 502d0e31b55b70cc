import { describe, expect, it } from 'vitest';
import type { ConfigDoc, Helpdesk } from '../../src/client/helpdesk.js';
import { DeskctlError } from '../../src/core/errors.js';
import { backends, eachSeeded, expectCode, P, request, type Opened } from '../helpers/backends.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe.each(backends)('configuration as code (R37) ($name)', (backend) => {
  let hd: Helpdesk;
  let opened: Opened;
  eachSeeded(backend, async (o) => {
    opened = o;
    hd = o.hd;
    await hd.setSetting('approval.mode', 'departments');
    await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso' });
    await hd.addRule({ department: 'Financeiro', scope: 'all' });
  });

  it('R37 with R33-R35: the sender, the push URL, the reminder hours and the language are configuration as code too', async () => {
    const doc = await hd.exportConfig();
    expect(doc.settings).toMatchObject({ locale: 'pt-BR', 'notifications.from': null, 'notifications.pushUrl': null, 'approval.remindAfterHours': 0 });
    const wanted = clone(doc);
    Object.assign(wanted.settings!, { 'notifications.from': 'Central <ajuda@norte.example>', 'approval.remindAfterHours': 24, locale: 'en' });
    const plan = await hd.planConfig(wanted);
    expect(plan.changes.map((c) => c.key).sort()).toEqual(['approval.remindAfterHours', 'locale', 'notifications.from']);
    await hd.applyConfig(wanted, plan.fingerprint);
    expect(await hd.getSettings()).toMatchObject({ 'notifications.from': 'Central <ajuda@norte.example>', 'approval.remindAfterHours': 24, locale: 'en' });
    expect((await hd.planConfig(wanted)).changes).toEqual([]);
    // A sender that is not an address is refused with its path, and nothing is applied.
    const bad = clone(wanted);
    bad.settings!['notifications.from'] = 'Central de Ajuda';
    const e = await expectCode(hd.planConfig(bad), 'invalid_input');
    expect(e.message).toContain('notifications.from');
  });

  it('R37: the export covers settings, departments and categories, organizations with parents, agents and rules, and plans as no changes', async () => {
    const doc = await hd.exportConfig();
    expect(doc.settings).toMatchObject({ 'approval.mode': 'departments', 'undo.windowHours': 24 });
    expect(doc.departments).toEqual([
      { name: 'Suporte', categories: ['Acesso', 'Rede'] },
      { name: 'Financeiro', categories: ['Boleto'] },
    ]);
    expect(doc.organizations).toEqual([
      { name: 'Matriz', parent: null },
      { name: 'Filial Norte', parent: 'Matriz' },
      { name: 'Avulsa', parent: null },
    ]);
    expect(doc.agents).toEqual([{ email: P.agent, name: 'Agente', departments: ['Suporte', 'Financeiro'], admin: false }]);
    expect(doc.rules).toEqual([
      { department: 'Suporte', category: 'Acesso' },
      { department: 'Financeiro', scope: 'all' },
    ]);
    expect(doc).not.toHaveProperty('customers');
    const plan = await hd.planConfig(doc);
    expect(plan.changes).toEqual([]);
    expect(plan.summary).toEqual({ add: 0, change: 0, remove: 0 });
    // The fixture format: seed reads an export as it is, and changes nothing.
    const seeded = await hd.seed(doc);
    expect(seeded.changed).toBe(false);
  });

  it('R37: edit, plan, apply, plan again: no changes; a rule that differs is a removal and an addition (R6)', async () => {
    const doc: ConfigDoc = clone(await hd.exportConfig());
    doc.settings['reopen.allowed'] = true;
    doc.departments.push({ name: 'Comercial', categories: ['Vendas'] });
    doc.departments[0]!.categories = ['Acesso'];
    doc.organizations[1]!.parent = null;
    doc.organizations.push({ name: 'Filial Sul', parent: 'Matriz' });
    doc.agents[0]!.departments = ['Comercial'];
    doc.agents.push({ email: 'nova@deskctl.dev', name: 'Nova', departments: ['Suporte'], admin: true });
    doc.rules = [{ department: 'Suporte', scope: 'none' }, { department: 'Financeiro', scope: 'all' }];
    const plan = await hd.planConfig(doc);
    const lines = plan.changes.map((c) => `${c.action} ${c.kind} ${c.key}`);
    expect(lines).toEqual([
      'change setting reopen.allowed',
      'remove rule Suporte: category Acesso',
      'remove category Suporte/Rede',
      'add department Comercial',
      'add category Comercial/Vendas',
      'change organization Filial Norte',
      'add organization Filial Sul',
      `change agent ${P.agent}`,
      'add agent nova@deskctl.dev',
      'add rule Suporte: no category',
    ]);
    expect(plan.summary).toEqual({ add: 5, change: 3, remove: 2 });
    const applied = await hd.applyConfig(doc, plan.fingerprint);
    expect(applied.summary).toEqual(plan.summary);
    expect((await hd.planConfig(doc)).changes).toEqual([]);
    expect((await hd.planConfig(await hd.exportConfig())).changes).toEqual([]);
    expect((await hd.getSettings())['reopen.allowed']).toBe(true);
    expect((await hd.listOrganizations()).find((o) => o.name === 'Filial Sul')?.parent).toBe('Matriz');
    expect((await hd.listAgents()).find((a) => a.email === P.agent)?.departments).toEqual(['Comercial']);
    expect((await hd.listRules()).map((r) => [r.department, r.scope])).toEqual([
      ['Financeiro', 'all'],
      ['Suporte', 'none'],
    ]);
    const audit = await hd.listAudit({ action: 'config.apply' });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ add: 5, change: 3, remove: 2 });
    expect((await hd.listAudit({ action: 'rule.*' })).some((e) => (e.details as { source?: string }).source === 'config')).toBe(true);
  });

  it('R37: what the file leaves out is removed; settings left out stay as they are', async () => {
    await hd.setSetting('timezone', 'America/Sao_Paulo');
    const doc: ConfigDoc = clone(await hd.exportConfig());
    doc.settings = { 'approval.mode': 'disabled' };
    doc.organizations = doc.organizations.filter((o) => o.name !== 'Avulsa');
    // Avulsa has a customer: it cannot go.
    const refused = await expectCode(hd.planConfig(doc), 'invalid_input');
    expect(refused.message).toContain('organizations: organization "Avulsa" is not in the file');
    await hd.removeCustomer(P.bia);
    const plan = await hd.planConfig(doc);
    expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual(['change setting approval.mode', 'remove organization Avulsa']);
    await hd.applyConfig(doc);
    expect((await hd.getSettings()).timezone).toBe('America/Sao_Paulo');
    expect((await hd.listOrganizations()).map((o) => o.name)).not.toContain('Avulsa');
  });

  it('R37: a saved plan made against another state is refused and nothing is applied', async () => {
    const doc: ConfigDoc = clone(await hd.exportConfig());
    doc.departments.push({ name: 'Comercial', categories: [] });
    const plan = await hd.planConfig(doc);
    await hd.addOrganization('Entrou Depois');
    const before = await hd.exportConfig();
    await expectCode(hd.applyConfig(doc, plan.fingerprint), 'precondition_failed');
    expect(await hd.exportConfig()).toEqual(before);
  });

  it('R37: two plans of one state applied at once: one wins, the other is refused', async () => {
    const base = await hd.exportConfig();
    const a: ConfigDoc = clone(base);
    a.departments.push({ name: 'A', categories: [] });
    const b: ConfigDoc = clone(base);
    b.departments.push({ name: 'B', categories: [] });
    const [pa, pb] = [await hd.planConfig(a), await hd.planConfig(b)];
    expect(pa.fingerprint).toBe(pb.fingerprint);
    const outcomes = await Promise.allSettled([hd.applyConfig(a, pa.fingerprint), hd.applyConfig(b, pb.fingerprint)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(DeskctlError);
    expect((lost.reason as DeskctlError).code).toBe('precondition_failed');
    const names = (await hd.listDepartments()).map((d) => d.name);
    expect(names.filter((n) => n === 'A' || n === 'B')).toHaveLength(1);
  });

  it('R37: what a plan may not do is reported at plan time with the path of the entry', async () => {
    await hd.createTicket(request(P.ana, { category: 'Rede' }));
    const doc: ConfigDoc = clone(await hd.exportConfig());
    doc.organizations[0]!.parent = 'Filial Norte'; // Matriz → Filial Norte → Matriz
    doc.organizations.push({ name: 'Solta', parent: 'Fantasma' });
    doc.departments[0]!.categories = ['Acesso']; // Rede has a ticket
    doc.departments = doc.departments.filter((d) => d.name !== 'Financeiro'); // its rule stays
    doc.agents[0]!.departments = ['Suporte', 'Financeiro'];
    const e = await expectCode(hd.planConfig({ ...doc, customers: [{ email: 'x@y.example', name: 'X' }] }), 'invalid_input');
    for (const path of [
      'departments[0].categories: category "Rede" is not in the list',
      'organizations[0].parent: "Matriz" → "Filial Norte" → "Matriz" would be a cycle of parents (R2)',
      'organizations[3].parent: unknown organization "Fantasma"',
      'agents[0].departments[1]: unknown department "Financeiro"',
      'rules[1].department: unknown department "Financeiro"',
      'customers: customers are data, not configuration',
    ]) {
      expect(e.message).toContain(path);
    }
    // A department with tickets cannot leave the file either.
    const noSuporte = clone(await hd.exportConfig());
    noSuporte.departments = noSuporte.departments.filter((d) => d.name !== 'Suporte');
    noSuporte.rules = noSuporte.rules.filter((r) => r.department !== 'Suporte');
    noSuporte.agents[0]!.departments = ['Financeiro'];
    expect((await expectCode(hd.planConfig(noSuporte), 'invalid_input')).message).toContain('departments: department "Suporte" is not in the file');
    await expectCode(hd.applyConfig(noSuporte), 'invalid_input');
    expect((await hd.listDepartments()).map((d) => d.name)).toContain('Suporte');
    void opened;
  });
});
