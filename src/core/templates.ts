import Mustache from 'mustache';
import { invalid } from './errors.js';
import { LOCALES, TEMPLATE_KINDS, WHATSAPP_TEMPLATES, type Locale, type Status, type TemplateKind, type WhatsappTemplate } from './model.js';
import { didYouMean } from './suggest.js';
import { textProblem } from './text.js';

/*
 * R34: what a notification says, per kind and language. Every kind has a built-in template in
 * pt-BR and en (written for each language, not translated word for word); a tenant may override
 * one (engine/templates.ts). Templates are Mustache, logic-less: `{{field}}` and sections
 * `{{#field}}…{{/field}}` (shown when the field has a value) and `{{^field}}…{{/field}}` (shown when
 * it has none), over the fields of the kind only. Anything else — partials, unknown fields,
 * unescaped output (`{{{…}}}`, `{{&…}}`), other delimiters, unbalanced tags — is refused when the
 * template is set, never when a notification is sent.
 */

export { TEMPLATE_KINDS, WHATSAPP_TEMPLATES, type TemplateKind, type WhatsappTemplate };

export const isTemplateKind = (s: string): s is TemplateKind => (TEMPLATE_KINDS as readonly string[]).includes(s);
export const isWhatsappTemplate = (k: TemplateKind): k is WhatsappTemplate => (WHATSAPP_TEMPLATES as readonly string[]).includes(k);

/** A template kind as typed (a command's argument, a path), or invalid input naming the kinds. */
export function templateKind(typed: string): TemplateKind {
  if (isTemplateKind(typed)) return typed;
  throw invalid(`kind: unknown template "${typed}"${didYouMean(typed, TEMPLATE_KINDS)}; the templates are ${TEMPLATE_KINDS.join(', ')}`);
}

/** A locale as typed, or invalid input naming the locales. */
export function templateLocale(typed: string): Locale {
  if ((LOCALES as readonly string[]).includes(typed)) return typed as Locale;
  throw invalid(`locale: unknown locale "${typed}"${didYouMean(typed, LOCALES)}; expected ${LOCALES.join(' or ')}`);
}

/* ---- the fields ---- */

/** Every field a template may use, with what it holds (shown by `templates show`). */
export const FIELDS = {
  tenant: "the helpdesk's name (the tenant's name)",
  portal: "the customer portal's address (setting portal.url); empty when it is unset",
  recipient: 'the name of the person the message goes to (a customer or an agent); empty when unknown',
  protocol: "the ticket's protocol number (2026-000042)",
  subject: 'the subject of the ticket or of the request',
  status: "the ticket's status, in the tenant's language",
  link: "the page it is about on the portal (a ticket's, a request's for its managers, the password's for account_created); empty when portal.url is unset",
  requester: "the requester's name",
  requesterEmail: "the requester's e-mail",
  organization: "the requester's organization; empty when none",
  department: 'the department',
  category: 'the category; empty when none',
  agent: "the name of the ticket's agent; empty when unassigned",
  message: "the request's message (draft kinds), or the message written with the change (an answer, a note on solving or reopening); empty when none",
  draft: "the request's number (its draft id)",
  managers: 'the names of the managers who may decide the request (Ana, Bruno e Carla); empty when none',
  reason: 'the reason given for the rejection; empty when none was given',
  toRequester: 'set when the message goes to the requester, empty when it goes to a manager (use it as a section)',
  rating: 'the rating, 1 to 5',
  comment: "the rating's comment; empty when none",
  hours: 'how many whole hours it has been waiting',
  waiting: "how long it has been waiting, in words in the tenant's language (26 horas, 3 dias)",
  email: "the customer's e-mail",
} as const;
export type Field = keyof typeof FIELDS;

const COMMON = ['tenant', 'portal', 'recipient'] as const satisfies readonly Field[];
const TICKET = [...COMMON, 'protocol', 'subject', 'status', 'link', 'requester', 'requesterEmail', 'organization', 'department', 'category', 'agent'] as const satisfies readonly Field[];
const DRAFT = [...COMMON, 'draft', 'subject', 'requester', 'requesterEmail', 'organization', 'department', 'category', 'managers', 'message', 'link'] as const satisfies readonly Field[];
const WAITING = ['hours', 'waiting'] as const satisfies readonly Field[];

