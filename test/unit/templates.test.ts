import { describe, expect, it } from 'vitest';
import { DeskctlError } from '../../src/core/errors.js';
import { LOCALES } from '../../src/core/model.js';
import {
  builtinTemplate,
  checkTemplate,
  FIELDS,
  htmlFromText,
  joinNames,
  KIND_FIELDS,
  renderTemplate,
  TEMPLATE_KINDS,
  waitingWords,
  WHATSAPP_TEMPLATES,
  type Field,
  type TemplateKind,
  type Values,
} from '../../src/core/templates.js';

/** A value for every field, each one telling where it lands. */
const SAMPLE: Record<Field, string | number | boolean> = {
  tenant: 'Acme Suporte',
  portal: 'https://help.acme.example',
  recipient: 'Conceição Araújo',
  protocol: '2026-000042',
  subject: 'Impressora não imprime',
  status: 'Aberto',
  link: 'https://help.acme.example/tickets/2026-000042',
  requester: 'João Gonçalves',
  requesterEmail: 'joao@norte.example',
  organization: 'Filial Norte',
  department: 'Suporte',
  category: 'Hardware',
  agent: 'Agente Único',
  message: 'Trocamos o cartucho.',
  draft: 77,
  managers: 'Gerente da Matriz e Outra Gerente',
  reason: 'fora do contrato',
  toRequester: true,
  rating: 4,
  comment: 'Muito rápido',
  hours: 26,
  waiting: '26 horas',
  email: 'conceicao@example.com',
};
const all = (kind: TemplateKind): Values => Object.fromEntries(KIND_FIELDS[kind].map((f) => [f, SAMPLE[f]]));

/** The refusal of a template, as set would meet it. */
function refusal(kind: TemplateKind, given: { subject?: string | null; body: string }, locale: 'pt-BR' | 'en' = 'pt-BR'): DeskctlError {
  try {
    checkTemplate(kind, locale, given);
  } catch (e) {
    expect(e).toBeInstanceOf(DeskctlError);
    expect((e as DeskctlError).code).toBe('invalid_input');
    expect((e as DeskctlError).exitCode).toBe(2);
    return e as DeskctlError;
  }
  throw new Error('expected the template to be refused');
}

const cases = TEMPLATE_KINDS.flatMap((kind) => LOCALES.map((locale) => [kind, locale] as const));

