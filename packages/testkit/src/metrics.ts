/** One sample of the Prometheus text format: `name{labels} value`. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed exposition: every sample, and the metric families its `# TYPE` lines declare. */
export interface MetricsExposition {
  samples: MetricSample[];
  /** Family name to type (counter, gauge, histogram, summary, untyped). */
  families: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Parses the Prometheus text exposition format (what prom-client's `registry.metrics()` writes). */
export function parseMetrics(text: string): MetricsExposition {
  const samples: MetricSample[] = [];
  const families = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const [, keyword, name, type] = trimmed.split(/\s+/);
      if (keyword === 'TYPE' && name && type) families.set(name, type);
      continue;
    }
    const match = SAMPLE.exec(trimmed);
    if (!match) throw new Error(`not a Prometheus sample line: ${trimmed}`);
    const [, name = '', labelText = '', value = ''] = match;
    const labels: Record<string, string> = {};
    for (const [, label = '', raw = ''] of labelText.matchAll(LABEL)) labels[label] = unescape(raw);
    samples.push({ name, labels, value: parseValue(value) });
  }
  return { samples, families };
}

/** Fetches and parses an app's `/metrics`. */
export async function scrapeMetrics(url: string): Promise<MetricsExposition> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return parseMetrics(await response.text());
}

/** The samples named `name` whose labels include every pair of `labels`. */
export function samplesOf(
  exposition: MetricsExposition,
  name: string,
  labels: Record<string, string> = {},
): MetricSample[] {
  return exposition.samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/** The sum of the matching samples (0 when there are none, as for a counter never incremented). */
export function sumOf(
  exposition: MetricsExposition,
  name: string,
  labels: Record<string, string> = {},
): number {
  return samplesOf(exposition, name, labels).reduce((total, sample) => total + sample.value, 0);
}