/** The fields each template may use. */
export const KIND_FIELDS: Record<TemplateKind, readonly Field[]> = {
  draft_pending: DRAFT,
  // To the requester: the request's page is its managers' (no link).
  draft_waiting: DRAFT.filter((f) => f !== 'link'),
  draft_approved: TICKET,
  draft_rejected: [...DRAFT.filter((f) => f !== 'link'), 'reason'],
  draft_restored: [...DRAFT, 'toRequester'],
  draft_reminder: [...DRAFT, ...WAITING],
  draft_escalated: [...DRAFT, ...WAITING],
  ticket_opened: TICKET,
  ticket_answered: [...TICKET, 'message'],
  ticket_solved: [...TICKET, 'message'],
  ticket_reopened: [...TICKET, 'message'],
  ticket_rated: [...TICKET, 'rating', 'comment'],
  ticket_reminder: [...TICKET, ...WAITING],
  account_created: [...COMMON, 'email', 'link'],
  whatsapp_ask_email: COMMON,
  whatsapp_ask_email_again: COMMON,
  whatsapp_choice: COMMON,
  whatsapp_choice_again: COMMON,
  whatsapp_attempts_used: COMMON,
  whatsapp_without_ticket: COMMON,
  whatsapp_ticket_opened: [...COMMON, 'protocol', 'subject', 'link'],
  whatsapp_draft_waiting: COMMON,
  whatsapp_draft_appended: COMMON,
  whatsapp_cannot_open: COMMON,
};

/** The values a template is rendered with: a missing field renders as nothing (and its sections as absent). */
export type Values = Partial<Record<Field, string | number | boolean | null>>;

/* ---- the built-in templates ---- */

export interface Template {
  /** One line; null for WhatsApp replies, which have none. */
  subject: string | null;
  body: string;
}

const hello = (l: Locale) => (l === 'pt-BR' ? 'Olá{{#recipient}}, {{recipient}}{{/recipient}}!' : 'Hello{{#recipient}} {{recipient}}{{/recipient}},');
const signature = (l: Locale) => (l === 'pt-BR' ? 'Atenciosamente,\nCentral de Atendimento {{tenant}}' : 'Kind regards,\nThe {{tenant}} support team');
const mail = (l: Locale, subject: string, ...paragraphs: string[]): Template => ({ subject, body: [hello(l), ...paragraphs, signature(l)].join('\n\n') });
const reply = (body: string): Template => ({ subject: null, body });

