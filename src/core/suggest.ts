// "Did you mean": close spellings of a mistyped id, option or key.

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Up to three candidates that look like what was typed: close spelling or sharing a word. */
export function suggest(input: string, candidates: string[]): string[] {
  const words = input.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2);
  return candidates
    .map((id) => ({ id, d: distance(input.toLowerCase(), id.toLowerCase()) }))
    .filter(({ id, d }) => d <= Math.max(2, Math.floor(id.length / 4)) || words.some((w) => id.toLowerCase().includes(w)))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, 3)
    .map((s) => s.id);
}

/** `; did you mean a, b?` or nothing. */
export function didYouMean(input: string, candidates: string[]): string {
  const close = suggest(input, candidates);
  return close.length ? `; did you mean ${close.join(', ')}?` : '';
}
