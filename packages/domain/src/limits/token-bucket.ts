/** How fast a bucket refills and how much it holds. */
export interface TokenBucketPolicy {
  /** Tokens added per second; positive. */
  readonly ratePerSecond: number;
  /** Capacity: the most tokens that can be taken at once after a quiet period. */
  readonly burst: number;
}

/** A bucket as stored between requests. */
export interface TokenBucketState {
  /** Tokens in the bucket at `updatedAt`; fractional while refilling. */
  readonly tokens: number;
  /** Epoch milliseconds. */
  readonly updatedAt: number;
}

/** The outcome of one take. */
export interface TokenBucketDecision {
  readonly allowed: boolean;
  /** The bucket to store: refilled to `now`, less the cost when allowed. */
  readonly state: TokenBucketState;
  /** Whole tokens left after this take. */
  readonly remaining: number;
  /**
   * Milliseconds until a take of the same cost succeeds: 0 when allowed, Infinity when the cost is
   * more than the burst (it never can). Exact: taking at `now + retryAfterMs` succeeds, one ms earlier fails.
   */
  readonly retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  readonly resetMs: number;
}

// Every refill goes through this one expression, so the waits computed below match what a later
// take will see, to the last bit of floating point.
function refill(state: TokenBucketState, policy: TokenBucketPolicy, now: number): number {
  const elapsed = Math.max(0, now - state.updatedAt);
  return Math.min(policy.burst, state.tokens + (elapsed * policy.ratePerSecond) / 1000);
}

// The smallest whole number of milliseconds after which `state` holds `needed` tokens.
function msUntil(state: TokenBucketState, policy: TokenBucketPolicy, needed: number): number {
  if (state.tokens >= needed) return 0;
  if (needed > policy.burst || !(policy.ratePerSecond > 0)) return Number.POSITIVE_INFINITY;
  let wait = Math.ceil(((needed - state.tokens) * 1000) / policy.ratePerSecond);
  // The estimate can be one off either way through rounding; settle it with refill itself.
  while (refill(state, policy, state.updatedAt + wait) < needed) wait += 1;
  while (wait > 0 && refill(state, policy, state.updatedAt + wait - 1) >= needed) wait -= 1;
  return wait;
}

/**
 * Takes `cost` tokens from a tenant's bucket at `now` (epoch ms). A missing bucket starts full. The
 * returned state is the one to store whether or not the take was allowed.
 */
export function takeToken(
  state: TokenBucketState | null,
  policy: TokenBucketPolicy,
  now: number,
  cost = 1,
): TokenBucketDecision {
  const available = state === null ? policy.burst : refill(state, policy, now);
  const allowed = available >= cost;
  // A clock behind the stored one (another instance's) must not earn the same time twice.
  const updatedAt = Math.max(now, state?.updatedAt ?? now);
  const next: TokenBucketState = { tokens: allowed ? available - cost : available, updatedAt };
  const behind = updatedAt - now;
  return {
    allowed,
    state: next,
    remaining: Math.floor(next.tokens),
    retryAfterMs: allowed ? 0 : behind + msUntil(next, policy, cost),
    resetMs: behind + msUntil(next, policy, policy.burst),
  };
}
