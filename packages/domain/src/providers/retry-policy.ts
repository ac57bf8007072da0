/** How failed sends are retried. */
export interface RetryPolicy {
  /** Delays of the retry tiers, shortest first (one retry topic each). */
  tierDelaysMs: readonly number[];
  /** Attempts in all, the first one included; the last failure ends the message as failed. */
  maxAttempts: number;
  /** Spread of each delay, as a fraction: 0.2 makes a 60 s delay anything in 48..72 s. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  tierDelaysMs: [5_000, 60_000, 600_000],
  maxAttempts: 5,
  jitter: 0.2,
};

/** What to do after attempt `attempt` (1-based) failed with a retryable error. */
export type RetryDecision = { kind: 'retry'; tier: number; delayMs: number } | { kind: 'exhausted' };

/**
 * The next retry of a failed attempt: the n-th retry waits in tier n (the last tier for every
 * retry after that), with its delay spread by jitter so retries of a burst do not return together.
 * A provider's own Retry-After, when longer, wins. `random` is in [0, 1).
 */
export function nextRetry(
  policy: RetryPolicy,
  attempt: number,
  random: number,
  retryAfterMs = 0,
): RetryDecision {
  if (attempt >= policy.maxAttempts || policy.tierDelaysMs.length === 0) return { kind: 'exhausted' };
  const tier = Math.min(attempt, policy.tierDelaysMs.length) - 1;
  const base = policy.tierDelaysMs[tier] ?? 0;
  const spread = base * policy.jitter * (2 * random - 1);
  return { kind: 'retry', tier, delayMs: Math.max(Math.round(base + spread), retryAfterMs) };
}
