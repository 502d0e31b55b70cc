import { describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { KIND_FIELDS, TEMPLATE_KINDS } from '../../src/core/templates.js';
import { LOCALES } from '../../src/core/model.js';
import { tenantIdBySlug } from '../../src/engine/context.js';
import { renderNotifications, type UnrenderedRow } from '../../src/engine/templates.js';
import { openStore, type Store } from '../../src/store/store.js';
import { backends, draftIn, eachSeeded, expectCode, notSetUp, P, report, request, ticketIn, type Opened } from '../helpers/backends.js';
import { fingerprint } from '../helpers/db.js';

const COLUMNS = ['id', 'tenant_id', 'kind', 'channel', 'to_address', 'subject', 'body', 'ref_type', 'ref_id', 'created_at'] as const;

describe.each(backends)('templates (R34) ($name)', (backend) => {
  let o: Opened;
  let hd: Helpdesk;
  eachSeeded(backend, (opened) => {
    o = opened;
    hd = opened.hd;
  });

  /** The outbox rows as the dispatcher claims them, rendered the way it renders them. */
  async function rendered(kind?: string) {
    const store: Store = await openStore(o.file);
    try {
      const tenant = await tenantIdBySlug(store, 'default');
      let q = store.db.selectFrom('notifications').select(COLUMNS).where('tenant_id', '=', tenant).orderBy('id');
      if (kind) q = q.where('kind', '=', kind);
      const rows: UnrenderedRow[] = await q.execute();
      const out = await renderNotifications(store.db, rows);
      return rows.map((r) => ({ row: r, ...out.get(r.id)! }));
    } finally {
      await store.close();
    }
  }

  it('R34: list, show, set and reset; set twice is reported, not failed; each change audited', async () => {
    const all = await hd.listTemplates();
    expect(all.map((t) => `${t.kind}/${t.locale}`)).toEqual(TEMPLATE_KINDS.flatMap((k) => LOCALES.map((l) => `${k}/${l}`)));
    expect(all.every((t) => !t.overridden && t.updatedAt === null)).toBe(true);
    expect(all.find((t) => t.kind === 'ticket_opened' && t.locale === 'pt-BR')!.subject).toBe('Chamado {{protocol}} aberto: {{subject}}');
    expect(all.find((t) => t.kind === 'whatsapp_ask_email')!.subject).toBeNull();

    // show: the tenant's locale by default (pt-BR for a new tenant), with the fields the kind may use.
    const shown = await hd.showTemplate('ticket_opened');
    expect(shown).toMatchObject({ kind: 'ticket_opened', locale: 'pt-BR', overridden: false, subject: 'Chamado {{protocol}} aberto: {{subject}}' });
    expect(shown.body).toContain('abrimos o chamado {{protocol}}');
    expect(shown.fields.map((f) => f.name)).toEqual([...KIND_FIELDS.ticket_opened]);
    expect((await hd.showTemplate('ticket_opened', 'en')).subject).toBe('Ticket {{protocol}} opened: {{subject}}');

    const body = 'Olá, {{requester}}!\n\nSeu chamado {{protocol}} foi aberto.{{#link}}\nAcompanhe: {{link}}{{/link}}\n';
    const set = await hd.setTemplate('ticket_opened', { locale: 'pt-BR', subject: 'Chamado {{protocol}} aberto', body });
    expect(set).toMatchObject({ kind: 'ticket_opened', locale: 'pt-BR', overridden: true, subject: 'Chamado {{protocol}} aberto', body: body.trimEnd(), changed: true });
    expect(set.updatedAt).toEqual(expect.any(String));
    expect(await hd.showTemplate('ticket_opened', 'pt-BR')).toMatchObject({ overridden: true, subject: 'Chamado {{protocol}} aberto', body: body.trimEnd() });
    const listed = (await hd.listTemplates()).filter((t) => t.overridden);
    expect(listed.map((t) => `${t.kind}/${t.locale}`)).toEqual(['ticket_opened/pt-BR']);
    // The same again changes nothing; a new body without a subject keeps the subject it has.
    const before = fingerprint(o.file);
    expect(await hd.setTemplate('ticket_opened', { locale: 'pt-BR', subject: 'Chamado {{protocol}} aberto', body })).toMatchObject({ changed: false });
    expect(fingerprint(o.file)).toBe(before);
    expect(await hd.setTemplate('ticket_opened', { locale: 'pt-BR', body: 'Chamado {{protocol}}.' })).toMatchObject({ changed: true, subject: 'Chamado {{protocol}} aberto', body: 'Chamado {{protocol}}.' });
    // A WhatsApp reply: a body only.
    expect(await hd.setTemplate('whatsapp_ask_email', { locale: 'en', body: 'Hi! This is {{tenant}}. What is your e-mail?' })).toMatchObject({ subject: null, changed: true });

    const reset = await hd.resetTemplate('ticket_opened', 'pt-BR');
    expect(reset).toMatchObject({ overridden: false, changed: true, subject: 'Chamado {{protocol}} aberto: {{subject}}', updatedAt: null });
    expect(await hd.resetTemplate('ticket_opened', 'pt-BR')).toMatchObject({ changed: false });
    const trail = (await hd.listAudit({})).filter(notSetUp).filter((e) => e.entity === 'template');
    expect(trail.map((e) => [e.action, e.entityId])).toEqual([
      ['template.set', 'ticket_opened/pt-BR'],
      ['template.set', 'ticket_opened/pt-BR'],
      ['template.set', 'whatsapp_ask_email/en'],
      ['template.reset', 'ticket_opened/pt-BR'],
    ]);
    expect(trail[0]!.details).toMatchObject({ kind: 'ticket_opened', locale: 'pt-BR', subject: 'Chamado {{protocol}} aberto' });
  });

  it('R34: a template that uses an unknown field, a partial or unescaped output is refused at set (invalid input, exit 2 / HTTP 400); nothing is written', async () => {
    const before = fingerprint(o.file);
    const e = await expectCode(hd.setTemplate('draft_rejected', { locale: 'pt-BR', body: 'Recusado: {{motivo}}' }), 'invalid_input');
    expect(e.message).toContain('template draft_rejected (pt-BR), body, line 1, column 11: unknown field "motivo"');
    expect(e.message).toContain(`the fields of draft_rejected are ${KIND_FIELDS.draft_rejected.join(', ')}`);
    expect(e.exitCode).toBe(2);
    await expectCode(hd.setTemplate('ticket_opened', { locale: 'en', body: '{{> footer}}' }), 'invalid_input');
    await expectCode(hd.setTemplate('ticket_opened', { locale: 'en', body: '{{{subject}}}' }), 'invalid_input');
    await expectCode(hd.setTemplate('ticket_opened', { locale: 'en', subject: 'Ticket {{number}}', body: 'ok' }), 'invalid_input');
    await expectCode(hd.setTemplate('ticket_opened', { locale: 'en', body: '{{#link}}open' }), 'invalid_input');
    await expectCode(hd.setTemplate('whatsapp_choice', { locale: 'en', subject: 'Hi', body: 'Hi' }), 'invalid_input');
    // An unknown kind or locale names the known ones.
    expect((await expectCode(hd.setTemplate('ticket_opend', { locale: 'en', body: 'x' }), 'invalid_input')).message).toContain('unknown template "ticket_opend" (did you mean "ticket_opened"?)');
    expect((await expectCode(hd.setTemplate('ticket_opened', { locale: 'pt', body: 'x' }), 'invalid_input')).message).toContain('expected pt-BR or en');
    await expectCode(hd.showTemplate('nope'), 'invalid_input');
    await expectCode(hd.resetTemplate('ticket_opened', 'fr'), 'invalid_input');
    expect(fingerprint(o.file)).toBe(before);
  });

  it('R34: renderNotifications: a ticket opened and a rejected draft with its reason, in pt-BR and in en, from the facts of each', async () => {
    await hd.setSetting('portal.url', 'https://help.example.com');
    const t = await ticketIn(hd, request(P.ana, { subject: 'Impressora <HP> não imprime', category: 'Acesso' }));
    await hd.setSetting('approval.mode', 'all-departments');
    const d = await draftIn(hd, request(P.ana, { subject: 'Acesso ao ERP', message: 'Preciso do módulo financeiro.' }));
    report(await hd.decideDrafts({ decision: 'reject', ids: [d.id], reason: 'Fora do contrato <b>vigente</b>' }));

    let out = await rendered();
    const opened = out.find((n) => n.row.kind === 'ticket_opened')!;
    expect(opened.subject).toBe(`Chamado ${t.protocol} aberto: Impressora <HP> não imprime`);
    expect(opened.text).toContain('Olá, Ana!');
    expect(opened.text).toContain(`abrimos o chamado ${t.protocol}. Em breve a nossa equipe de Suporte`);
    expect(opened.text).toContain('Categoria: Acesso');
    expect(opened.text).toContain(`Acompanhe o chamado por este link: https://help.example.com/tickets/${t.protocol}`);
    expect(opened.html).toContain('Assunto: Impressora &lt;HP&gt; não imprime');
    expect(opened.html).toContain(`<a href="https://help.example.com/tickets/${t.protocol}">`);

    const rejected = out.find((n) => n.row.kind === 'draft_rejected')!;
    expect(rejected.row.to_address).toBe(P.ana);
    expect(rejected.subject).toBe('Solicitação não aprovada: Acesso ao ERP');
    expect(rejected.text).toContain('Motivo informado: Fora do contrato <b>vigente</b>');
    // The managers who may decide it: the parent organization's (R13).
    expect(rejected.text).toContain('fale com o gestor responsável (Gerente da Matriz)');
    expect(rejected.html).toContain('Motivo informado: Fora do contrato &lt;b&gt;vigente&lt;/b&gt;');
    expect(rejected.html).not.toContain('<b>');

    // The announcement went by e-mail and push: HTML only for the e-mail, the push text is the body.
    const pending = out.filter((n) => n.row.kind === 'draft_pending');
    expect(pending.map((n) => n.row.channel).sort()).toEqual(['email', 'push']);
    for (const n of pending) {
      expect(n.text).toContain('Olá, Gerente da Matriz!');
      expect(n.text).toContain('Ana (Filial Norte) abriu uma solicitação');
      expect(n.text).toContain('Mensagem:\nPreciso do módulo financeiro.');
      expect(n.html === null).toBe(n.row.channel === 'push');
    }

    // The same rows in English once the tenant's locale is en.
    await hd.setSetting('locale', 'en');
    out = await rendered();
    expect(out.find((n) => n.row.kind === 'ticket_opened')!.subject).toBe(`Ticket ${t.protocol} opened: Impressora <HP> não imprime`);
    const en = out.find((n) => n.row.kind === 'draft_rejected')!;
    expect(en.subject).toBe('Request not approved: Acesso ao ERP');
    expect(en.text).toContain('Hello Ana,');
    expect(en.text).toContain('Reason given: Fora do contrato <b>vigente</b>');
    expect(en.html).toMatch(/<html lang="en">/);
  });

  it("R34: a tenant's override takes effect at the next rendering; a reference that is gone renders with what is left; a text written when queued is kept", async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    const d = await draftIn(hd, request(P.ana, { subject: 'Acesso ao ERP' }));
    report(await hd.decideDrafts({ decision: 'reject', ids: [d.id], reason: 'sem verba' }));
    await hd.setTemplate('draft_rejected', { locale: 'pt-BR', subject: 'Recusada: {{subject}}', body: 'Prezada(o) {{requester}},\n\n{{#reason}}Motivo: {{reason}}{{/reason}}{{^reason}}Sem motivo.{{/reason}}' });
    const [r] = await rendered('draft_rejected');
    expect(r!.subject).toBe('Recusada: Acesso ao ERP');
    expect(r!.text).toBe('Prezada(o) Ana,\n\nMotivo: sem verba');
    expect(r!.html).toContain('<p>Prezada(o) Ana,</p>\n<p>Motivo: sem verba</p>');
    // The other language keeps its built-in template.
    await hd.setSetting('locale', 'en');
    expect((await rendered('draft_rejected'))[0]!.subject).toBe('Request not approved: Acesso ao ERP');

    // Rows about things that are not there (any more): rendered, never thrown.
    const store = await openStore(o.file);
    try {
      const tenant = await tenantIdBySlug(store, 'default');
      const base = { tenant_id: tenant, channel: 'email', to_address: 'nobody@x.example', subject: 'queued subject', body: null, created_at: new Date().toISOString() };
      const rows: UnrenderedRow[] = [
        { ...base, id: -1, kind: 'ticket_solved', ref_type: 'ticket', ref_id: 987_654 },
        { ...base, id: -2, kind: 'draft_pending', ref_type: 'draft', ref_id: 987_654 },
        { ...base, id: -3, kind: 'whatsapp_message', channel: 'whatsapp', to_address: '5511900000000', body: 'Olá <já escrito>', ref_type: 'conversation', ref_id: 987_654 },
        { ...base, id: -4, kind: 'account_created', body: 'Olá <Ana>\n\nlink', ref_type: 'customer', ref_id: 987_654 },
        { ...base, id: -5, kind: 'ticket_reminder', ref_type: null, ref_id: null },
      ];
      const out = await renderNotifications(store.db, rows);
      expect(out.get(-1)).toMatchObject({ subject: 'Ticket solved:', html: expect.stringContaining('<!DOCTYPE html>') });
      expect(out.get(-1)!.text).toContain('Hello,');
      expect(out.get(-2)!.subject).toBe('Approval needed:');
      expect(out.get(-3)).toEqual({ subject: 'queued subject', text: 'Olá <já escrito>', html: null });
      expect(out.get(-4)!.text).toBe('Olá <Ana>\n\nlink');
      expect(out.get(-4)!.html).toContain('<p>Olá &lt;Ana&gt;</p>\n<p>link</p>');
      expect(out.get(-5)!.text).not.toContain('{{');
      expect(await renderNotifications(store.db, [])).toEqual(new Map());
    } finally {
      await store.close();
    }
  });

  it('R34: the facts of each kind: the answer a reply wrote, a rating to the admin agents, a restored draft to its requester and its managers, how long a request waits', async () => {
    await hd.addAgent({ email: 'chefe@deskctl.dev', name: 'Chefe do Suporte', departments: ['Suporte'], admin: true });
    const t = await ticketIn(hd, request(P.ana, { subject: 'Sem rede' }));
    await hd.replyTicket(t.id, 'Reinicie o roteador, por favor.');
    await hd.solveTickets([t.id]);
    await hd.rateTicket(t.id, 5, 'Resolveu rápido');
    await hd.setSetting('approval.mode', 'all-departments');
    const d = await draftIn(hd, request(P.ana, { subject: 'Acesso ao ERP' }));
    report(await hd.decideDrafts({ decision: 'reject', ids: [d.id] }));
    await hd.restoreDrafts({ ids: [d.id] });

    const out = await rendered();
    const one = (kind: string, to: string, channel = 'email') => out.find((n) => n.row.kind === kind && n.row.to_address === to && n.row.channel === channel)!;
    expect(one('ticket_answered', P.ana).text).toContain(`Há uma nova resposta no seu chamado ${t.protocol} (Sem rede):\n\nReinicie o roteador, por favor.`);
    // Solved without a note: the earlier answer is not told as if it were one.
    expect(one('ticket_solved', P.ana).text).not.toContain('Reinicie');
    const rated = one('ticket_rated', 'chefe@deskctl.dev');
    expect(rated.subject).toBe(`Chamado ${t.protocol} avaliado com nota 5: Sem rede`);
    expect(rated.text).toContain('Olá, Chefe do Suporte!');
    expect(rated.text).toContain('Ana avaliou o atendimento');
    expect(rated.text).toContain('Comentário: "Resolveu rápido"');
    // A rejected draft rejected without a reason says none.
    expect(one('draft_rejected', P.ana).text).not.toContain('Motivo');
    expect(one('draft_restored', P.ana).subject).toBe('Sua solicitação voltou para aprovação: Acesso ao ERP');
    const manager = one('draft_restored', P.gerente);
    expect(manager.subject).toBe('Aprovação pendente novamente: Acesso ao ERP');
    expect(manager.text).toContain('Olá, Gerente da Matriz!');
    expect(manager.text).toContain('aberta por Ana (Filial Norte), foi desfeita');
    expect(one('draft_restored', P.gerente, 'push').html).toBeNull();

    // A reminder 26 hours after the request was made (R35's rows are the dispatcher's; this one is made up).
    const pending = out.find((n) => n.row.kind === 'draft_pending')!.row;
    const store = await openStore(o.file);
    try {
      const at = new Date(Date.parse(pending.created_at) + 26 * 3_600_000).toISOString();
      const reminder: UnrenderedRow = { ...pending, id: -10, kind: 'draft_reminder', created_at: at };
      const r = (await renderNotifications(store.db, [reminder])).get(-10)!;
      expect(r.subject).toBe('Lembrete: aprovação pendente há 26 horas – Acesso ao ERP');
      expect(r.text).toContain('aguarda a sua aprovação há 26 horas');
    } finally {
      await store.close();
    }
  });
});
