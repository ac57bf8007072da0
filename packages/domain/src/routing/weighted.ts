/**
 * Picks one candidate with probability proportional to its weight; `random` is a number in [0, 1)
 * supplied by the caller. Candidates with a weight that is zero, negative or not finite are never
 * picked; returns null when no candidate can be. Throws RangeError for a `random` outside [0, 1),
 * which is a bug in the caller, not an expected outcome.
 */
export function pickWeighted<T extends { readonly id: string; readonly weight: number }>(
  candidates: readonly T[],
  random: number,
): T | null {
  if (!(random >= 0 && random < 1)) throw new RangeError(`random must be in [0, 1), got ${random}`);
  const eligible = candidates.filter(
    (candidate) => candidate.weight > 0 && Number.isFinite(candidate.weight),
  );
  const total = eligible.reduce((sum, candidate) => sum + candidate.weight, 0);
  const target = random * total;
  let cumulative = 0;
  for (const candidate of eligible) {
    cumulative += candidate.weight;
    if (target < cumulative) return candidate;
  }
  // Only reached through rounding when random is within an ulp of 1, or when nothing is eligible.
  return eligible.at(-1) ?? null;
}