const PT: Record<TemplateKind, Template> = {
  draft_pending: mail(
    'pt-BR',
    'Aprovação pendente: {{subject}}',
    '{{requester}}{{#organization}} ({{organization}}){{/organization}} abriu uma solicitação que precisa da sua aprovação para virar um chamado.',
    'Assunto: {{subject}}\nDepartamento: {{department}}\n{{#category}}\nCategoria: {{category}}\n{{/category}}\n{{#message}}\n\nMensagem:\n{{message}}\n{{/message}}',
    '{{#link}}Para aprovar ou recusar, acesse: {{link}}{{/link}}{{^link}}Para aprovar ou recusar, acesse o portal de atendimento.{{/link}}',
  ),
  draft_waiting: mail(
    'pt-BR',
    'Sua solicitação continua aguardando aprovação: {{subject}}',
    'Adicionamos a sua nova mensagem à solicitação "{{subject}}". Ela ainda aguarda a aprovação de um gestor da sua empresa; você receberá um aviso assim que ela for analisada.',
  ),
  draft_approved: mail(
    'pt-BR',
    'Solicitação aprovada: chamado {{protocol}} – {{subject}}',
    'Boa notícia: a sua solicitação "{{subject}}" foi aprovada e virou o chamado {{protocol}}. A equipe de {{department}} já pode dar andamento ao seu atendimento.',
    '{{#link}}Acompanhe o chamado por este link: {{link}}{{/link}}{{^link}}Você pode acompanhar o chamado pelo portal de atendimento.{{/link}}',
  ),
  draft_rejected: mail(
    'pt-BR',
    'Solicitação não aprovada: {{subject}}',
    'A sua solicitação "{{subject}}" não foi aprovada pelo gestor da sua empresa e, por isso, não virou um chamado.\n{{#reason}}\n\nMotivo informado: {{reason}}\n{{/reason}}',
    'Em caso de dúvida, fale com {{#managers}}o gestor responsável ({{managers}}){{/managers}}{{^managers}}o gestor responsável{{/managers}} ou abra uma nova solicitação.',
  ),
  draft_restored: mail(
    'pt-BR',
    '{{#toRequester}}Sua solicitação voltou para aprovação: {{subject}}{{/toRequester}}{{^toRequester}}Aprovação pendente novamente: {{subject}}{{/toRequester}}',
    '{{#toRequester}}\nA recusa da sua solicitação "{{subject}}" foi desfeita: ela voltou a aguardar a aprovação de um gestor da sua empresa. Você receberá um aviso assim que ela for analisada.\n{{/toRequester}}\n{{^toRequester}}\nA recusa da solicitação "{{subject}}", aberta por {{requester}}{{#organization}} ({{organization}}){{/organization}}, foi desfeita e ela voltou a aguardar a sua aprovação.\n{{#link}}\n\nPara aprovar ou recusar, acesse: {{link}}\n{{/link}}\n{{/toRequester}}',
  ),
  draft_reminder: mail(
    'pt-BR',
    'Lembrete: aprovação pendente há {{waiting}} – {{subject}}',
    'A solicitação "{{subject}}", aberta por {{requester}}{{#organization}} ({{organization}}){{/organization}}, aguarda a sua aprovação há {{waiting}}. Enquanto ela não for analisada, o atendimento não pode começar.',
    '{{#link}}Para aprovar ou recusar, acesse: {{link}}{{/link}}{{^link}}Para aprovar ou recusar, acesse o portal de atendimento.{{/link}}',
  ),
  draft_escalated: mail(
    'pt-BR',
    'Solicitação sem aprovação há {{waiting}}: {{subject}}',
    'A solicitação "{{subject}}", aberta por {{requester}}{{#organization}} ({{organization}}){{/organization}} para o departamento {{department}}, aguarda aprovação há {{waiting}}.',
    '{{#managers}}Gestores que podem aprová-la: {{managers}}.{{/managers}}{{^managers}}Nenhum gestor ativo pode aprová-la no momento: verifique os gestores da empresa.{{/managers}}',
    '{{#link}}Detalhes da solicitação: {{link}}{{/link}}{{^link}}Solicitação número {{draft}}.{{/link}}',
  ),
  ticket_opened: mail(
    'pt-BR',
    'Chamado {{protocol}} aberto: {{subject}}',
    'Recebemos a sua solicitação e abrimos o chamado {{protocol}}. Em breve a nossa equipe de {{department}} dará andamento ao seu atendimento.',
    'Assunto: {{subject}}\n{{#category}}\nCategoria: {{category}}\n{{/category}}\n{{#link}}\n\nAcompanhe o chamado por este link: {{link}}\n{{/link}}',
  ),
  ticket_answered: mail(
    'pt-BR',
    'Nova resposta no chamado {{protocol}}: {{subject}}',
    'Há uma nova resposta no seu chamado {{protocol}} ({{subject}}):',
    '{{message}}',
    '{{#link}}Para responder ou acompanhar o chamado, acesse: {{link}}{{/link}}{{^link}}Para responder, acesse o portal de atendimento.{{/link}}',
  ),
  ticket_solved: mail(
    'pt-BR',
    'Chamado {{protocol}} resolvido: {{subject}}',
    'O seu chamado {{protocol}} ({{subject}}) foi resolvido.\n{{#message}}\n\n{{message}}\n{{/message}}',
    'Se o problema continuar ou se ainda tiver alguma dúvida, é só nos avisar{{#link}} pelo link {{link}}{{/link}}. A sua opinião também é importante: quando puder, avalie o atendimento.',
  ),
  ticket_reopened: mail(
    'pt-BR',
    'Chamado {{protocol}} reaberto: {{subject}}',
    'O chamado {{protocol}} ({{subject}}) foi reaberto e voltou para a nossa equipe de {{department}}.\n{{#message}}\n\n{{message}}\n{{/message}}\n{{#link}}\n\nAcompanhe o chamado por este link: {{link}}\n{{/link}}',
  ),
  ticket_rated: mail(
    'pt-BR',
    'Chamado {{protocol}} avaliado com nota {{rating}}: {{subject}}',
    '{{requester}} avaliou o atendimento do chamado {{protocol}} ({{subject}}) com nota {{rating}} de 5.\n{{#comment}}\n\nComentário: "{{comment}}"\n{{/comment}}\n{{^comment}}\n\nNão deixou comentário.\n{{/comment}}',
    'Departamento: {{department}}\n{{#agent}}\nAtendente: {{agent}}\n{{/agent}}\n{{#link}}\nChamado: {{link}}\n{{/link}}',
  ),
  ticket_reminder: mail(
    'pt-BR',
    'Aguardamos o seu retorno no chamado {{protocol}}: {{subject}}',
    'O seu chamado {{protocol}} ({{subject}}) aguarda uma resposta sua há {{waiting}}. Para continuarmos o atendimento, precisamos do seu retorno.',
    '{{#link}}Responda por este link: {{link}}{{/link}}{{^link}}Responda pelo portal de atendimento.{{/link}}',
    'Se o assunto já foi resolvido, é só nos avisar.',
  ),
  account_created: {
    subject: 'Crie a sua senha de acesso',
    body: 'Olá{{#recipient}}, {{recipient}}{{/recipient}}!\n\nFizemos o seu cadastro a partir da sua conversa conosco pelo WhatsApp. {{#link}}Para acompanhar os seus chamados, crie a sua senha de acesso neste link:\n{{link}}{{/link}}{{^link}}Para criar a sua senha de acesso, use a opção "Esqueci minha senha" no portal de atendimento.{{/link}}\n\nSe não foi você que entrou em contato conosco, desconsidere este e-mail.',
  },
  whatsapp_ask_email: reply('Olá! Para darmos andamento ao seu atendimento, por favor, informe o seu e-mail.'),
  whatsapp_ask_email_again: reply('Não conseguimos validar o e-mail. Por favor, envie somente o seu endereço de e-mail, sem outras palavras (por exemplo: maria@empresa.com.br).'),
  whatsapp_choice: reply('Olá! Como você prefere seguir?\n1 - Informar o meu e-mail e abrir um chamado automaticamente\n2 - Seguir com o atendimento sem informar e-mail\nResponda com 1 ou 2.'),
  whatsapp_choice_again: reply('Não entendi. Digite 1 para informar o seu e-mail e abrir um chamado, ou 2 para seguir sem e-mail.'),
  whatsapp_attempts_used: reply('Não conseguimos validar o e-mail. Digite 1 para tentar de novo, ou 2 para seguir o atendimento sem e-mail.'),
  whatsapp_without_ticket: reply('Certo! Em breve um de nossos atendentes continuará o seu atendimento por aqui.'),
  whatsapp_ticket_opened: reply(
    'Pronto! Abrimos o seu chamado número {{protocol}}. {{#link}}Você pode acompanhá-lo por este link: {{link}}{{/link}}{{^link}}Vamos continuar o atendimento por aqui.{{/link}}',
  ),
  whatsapp_draft_waiting: reply(
    'Recebemos a sua solicitação. Ela precisa ser aprovada por um gestor da sua empresa antes de se tornar um chamado; você receberá um e-mail assim que ela for analisada.',
  ),
  whatsapp_draft_appended: reply('Adicionamos esta mensagem à sua solicitação, que ainda aguarda aprovação.'),
  whatsapp_cannot_open: reply('Não foi possível abrir o chamado automaticamente. Um de nossos atendentes vai continuar o seu atendimento por aqui.'),
};

