/** The topics of `deskctl help <topic>` (their text lives in topics.ts, loaded only for them). */
export const HELP_TOPICS = ['exit-codes', 'environment'] as const;