describe('R34: the built-in templates', () => {
  it('every field a kind may use is described, and every kind has a built-in template in each locale', () => {
    for (const kind of TEMPLATE_KINDS) {
      for (const f of KIND_FIELDS[kind]) expect(FIELDS[f], `${kind}: ${f}`).toBeTruthy();
      for (const locale of LOCALES) expect(builtinTemplate(kind, locale).body.length).toBeGreaterThan(0);
    }
    expect(TEMPLATE_KINDS).not.toContain('whatsapp_message');
  });

  it.each(cases)('R34: %s (%s) passes its own check and renders with its fields', (kind, locale) => {
    const t = builtinTemplate(kind, locale);
    // A built-in template would be accepted from a tenant as it is.
    expect(checkTemplate(kind, locale, t)).toEqual(t);
    const r = renderTemplate(kind, locale, t, all(kind), { html: true });
    for (const part of [r.subject, r.text, r.html!]) {
      expect(part).not.toMatch(/\{\{|\}\}/);
      expect(part).not.toMatch(/\n{3,}/);
    }
    expect(r.subject).not.toMatch(/\n/);
    expect(r.subject.length).toBeGreaterThan(0);
    // The facts that matter to each kind are in the text.
    const must: Field[] = ['protocol', 'reason', 'rating', 'waiting', 'email'];
    for (const f of must) if (KIND_FIELDS[kind].includes(f) && kind !== 'account_created') expect(r.text, `${kind} ${f}`).toContain(String(SAMPLE[f]));
    if (KIND_FIELDS[kind].includes('subject') && !(WHATSAPP_TEMPLATES as readonly string[]).includes(kind)) expect(r.text).toContain(SAMPLE.subject);
    if (KIND_FIELDS[kind].includes('link') && kind !== 'draft_restored') expect(r.text).toContain(String(SAMPLE.link));
    if (KIND_FIELDS[kind].includes('managers') && kind !== 'draft_pending' && kind !== 'draft_waiting' && kind !== 'draft_reminder' && kind !== 'draft_restored') {
      expect(r.text).toContain(String(SAMPLE.managers));
    }
    // Nothing but the kind's fields is ever in the view: no other context is looked into.
    expect(r.html).toMatch(/^<!DOCTYPE html>\n<html lang="(pt-BR|en)">/);
  });

  it.each(cases)('R34: %s (%s) renders with none of its fields known (a reference that is gone)', (kind, locale) => {
    const r = renderTemplate(kind, locale, builtinTemplate(kind, locale), {}, { html: true });
    expect(r.text).not.toMatch(/\{\{|\n{3,}/);
    expect(r.text.trim()).toBe(r.text);
  });

  it('R34: pt-BR is the language of Brazilian helpdesks, not a translation of the English text', () => {
    const pt = renderTemplate('draft_rejected', 'pt-BR', builtinTemplate('draft_rejected', 'pt-BR'), { recipient: 'Ana', subject: 'Acesso ao ERP', reason: 'fora do contrato', tenant: 'Acme' });
    expect(pt.subject).toBe('Solicitação não aprovada: Acesso ao ERP');
    expect(pt.text).toContain('Olá, Ana!');
    expect(pt.text).toContain('Motivo informado: fora do contrato');
    expect(pt.text).toContain('Atenciosamente,\nCentral de Atendimento Acme');
    const en = renderTemplate('draft_rejected', 'en', builtinTemplate('draft_rejected', 'en'), { recipient: 'Ana', subject: 'ERP access', reason: 'out of contract', tenant: 'Acme' });
    expect(en.text).toContain('Reason given: out of contract');
    // Sections drop what is not known: no reason, no line for it.
    expect(renderTemplate('draft_rejected', 'pt-BR', builtinTemplate('draft_rejected', 'pt-BR'), { subject: 'x' }).text).not.toContain('Motivo');
  });

  it('R34: the WhatsApp replies keep the words customers were sent before they became templates', () => {
    const say = (kind: TemplateKind, values: Values = {}) => renderTemplate(kind, 'pt-BR', builtinTemplate(kind, 'pt-BR'), values).text;
    expect(say('whatsapp_ask_email')).toBe('Olá! Para darmos andamento ao seu atendimento, por favor, informe o seu e-mail.');
    expect(say('whatsapp_ticket_opened', { protocol: '2026-000001', link: 'https://h.example/tickets/2026-000001' })).toBe(
      'Pronto! Abrimos o seu chamado número 2026-000001. Você pode acompanhá-lo por este link: https://h.example/tickets/2026-000001',
    );
    expect(say('whatsapp_ticket_opened', { protocol: '2026-000001' })).toBe('Pronto! Abrimos o seu chamado número 2026-000001. Vamos continuar o atendimento por aqui.');
    // A WhatsApp reply has no subject: its first line stands for it.
    expect(renderTemplate('whatsapp_choice', 'pt-BR', builtinTemplate('whatsapp_choice', 'pt-BR'), {}).subject).toBe('Olá! Como você prefere seguir?');
  });

  it('values in words: managers joined, waiting times', () => {
    expect(joinNames(['Ana', 'Bruno', 'Carla'], 'pt-BR')).toBe('Ana, Bruno e Carla');
    expect(joinNames(['Ana', 'Bruno'], 'en')).toBe('Ana and Bruno');
    expect(joinNames([], 'en')).toBe('');
    expect(waitingWords(1, 'pt-BR')).toBe('1 hora');
    expect(waitingWords(26.9, 'pt-BR')).toBe('26 horas');
    expect(waitingWords(75, 'pt-BR')).toBe('3 dias');
    expect(waitingWords(1, 'en')).toBe('1 hour');
  });
});

describe('R34: a template is refused when it is set, never when it is sent', () => {
  it('an unknown field is refused, naming the template, the field and the fields the kind knows', () => {
    const e = refusal('ticket_opened', { body: 'Olá!\nSeu chamado {{protocolo}} foi aberto.' });
    expect(e.message).toContain('template ticket_opened (pt-BR), body, line 2, column 13: unknown field "protocolo" (did you mean "protocol"?)');
    expect(e.message).toContain(`the fields of ticket_opened are ${KIND_FIELDS.ticket_opened.join(', ')}`);
    // In the subject, and in a section.
    expect(refusal('ticket_opened', { subject: 'Chamado {{numero}}', body: 'ok' }).message).toMatch(/^template ticket_opened \(pt-BR\), subject, line 1, column 9: unknown field "numero"/);
    expect(refusal('draft_rejected', { body: '{{#motivo}}Motivo: {{motivo}}{{/motivo}}' }, 'en').message).toContain('template draft_rejected (en), body, line 1, column 1: unknown section over the field "motivo"');
    // A field of another kind is unknown here (a ticket has no rejection reason).
    expect(refusal('ticket_opened', { body: '{{reason}}' }).message).toContain('unknown field "reason"');
    // Dotted names and the implicit iterator name nothing.
    expect(refusal('ticket_opened', { body: '{{requester.name}}' }).message).toContain('unknown field "requester.name"');
    expect(refusal('ticket_opened', { body: '{{#link}}{{.}}{{/link}}' }).message).toContain('unknown field "."');
  });

  it('partials, unescaped output (triple mustache, {{&…}}) and other delimiters are refused', () => {
    expect(refusal('ticket_opened', { body: 'Olá {{> cabecalho}}' }).message).toContain('partials ({{>cabecalho}}) are refused');
    expect(refusal('ticket_opened', { body: 'Olá {{{requester}}}' }).message).toContain('{{{requester}}} and {{&requester}} print a value without escaping and are refused; write {{requester}}');
    expect(refusal('ticket_opened', { body: 'Olá {{& requester}}' }).message).toContain('print a value without escaping');
    expect(refusal('ticket_opened', { body: '{{=<% %>=}}Olá <% requester %>' }).message).toContain('changing the delimiters');
  });

  it('unbalanced tags are refused with where they are', () => {
    expect(refusal('ticket_opened', { body: 'Olá\n{{#link}}Veja: {{link}}' }).message).toMatch(/body, line 2, column \d+: unclosed section \(no \{\{\/…\}\} for it\): "link"/);
    expect(refusal('ticket_opened', { body: 'Olá {{/link}}' }).message).toMatch(/body, line 1, column 5: closing a section that was not opened: "link"/);
    expect(refusal('ticket_opened', { body: 'Olá {{requester' }).message).toMatch(/body, line 1, column \d+: unclosed tag/);
    expect(refusal('ticket_opened', { body: '{{#link}}a{{/agent}}' }).message).toContain('unclosed section');
  });

  it('the rest of what a template is: a body, a one-line subject, none for WhatsApp, text without control characters, within limits', () => {
    expect(refusal('ticket_opened', { body: ' \n\n ' }).message).toContain('body: empty');
    expect(refusal('ticket_opened', { subject: 'a\nb', body: 'x' }).message).toContain('subject: one line only');
    expect(refusal('whatsapp_ask_email', { subject: 'Oi', body: 'Qual é o seu e-mail?' }).message).toContain('a WhatsApp reply has no subject');
    expect(refusal('ticket_opened', { body: 'Olá \u001b[31mvermelho' }).message).toContain('body: line 1, column 5: a control character (U+001B)');
    expect(refusal('ticket_opened', { body: 'x'.repeat(20_001) }).message).toContain('at most 20000');
    expect(refusal('whatsapp_ask_email', { body: 'x'.repeat(4_097) }).message).toContain("a WhatsApp message's limit");
    expect(refusal('ticket_opened', { body: 'meio \ud800 surrogate' }).message).toContain('not valid Unicode');
    // Comments are fine; Windows line ends and trailing blank lines are tidied.
    expect(checkTemplate('ticket_opened', 'en', { subject: '  Ticket {{protocol}} ', body: '{{! a note }}Hi {{recipient}}\r\nbye\r\n\r\n' })).toEqual({ subject: 'Ticket {{protocol}}', body: '{{! a note }}Hi {{recipient}}\nbye' });
  });
});

describe('R34: rendering: the text part as written, the HTML part escaped', () => {
  const t = { subject: 'Chamado {{protocol}}: {{subject}}', body: 'Olá, {{recipient}} <equipe & cia>!\n\nAssunto: {{subject}}\nVeja {{link}}.\n\n{{#comment}}"{{comment}}"{{/comment}}' };
  const values: Values = { recipient: 'Conceição', subject: '<script>alert("x")</script>', link: 'https://h.example/tickets/2026-000001?a=1&b=2', comment: "l'été", protocol: '2026-000001' };

  it('the text part has no escaping at all: values and literal text as they are', () => {
    const r = renderTemplate('ticket_rated', 'pt-BR', t, values, { html: true });
    expect(r.text).toBe('Olá, Conceição <equipe & cia>!\n\nAssunto: <script>alert("x")</script>\nVeja https://h.example/tickets/2026-000001?a=1&b=2.\n\n"l\'été"');
    expect(r.subject).toBe('Chamado 2026-000001: <script>alert("x")</script>');
  });

  it('the HTML part escapes a value like <script> and the template\'s own text; paragraphs and line breaks become <p> and <br>; addresses links', () => {
    const html = renderTemplate('ticket_rated', 'pt-BR', t, values, { html: true }).html!;
    expect(html).not.toContain('<script>');
    expect(html).toContain('Assunto: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>');
    expect(html).toContain('<p>Olá, Conceição &lt;equipe &amp; cia&gt;!</p>');
    expect(html).toContain('Veja <a href="https://h.example/tickets/2026-000001?a=1&amp;b=2">https://h.example/tickets/2026-000001?a=1&amp;b=2</a>.</p>');
    expect(html).toContain('<p>&quot;l&#39;été&quot;</p>');
    expect(html).toContain('<title>Chamado 2026-000001: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>');
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="pt-BR">\n<head>\n<meta charset="utf-8">/);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('UTF-8 accents stay characters (never entities) in both parts, and a subject is one line whatever its values hold', () => {
    const r = renderTemplate('ticket_opened', 'pt-BR', builtinTemplate('ticket_opened', 'pt-BR'), { recipient: 'Conceição Araújo', subject: 'Não imprime\nem cores', protocol: '2026-000001', department: 'Manutenção' }, { html: true });
    expect(r.subject).toBe('Chamado 2026-000001 aberto: Não imprime em cores');
    expect(r.text).toContain('Olá, Conceição Araújo!');
    expect(r.html).toContain('Olá, Conceição Araújo!');
    expect(r.html).toContain('equipe de Manutenção');
    expect(r.html).not.toMatch(/&#x?[0-9a-f]+;/i);
  });

  it('a text written when it was queued becomes HTML escaped, in paragraphs', () => {
    expect(htmlFromText('Oi <b>\n\nlinha 1\nlinha 2', 'Assunto', 'en')).toContain('<p>Oi &lt;b&gt;</p>\n<p>linha 1<br>\nlinha 2</p>');
  });
});
