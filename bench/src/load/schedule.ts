// The open model's clock: send `index` is due at a fixed time after the start, whatever happened to
// the sends before it. Latency is then measured from that due time, so a stalled server (or a
// stalled generator) shows up as latency instead of silently lowering the offered rate: the
// "coordinated omission" a closed loop hides.

/** Milliseconds after the start at which send `index` (0-based) is due at `ratePerSecond`. */
export function dueAt(index: number, ratePerSecond: number): number {
  return (index * 1000) / ratePerSecond;
}

/** How many sends are due `elapsedMs` after the start (those with dueAt ≤ elapsedMs), at most `total`. */
export function dueBy(elapsedMs: number, ratePerSecond: number, total: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * ratePerSecond) / 1000 + 1e-9) + 1);
}

/** Sends in a run of `durationMs` at `ratePerSecond` (the one due exactly at the end excluded). */
export function sendsIn(durationMs: number, ratePerSecond: number): number {
  return Math.ceil((durationMs * ratePerSecond) / 1000 - 1e-9);
}

/**
 * How to offer `messagesPerSecond` as requests of `perRequest` messages each: the request rate and
 * the number of requests in `durationMs`.
 */
export function requestPlan(
  messagesPerSecond: number,
  perRequest: number,
  durationMs: number,
): { requestsPerSecond: number; requests: number } {
  const requestsPerSecond = messagesPerSecond / perRequest;
  return { requestsPerSecond, requests: sendsIn(durationMs, requestsPerSecond) };
}
