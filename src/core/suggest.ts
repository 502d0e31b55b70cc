/** Levenshtein distance: how many single-character edits turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known names closest to a mistyped one: within a third of the name's length in edits (at
 * least one), ignoring case and accents, the nearest of those only; or starting with what was typed.
 */
export function closest(typed: string, known: readonly string[], max = 3): string[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const t = fold(typed);
  const near = known
    .map((name) => ({ name, d: editDistance(t, fold(name)), prefix: t.length >= 3 && fold(name).startsWith(t) }))
    .filter((x) => x.prefix || x.d <= Math.max(1, Math.floor(x.name.length / 3)));
  // Only the closest ones: a name two edits away is no suggestion beside one a single edit away.
  const best = Math.min(...near.map((x) => (x.prefix ? 0 : x.d)));
  return near
    .filter((x) => x.prefix || x.d === best)
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((x) => x.name);
}

/** " (did you mean "A" or "B"?)" for a not-found message, or nothing when no name is close. */
export function didYouMean(typed: string, known: readonly string[], quote = true): string {
  const names = closest(typed, known).map((n) => (quote ? `"${n}"` : n));
  return names.length ? ` (did you mean ${names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0]}?)` : '';
}
