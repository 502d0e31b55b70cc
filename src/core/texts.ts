import type { Locale } from './model.js';

/**
 * What customers are sent, in the tenant's language (setting `locale`), written in this one
 * place: the WhatsApp replies of the conversation flow (R25-R27) and the e-mail to a customer
 * registered from a conversation (R26). Each text is a function of the facts it shows, so the
 * delivery work can turn them into editable templates with the same fields.
 */
export interface CustomerTexts {
  /** R26: the first answer to a phone that belongs to no customer, when an e-mail is required. */
  askEmail: () => string;
  /** R26/R27: an answer that is not one valid e-mail address. */
  askEmailAgain: () => string;
  /** R27: the choice offered when an e-mail is not required. */
  choice: () => string;
  /** R27: an answer to the choice that is neither 1 nor 2. */
  choiceAgain: () => string;
  /** R27: `emailAttempts` wrong e-mails: the choice again. */
  attemptsUsed: () => string;
  /** R27: after `2`, the conversation goes on with a person. */
  withoutTicket: () => string;
  /** R25: a ticket was opened for the conversation. */
  ticketOpened: (f: { protocol: string; link: string | null }) => string;
  /** R25/R7: the request waits for a manager's approval. */
  draftWaiting: () => string;
  /** R16: a later message was added to the request that waits for approval. */
  draftAppended: () => string;
  /** The e-mail an inactive customer gave: no ticket is opened automatically. */
  cannotOpen: () => string;
  /** A ticket's subject when `whatsapp.ticket.title` is unset. */
  defaultTitle: () => string;
  /** A message without text (an image, an audio …), as it is written into a ticket. */
  noText: (f: { type: string }) => string;
  /** R26: the e-mail to a customer registered from a conversation, with the link to create a password. */
  accountCreated: (f: { name: string; link: string | null }) => { subject: string; body: string };
}

const ptBR: CustomerTexts = {
  askEmail: () => 'Olá! Para darmos andamento ao seu atendimento, por favor, informe o seu e-mail.',
  askEmailAgain: () =>
    'Não conseguimos validar o e-mail. Por favor, envie somente o seu endereço de e-mail, sem outras palavras (por exemplo: maria@empresa.com.br).',
  choice: () =>
    'Olá! Como você prefere seguir?\n1 - Informar o meu e-mail e abrir um chamado automaticamente\n2 - Seguir com o atendimento sem informar e-mail\nResponda com 1 ou 2.',
  choiceAgain: () => 'Não entendi. Digite 1 para informar o seu e-mail e abrir um chamado, ou 2 para seguir sem e-mail.',
  attemptsUsed: () => 'Não conseguimos validar o e-mail. Digite 1 para tentar de novo, ou 2 para seguir o atendimento sem e-mail.',
  withoutTicket: () => 'Certo! Em breve um de nossos atendentes continuará o seu atendimento por aqui.',
  ticketOpened: ({ protocol, link }) =>
    link
      ? `Pronto! Abrimos o seu chamado número ${protocol}. Você pode acompanhá-lo por este link: ${link}`
      : `Pronto! Abrimos o seu chamado número ${protocol}. Vamos continuar o atendimento por aqui.`,
  draftWaiting: () =>
    'Recebemos a sua solicitação. Ela precisa ser aprovada por um gestor da sua empresa antes de se tornar um chamado; você receberá um e-mail assim que ela for analisada.',
  draftAppended: () => 'Adicionamos esta mensagem à sua solicitação, que ainda aguarda aprovação.',
  cannotOpen: () => 'Não foi possível abrir o chamado automaticamente. Um de nossos atendentes vai continuar o seu atendimento por aqui.',
  defaultTitle: () => 'Atendimento via WhatsApp',
  noText: ({ type }) => `[${PT_TYPES[type] ?? `mensagem do tipo ${type}`} sem texto]`,
  accountCreated: ({ name, link }) => ({
    subject: 'Crie a sua senha de acesso',
    body: link
      ? `Olá, ${name}!\n\nFizemos o seu cadastro a partir da sua conversa conosco pelo WhatsApp. Para acompanhar os seus chamados, crie a sua senha de acesso neste link:\n${link}\n\nSe não foi você que entrou em contato conosco, desconsidere este e-mail.`
      : `Olá, ${name}!\n\nFizemos o seu cadastro a partir da sua conversa conosco pelo WhatsApp. Para criar a sua senha de acesso, use a opção "Esqueci minha senha" no portal de atendimento.\n\nSe não foi você que entrou em contato conosco, desconsidere este e-mail.`,
  }),
};

const en: CustomerTexts = {
  askEmail: () => 'Hello! To open your request, please send us your e-mail address.',
  askEmailAgain: () => "We couldn't validate the e-mail. Please send only your e-mail address, with no other words (for example: mary@company.com).",
  choice: () =>
    'Hello! How would you like to go on?\n1 - Give my e-mail and open a ticket automatically\n2 - Go on without giving an e-mail\nPlease answer 1 or 2.',
  choiceAgain: () => "Sorry, we didn't understand. Type 1 to give your e-mail and open a ticket, or 2 to go on without one.",
  attemptsUsed: () => "We couldn't validate the e-mail. Type 1 to try again, or 2 to go on without an e-mail.",
  withoutTicket: () => 'All right! One of our agents will continue with you here shortly.',
  ticketOpened: ({ protocol, link }) =>
    link
      ? `Done! We opened your ticket number ${protocol}. You can follow it at this link: ${link}`
      : `Done! We opened your ticket number ${protocol}. We will continue here.`,
  draftWaiting: () =>
    "We received your request. A manager of your company must approve it before it becomes a ticket; you will get an e-mail as soon as it has been reviewed.",
  draftAppended: () => 'We added this message to your request, which is still waiting for approval.',
  cannotOpen: () => "We couldn't open a ticket automatically. One of our agents will continue with you here.",
  defaultTitle: () => 'WhatsApp conversation',
  noText: ({ type }) => `[message without text: ${type}]`,
  accountCreated: ({ name, link }) => ({
    subject: 'Create your password',
    body: link
      ? `Hello, ${name}!\n\nWe registered you from your WhatsApp conversation with us. To follow your tickets, create your password at this link:\n${link}\n\nIf you did not talk to us, please ignore this e-mail.`
      : `Hello, ${name}!\n\nWe registered you from your WhatsApp conversation with us. To create your password, use "Forgot my password" on the support portal.\n\nIf you did not talk to us, please ignore this e-mail.`,
  }),
};

/** WhatsApp's message types as an agent reads them in a ticket. */
const PT_TYPES: Record<string, string> = {
  image: 'imagem',
  audio: 'áudio',
  video: 'vídeo',
  document: 'documento',
  sticker: 'figurinha',
  location: 'localização',
  contacts: 'contato',
  reaction: 'reação',
  interactive: 'resposta de botão',
  button: 'resposta de botão',
};

const TEXTS: Record<Locale, CustomerTexts> = { 'pt-BR': ptBR, en };

export const customerTexts = (locale: Locale): CustomerTexts => TEXTS[locale];

/** The links customers are sent, from the portal's address (`portal.url`); null when it is unset. */
export const portalLinks = (portal: string | null) => ({
  ticket: (protocol: string) => (portal ? `${portal}/tickets/${encodeURIComponent(protocol)}` : null),
  password: (email: string) => (portal ? `${portal}/password/new?email=${encodeURIComponent(email)}` : null),
});