const EN: Record<TemplateKind, Template> = {
  draft_pending: mail(
    'en',
    'Approval needed: {{subject}}',
    '{{requester}}{{#organization}} ({{organization}}){{/organization}} has opened a request that needs your approval before it becomes a ticket.',
    'Subject: {{subject}}\nDepartment: {{department}}\n{{#category}}\nCategory: {{category}}\n{{/category}}\n{{#message}}\n\nMessage:\n{{message}}\n{{/message}}',
    '{{#link}}To approve or reject it, go to {{link}}{{/link}}{{^link}}To approve or reject it, sign in to the support portal.{{/link}}',
  ),
  draft_waiting: mail(
    'en',
    'Your request is still waiting for approval: {{subject}}',
    'We have added your new message to your request "{{subject}}". It is still waiting for a manager of your company to approve it; we will let you know as soon as it has been reviewed.',
  ),
  draft_approved: mail(
    'en',
    'Request approved: ticket {{protocol}} – {{subject}}',
    'Good news: your request "{{subject}}" has been approved and is now ticket {{protocol}}. Our {{department}} team can now get started on it.',
    '{{#link}}You can follow the ticket here: {{link}}{{/link}}{{^link}}You can follow the ticket on the support portal.{{/link}}',
  ),
  draft_rejected: mail(
    'en',
    'Request not approved: {{subject}}',
    'Your request "{{subject}}" was not approved by your company\'s manager, so no ticket was opened.\n{{#reason}}\n\nReason given: {{reason}}\n{{/reason}}',
    'If you have any questions, please talk to {{#managers}}your manager ({{managers}}){{/managers}}{{^managers}}your manager{{/managers}} or open a new request.',
  ),
  draft_restored: mail(
    'en',
    '{{#toRequester}}Your request is waiting for approval again: {{subject}}{{/toRequester}}{{^toRequester}}Approval needed again: {{subject}}{{/toRequester}}',
    '{{#toRequester}}\nThe rejection of your request "{{subject}}" has been undone: it is waiting for a manager of your company to approve it again. We will let you know as soon as it has been reviewed.\n{{/toRequester}}\n{{^toRequester}}\nThe rejection of the request "{{subject}}" from {{requester}}{{#organization}} ({{organization}}){{/organization}} has been undone, and it is waiting for your approval again.\n{{#link}}\n\nTo approve or reject it, go to {{link}}\n{{/link}}\n{{/toRequester}}',
  ),
  draft_reminder: mail(
    'en',
    'Reminder: approval pending for {{waiting}} – {{subject}}',
    'The request "{{subject}}" from {{requester}}{{#organization}} ({{organization}}){{/organization}} has been waiting for your approval for {{waiting}}. Work on it cannot start until it has been reviewed.',
    '{{#link}}To approve or reject it, go to {{link}}{{/link}}{{^link}}To approve or reject it, sign in to the support portal.{{/link}}',
  ),
  draft_escalated: mail(
    'en',
    'Request waiting for approval for {{waiting}}: {{subject}}',
    'The request "{{subject}}" from {{requester}}{{#organization}} ({{organization}}){{/organization}} to the {{department}} department has been waiting for approval for {{waiting}}.',
    '{{#managers}}Managers who can approve it: {{managers}}.{{/managers}}{{^managers}}No active manager can approve it at the moment: please check the managers of the organization.{{/managers}}',
    '{{#link}}Request details: {{link}}{{/link}}{{^link}}Request number {{draft}}.{{/link}}',
  ),
  ticket_opened: mail(
    'en',
    'Ticket {{protocol}} opened: {{subject}}',
    'We have received your request and opened ticket {{protocol}}. Our {{department}} team will be in touch soon.',
    'Subject: {{subject}}\n{{#category}}\nCategory: {{category}}\n{{/category}}\n{{#link}}\n\nYou can follow the ticket here: {{link}}\n{{/link}}',
  ),
  ticket_answered: mail(
    'en',
    'New reply on ticket {{protocol}}: {{subject}}',
    'There is a new reply on your ticket {{protocol}} ({{subject}}):',
    '{{message}}',
    '{{#link}}To reply or follow the ticket, go to {{link}}{{/link}}{{^link}}To reply, sign in to the support portal.{{/link}}',
  ),
  ticket_solved: mail(
    'en',
    'Ticket {{protocol}} solved: {{subject}}',
    'Your ticket {{protocol}} ({{subject}}) has been solved.\n{{#message}}\n\n{{message}}\n{{/message}}',
    'If the problem is still there or you have any other questions, just let us know{{#link}} at {{link}}{{/link}}. We would also love to hear how we did: please rate the service when you have a moment.',
  ),
  ticket_reopened: mail(
    'en',
    'Ticket {{protocol}} reopened: {{subject}}',
    'Ticket {{protocol}} ({{subject}}) has been reopened and is back with our {{department}} team.\n{{#message}}\n\n{{message}}\n{{/message}}\n{{#link}}\n\nYou can follow the ticket here: {{link}}\n{{/link}}',
  ),
  ticket_rated: mail(
    'en',
    'Ticket {{protocol}} rated {{rating}}/5: {{subject}}',
    '{{requester}} rated the service on ticket {{protocol}} ({{subject}}) {{rating}} out of 5.\n{{#comment}}\n\nComment: "{{comment}}"\n{{/comment}}\n{{^comment}}\n\nNo comment was left.\n{{/comment}}',
    'Department: {{department}}\n{{#agent}}\nAgent: {{agent}}\n{{/agent}}\n{{#link}}\nTicket: {{link}}\n{{/link}}',
  ),
  ticket_reminder: mail(
    'en',
    'We are waiting for your reply on ticket {{protocol}}: {{subject}}',
    'Your ticket {{protocol}} ({{subject}}) has been waiting for your reply for {{waiting}}. We need to hear back from you to carry on.',
    '{{#link}}You can reply here: {{link}}{{/link}}{{^link}}You can reply on the support portal.{{/link}}',
    'If the matter has already been sorted out, just let us know.',
  ),
  account_created: {
    subject: 'Create your password',
    body: 'Hello{{#recipient}} {{recipient}}{{/recipient}},\n\nWe registered you from your WhatsApp conversation with us. {{#link}}To follow your tickets, create your password at this link:\n{{link}}{{/link}}{{^link}}To create your password, use "Forgot my password" on the support portal.{{/link}}\n\nIf you did not contact us, please ignore this e-mail.',
  },
  whatsapp_ask_email: reply('Hello! To open your request, please send us your e-mail address.'),
  whatsapp_ask_email_again: reply("We couldn't validate the e-mail. Please send only your e-mail address, with no other words (for example: mary@company.com)."),
  whatsapp_choice: reply('Hello! How would you like to go on?\n1 - Give my e-mail and open a ticket automatically\n2 - Go on without giving an e-mail\nPlease answer 1 or 2.'),
  whatsapp_choice_again: reply("Sorry, we didn't understand. Type 1 to give your e-mail and open a ticket, or 2 to go on without one."),
  whatsapp_attempts_used: reply("We couldn't validate the e-mail. Type 1 to try again, or 2 to go on without an e-mail."),
  whatsapp_without_ticket: reply('All right! One of our agents will continue with you here shortly.'),
  whatsapp_ticket_opened: reply('Done! We opened your ticket number {{protocol}}. {{#link}}You can follow it at this link: {{link}}{{/link}}{{^link}}We will continue here.{{/link}}'),
  whatsapp_draft_waiting: reply('We received your request. A manager of your company must approve it before it becomes a ticket; you will get an e-mail as soon as it has been reviewed.'),
  whatsapp_draft_appended: reply('We added this message to your request, which is still waiting for approval.'),
  whatsapp_cannot_open: reply("We couldn't open a ticket automatically. One of our agents will continue with you here."),
};

