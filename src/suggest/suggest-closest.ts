/**
 * Returns the edit distance between `a` and `b`: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each count 1 (optimal string alignment, the restricted Damerau–Levenshtein:
 * `stauts` → `status` is 1, as people mistype). Compares UTF-16 units; names here are ASCII.
 */
export function editDistance(a: string, b: string): number {
  // Three rows of the classic table are enough: the swap looks two rows back.
  let twoBack: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, twoBack[j - 2]! + 1);
      current.push(best);
    }
    twoBack = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Returns the candidate `input` most likely meant, or undefined when none is close: within one edit per
 * three characters, rounded up (case ignored), else the only candidate that starts with an input of
 * three or more characters (`stat` → `status`). Ties go to the earlier candidate. Never returns `input`
 * itself (but does return `status` for `STATUS`). Example: `suggestClosest('stauts', ['status', 'trace'])` → `'status'`.
 */
export function suggestClosest(input: string, candidates: Iterable<string>): string | undefined {
  const typed = input.toLowerCase();
  if (typed === '') return undefined;
  const limit = Math.max(1, Math.ceil(typed.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  const prefixed: string[] = [];
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    if (candidate === input) continue;
    // A cheap bound first: lengths that differ by more than the limit can never be within it.
    if (Math.abs(lower.length - typed.length) <= limit) {
      const distance = editDistance(typed, lower);
      if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
    }
    if (typed.length >= 3 && lower.startsWith(typed)) prefixed.push(candidate);
  }
  if (best !== undefined) return best.candidate;
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
