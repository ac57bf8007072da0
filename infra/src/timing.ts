/** Runs `work` and returns its result with the elapsed milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

/** Milliseconds as seconds with one decimal, e.g. "8.3s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