const BUILTIN: Record<Locale, Record<TemplateKind, Template>> = { 'pt-BR': PT, en: EN };

/** The built-in template of a kind in a language. */
export const builtinTemplate = (kind: TemplateKind, locale: Locale): Template => BUILTIN[locale][kind];

/* ---- checking a template (at set time) ---- */

/** The longest subject a template may have, and the longest body (a WhatsApp reply: the Cloud API's limit for a text). */
export const MAX_SUBJECT = 300;
export const MAX_BODY = 20_000;
export const MAX_WHATSAPP_BODY = 4_096;

type Token = [type: string, value: string, start: number, end: number, children?: Token[], closeAt?: number];

/** Line and column (from 1) of an offset in a text. */
function where(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/**
 * Checks one part (subject or body) of a template: Mustache that parses, with only variables and
 * sections over the kind's fields (and comments). Throws invalid input naming the template, the
 * part, where, what is wrong and the fields the kind knows.
 */
function checkPart(kind: TemplateKind, locale: Locale, part: 'subject' | 'body', text: string): void {
  const known = KIND_FIELDS[kind];
  const name = `template ${kind} (${locale}), ${part}`;
  const fields = `; the fields of ${kind} are ${known.join(', ')}`;
  let tokens: Token[];
  try {
    tokens = Mustache.parse(text) as unknown as Token[];
  } catch (e) {
    // mustache's own messages: `Unclosed tag at 12`, `Unclosed section "link" at 40`, `Unopened section "x" at 3`.
    const m = /^(.*?) at (\d+)$/.exec((e as Error).message);
    const what = m ? m[1]!.replace(/^Unclosed tag$/, 'unclosed tag (a {{ without its }})').replace(/^Unclosed section/, 'unclosed section (no {{/…}} for it):').replace(/^Unopened section/, 'closing a section that was not opened:') : (e as Error).message;
    throw invalid(`${name}, ${m ? where(text, Number(m[2])) : 'somewhere'}: ${what}`);
  }
  const walk = (list: Token[]) => {
    for (const [type, value, start, , children] of list) {
      const at = where(text, start);
      switch (type) {
        case 'text':
        case '!':
          break;
        case 'name':
        case '#':
        case '^':
          if (!(known as readonly string[]).includes(value)) {
            const what = type === 'name' ? 'field' : 'section over the field';
            throw invalid(`${name}, ${at}: unknown ${what} "${value}"${didYouMean(value, known)}${fields}`);
          }
          if (children) walk(children);
          break;
        case '&':
          throw invalid(`${name}, ${at}: {{{${value}}}} and {{&${value}}} print a value without escaping and are refused; write {{${value}}}${fields}`);
        case '>':
          throw invalid(`${name}, ${at}: partials ({{>${value}}}) are refused: a template stands alone${fields}`);
        case '=':
          throw invalid(`${name}, ${at}: changing the delimiters ({{=…=}}) is refused: templates use {{ and }}`);
        default:
          throw invalid(`${name}, ${at}: {{${type}${value}}} is not allowed here${fields}`);
      }
    }
  };
  walk(tokens);
}

/** A control character a template has no use for (an escape sequence would reach terminals and mail clients), said with where it is. */
function controlIn(text: string, re: RegExp): string | null {
  const m = re.exec(text);
  return m ? `${where(text, m.index)}: a control character (U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}); only line breaks and tabs are text here` : null;
}

/**
 * A template as a tenant gives it, checked and tidied: line ends as `\n`, the trailing blank lines
 * of the body dropped, the subject trimmed. Refused (invalid input, exit 2 / HTTP 400): an empty
 * body, a subject on more than one line, a subject for a WhatsApp reply, text that is not valid
 * Unicode or holds control characters (but line breaks and tabs in a body), anything longer than
 * the limits, and every template error of checkPart.
 */
export function checkTemplate(kind: TemplateKind, locale: Locale, given: { subject?: string | null; body: string }): Template {
  const name = `template ${kind} (${locale})`;
  const body = given.body.replace(/\r\n?/g, '\n').trimEnd();
  const bodyProblem = textProblem(body) ?? controlIn(body, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  if (bodyProblem) throw invalid(`${name}, body: ${bodyProblem}`);
  if (!body.trim()) throw invalid(`${name}, body: empty; a template needs a body`);
  const maxBody = isWhatsappTemplate(kind) ? MAX_WHATSAPP_BODY : MAX_BODY;
  if (body.length > maxBody) throw invalid(`${name}, body: ${body.length} characters; at most ${maxBody}${isWhatsappTemplate(kind) ? " (a WhatsApp message's limit)" : ''}`);
  let subject: string | null = null;
  if (given.subject !== undefined && given.subject !== null) {
    if (isWhatsappTemplate(kind)) throw invalid(`${name}, subject: a WhatsApp reply has no subject; give only the body`);
    subject = given.subject.trim();
    if (/[\r\n]/.test(subject)) throw invalid(`${name}, subject: one line only (an e-mail's subject has no line breaks)`);
    const problem = textProblem(subject) ?? controlIn(subject, /[\u0000-\u001f\u007f-\u009f]/);
    if (problem) throw invalid(`${name}, subject: ${problem}`);
    if (!subject) throw invalid(`${name}, subject: empty; leave the subject out to keep the one the template has`);
    if (subject.length > MAX_SUBJECT) throw invalid(`${name}, subject: ${subject.length} characters; at most ${MAX_SUBJECT}`);
    checkPart(kind, locale, 'subject', subject);
  }
  checkPart(kind, locale, 'body', body);
  return { subject, body };
}

/** Whether a stored template still passes (a field removed in a later version would not): render falls back to the built-in then. */
export function isValidTemplate(kind: TemplateKind, locale: Locale, t: Template): boolean {
  try {
    checkTemplate(kind, locale, t);
    return true;
  } catch {
    return false;
  }
}

/* ---- rendering ---- */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Every field of the kind in the view (absent ones as empty, so a lookup never climbs to another context). */
function viewOf(kind: TemplateKind, values: Values): Record<string, string | number | boolean> {
  const view: Record<string, string | number | boolean> = {};
  for (const f of KIND_FIELDS[kind]) {
    const v = values[f];
    view[f] = v === null || v === undefined ? '' : v;
  }
  return view;
}

const asText = (v: unknown) => String(v);

/** The template as text: values as they are (no escaping). */
export function renderText(template: string, kind: TemplateKind, values: Values): string {
  return tidy(Mustache.render(template, viewOf(kind, values), {}, { escape: asText }));
}

/** What a section left empty leaves behind: at most one blank line in a row, none at the ends. */
const tidy = (text: string) => text.replace(/\n[ \t]*(?:\n[ \t]*){2,}/g, '\n\n').replace(/^\s*\n|\s+$/g, '');

/** A rendered subject is one line, whatever the values hold (and no double space where a value was empty). */
const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[ \t]{2,}/g, ' ').trim();

/**
 * The template as HTML: its literal text escaped here (outside the tags), the values escaped by
 * Mustache as it fills them in; then paragraphs and line breaks as <p> and <br>, addresses as links.
 */
export function renderHtmlBody(template: string, kind: TemplateKind, values: Values): string {
  return paragraphs(Mustache.render(literalEscaped(template), viewOf(kind, values), {}, { escape: (v: unknown) => escapeHtml(String(v)) }));
}

/** Templates with their own text escaped, by template (a batch renders the same few many times). */
const ESCAPED = new Map<string, string>();

/** Tags are `{{…}}` (other delimiters are refused), so what lies outside them is the template's own text. */
function literalEscaped(template: string): string {
  let escaped = ESCAPED.get(template);
  if (escaped === undefined) {
    escaped = template
      .split(/(\{\{[\s\S]*?\}\})/)
      .map((part, i) => (i % 2 === 1 ? part : escapeHtml(part)))
      .join('');
    if (ESCAPED.size >= 512) ESCAPED.clear();
    ESCAPED.set(template, escaped);
  }
  return escaped;
}

/** Escaped text as HTML paragraphs: a blank line ends one, a line break is a <br>; web addresses become links. */
function paragraphs(escaped: string): string {
  return escaped
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${linkify(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
}

/** Addresses in escaped text as links (their text and href stay escaped); a closing punctuation mark is left outside. */
function linkify(escaped: string): string {
  return escaped.replace(/\bhttps?:\/\/(?:(?!&quot;|&#39;|&lt;|&gt;)[^\s<>"'])+/g, (url) => {
    const trail = /(?:[.,;:!?)\]]|&amp;)+$/.exec(url)?.[0] ?? '';
    const href = trail ? url.slice(0, -trail.length) : url;
    return `<a href="${href}">${href}</a>${trail}`;
  });
}

/** A minimal HTML document around an escaped body. */
export function htmlDocument(bodyHtml: string, subject: string, locale: Locale): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #222;">',
    bodyHtml,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A plain text as HTML (a notification whose text was written when it was queued): escaped, in paragraphs. */
export function htmlFromText(text: string, subject: string, locale: Locale): string {
  return htmlDocument(paragraphs(escapeHtml(text)), subject, locale);
}

export interface RenderedTemplate {
  subject: string;
  text: string;
  /** Only when asked for (e-mails). */
  html: string | null;
}

/**
 * A template filled with its values: the subject (one line; a WhatsApp reply's is its first line),
 * the text, and with `html` the HTML document of the same template.
 */
export function renderTemplate(kind: TemplateKind, locale: Locale, template: Template, values: Values, opts: { html?: boolean } = {}): RenderedTemplate {
  const text = renderText(template.body, kind, values);
  const subjectTemplate = template.subject ?? builtinTemplate(kind, locale).subject;
  const subject = subjectTemplate === null ? firstLine(text) : oneLine(renderText(subjectTemplate, kind, values));
  return { subject, text, html: opts.html ? htmlDocument(renderHtmlBody(template.body, kind, values), subject, locale) : null };
}

/** A notification's subject from a text: its first line, cut short. */
export function firstLine(text: string): string {
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/* ---- values in the tenant's language ---- */

const STATUS_LABELS: Record<Locale, Record<Status, string>> = {
  'pt-BR': { open: 'Aberto', in_progress: 'Em andamento', waiting: 'Aguardando o seu retorno', solved: 'Resolvido', closed: 'Fechado' },
  en: { open: 'Open', in_progress: 'In progress', waiting: 'Waiting for your reply', solved: 'Solved', closed: 'Closed' },
};

export const statusLabel = (status: string, locale: Locale): string => STATUS_LABELS[locale][status as Status] ?? status;

/** Names as a sentence says them: `Ana, Bruno e Carla` / `Ana, Bruno and Carla`. */
export function joinNames(names: readonly string[], locale: Locale): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} ${locale === 'pt-BR' ? 'e' : 'and'} ${names.at(-1)}`;
}

/** A wait in words: hours up to two days, then days (`1 hora`, `26 horas`, `3 dias`). */
export function waitingWords(hours: number, locale: Locale): string {
  const h = Math.max(0, Math.floor(hours));
  const pt = locale === 'pt-BR';
  if (h < 48) return `${h} ${h === 1 ? (pt ? 'hora' : 'hour') : pt ? 'horas' : 'hours'}`;
  const d = Math.floor(h / 24);
  return `${d} ${pt ? 'dias' : 'days'}`;
}
