/** "Did you mean" for flows, events and commands: the closest candidate within a small edit distance. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/**
 * Returns the candidate closest to `input`, or undefined when nothing is close
 * enough to be a plausible typo (a third of the input's length, at least 2 edits).
 * A candidate that equals the input with a segment dropped or added (`invoice.draft.paid`
 * -> `invoice.paid`) also counts, since dotted names are often mis-remembered that way.
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = Math.min(editDistance(input, candidate), segmentDistance(input, candidate));
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function segmentDistance(input: string, candidate: string): number {
  const a = input.split('.');
  const b = candidate.split('.');
  if (Math.abs(a.length - b.length) !== 1 || a[0] !== b[0] || a.at(-1) !== b.at(-1)) return Infinity;
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  for (let skip = 0; skip < longer.length; skip++) {
    const rest = longer.filter((_, i) => i !== skip);
    if (rest.join('.') === shorter.join('.')) return 1;
  }
  return Infinity;
}
