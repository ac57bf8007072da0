/** A source of uniform numbers in [0, 1); seeded so a run can be replayed exactly. */
export interface Random {
  next(): number;
}

/**
 * mulberry32: a 32-bit seeded PRNG, small and fast with good enough statistics for picking
 * simulated outcomes. Not for anything secret.
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return {
    next: () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/**
 * Independent streams derived from one seed, so drawing latency jitter never shifts which
 * requests fail: outcomes depend only on the seed and the order of valid requests.
 */
export function seededStreams(seed: number): { outcomes: Random; jitter: Random } {
  return { outcomes: mulberry32(seed), jitter: mulberry32(seed ^ 0x9e3779b9) };
}
