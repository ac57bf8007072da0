/** Sums of a Prometheus histogram (or summary) over every label set: total seconds and observations. */
export interface HistogramTotals {
  sum: number;
  count: number;
}

/** Adds up `<name>_sum` and `<name>_count` over all label sets of a Prometheus text exposition. */
export function histogramTotals(exposition: string, name: string): HistogramTotals {
  let sum = 0;
  let count = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^(\w+?)(_sum|_count)(?:\{[^}]*\})? ([^\s]+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    if (match[2] === '_sum') sum += value;
    else count += value;
  }
  return { sum, count };
}

/** Mean of the observations made between two expositions, or null when there were none. */
export function meanBetween(before: string, after: string, name: string): number | null {
  const a = histogramTotals(before, name);
  const b = histogramTotals(after, name);
  const count = b.count - a.count;
  return count > 0 ? (b.sum - a.sum) / count : null;
}

/** The `/metrics` text of an app, or '' when it cannot be read (the figures are then left out). */
export async function scrape(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return response.ok ? await response.text() : '';
  } catch {
    return '';
  }
}

/**
 * What the ingress says about its own time between two scrapes: the mean HTTP handler time and
 * the group-commit produce requests (mean duration and records each), names of issue 7's metrics
 * first and the earlier ones after.
 */
export function describeIngressTime(before: string, after: string): string {
  const first = (names: string[]) => {
    for (const name of names) {
      const mean = meanBetween(before, after, name);
      if (mean !== null) return mean;
    }
    return null;
  };
  const http = first(['herald_http_request_duration_seconds']);
  const produce = first(['herald_kafka_produce_batch_seconds', 'herald_produce_batch_seconds']);
  const records = first(['herald_kafka_produce_batch_records', 'herald_produce_batch_records']);
  const parts: string[] = [];
  if (http !== null) parts.push(`handler mean ${(http * 1000).toFixed(1)} ms`);
  if (produce !== null)
    parts.push(
      `produce request mean ${(produce * 1000).toFixed(1)} ms${records === null ? '' : ` for ${records.toFixed(1)} records`}`,
    );
  return parts.length > 0 ? `ingress /metrics: ${parts.join(', ')}` : 'ingress /metrics: no figures';
}
