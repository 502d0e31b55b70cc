/*
 * What text deskctl accepts, in one place (see the README's "Text" section):
 * - refused everywhere (every text field of every body, fixture, flag): text that is not valid
 *   Unicode (a lone UTF-16 surrogate, which cannot be stored as UTF-8) and the NUL character;
 * - refused in names: a name made only of invisible characters (spaces, format and control
 *   characters, combining marks on nothing);
 * - normalised in names: Unicode NFC, so a precomposed and a decomposed "Å" are one name;
 * - never shown raw on a terminal: control characters and bidirectional controls (output/render.ts).
 */

/** Whether a string is valid Unicode: no UTF-16 surrogate without its pair. */
export const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Why a piece of text is refused anywhere, or null when it is fine. */
export function textProblem(s: string): string | null {
  if (!wellFormed(s)) return 'not valid Unicode (a lone UTF-16 surrogate)';
  if (s.includes('\u0000')) return 'contains a NUL character';
  return null;
}

/**
 * Nothing a reader can see: white space, control and format characters (zero-width joiners,
 * bidirectional controls, the BOM), unassigned code points, Hangul fillers and the blank Braille
 * pattern, and combining marks, which show nothing without a letter before them.
 */
const INVISIBLE = /^[\p{White_Space}\p{Cc}\p{Cf}\p{Cn}\p{M}\u115f\u1160\u3164\uffa0\u2800]*$/u;

/** Whether a name would show as nothing at all. */
export const invisible = (s: string): boolean => INVISIBLE.test(s);

