import type { Locale } from './model.js';

/**
 * Texts of the WhatsApp flow that are not messages (R25): what a ticket opened from a conversation
 * says when its settings or its messages say nothing. What customers are sent — the flow's
 * replies and the e-mail to a customer registered from a conversation — are templates
 * (core/templates.ts: whatsapp_*, account_created), which a tenant may override.
 */
export interface CustomerTexts {
  /** A ticket's subject when `whatsapp.ticket.title` is unset. */
  defaultTitle: () => string;
  /** A message without text (an image, an audio …), as it is written into a ticket. */
  noText: (f: { type: string }) => string;
}

const ptBR: CustomerTexts = {
  defaultTitle: () => 'Atendimento via WhatsApp',
  noText: ({ type }) => `[${PT_TYPES[type] ?? `mensagem do tipo ${type}`} sem texto]`,
};

const en: CustomerTexts = {
  defaultTitle: () => 'WhatsApp conversation',
  noText: ({ type }) => `[message without text: ${type}]`,
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

/** The links notifications carry, from the portal's address (`portal.url`); null when it is unset. */
export const portalLinks = (portal: string | null) => ({
  ticket: (protocol: string) => (portal ? `${portal}/tickets/${encodeURIComponent(protocol)}` : null),
  /** A request waiting for approval, as its managers open it to decide. */
  draft: (id: number) => (portal ? `${portal}/drafts/${id}` : null),
  password: (email: string) => (portal ? `${portal}/password/new?email=${encodeURIComponent(email)}` : null),
});
