/** What a latency distribution looks like, in milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * The nearest-rank percentile of an ascending array: the smallest value with at least p% of the
 * values at or below it (so p99 of 100 values is the 99th, never an interpolation between two).
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  if (p <= 0) return sorted[0] ?? 0;
  // The epsilon keeps floating-point noise (99.9 × 5000 / 100 = 4995.000000000001) from adding a rank.
  const rank = Math.ceil((p * sorted.length) / 100 - 1e-9);
  return sorted[Math.min(sorted.length, rank) - 1] ?? 0;
}

/** Rounds a latency for the report: whole ms above 10 ms, tenths below. */
export function roundMs(ms: number): number {
  return ms >= 10 ? Math.round(ms) : Math.round(ms * 10) / 10;
}

/**
 * Latencies kept exactly in a growing Float64Array (8 bytes each: a million samples is 8 MB), so
 * every percentile is exact rather than an HDR bucket's approximation.
 */
export class LatencyRecorder {
  private values = new Float64Array(1024);
  private size = 0;

  record(ms: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = ms;
  }

  get count(): number {
    return this.size;
  }

  reset(): void {
    this.size = 0;
  }

  summary(): LatencySummary {
    const sorted = this.values.slice(0, this.size).sort();
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      count: sorted.length,
      min: roundMs(sorted[0] ?? 0),
      mean: roundMs(sorted.length === 0 ? 0 : sum / sorted.length),
      p50: roundMs(percentile(sorted, 50)),
      p90: roundMs(percentile(sorted, 90)),
      p99: roundMs(percentile(sorted, 99)),
      p999: roundMs(percentile(sorted, 99.9)),
      max: roundMs(sorted[sorted.length - 1] ?? 0),
    };
  }
}
