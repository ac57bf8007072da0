import { takeToken } from '@herald/domain';
import type { TokenBucketState } from '@herald/domain';

/**
 * Per-provider token buckets: `acquire` resolves when the provider may take one more message, so
 * calls never exceed its messages per second (per sender instance). Waiters are served in order.
 */
export class RateGate {
  private readonly buckets = new Map<string, TokenBucketState | null>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly mpsOf: (providerId: string) => number | undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Waits for a token of `providerId`; immediate for providers without a limit. */
  acquire(providerId: string): Promise<void> {
    const mps = this.mpsOf(providerId);
    if (mps === undefined) return Promise.resolve();
    // Chain waiters per provider so tokens go out first come, first served.
    const previous = this.queues.get(providerId) ?? Promise.resolve();
    const next = previous.then(() => this.take(providerId, mps));
    this.queues.set(providerId, next);
    return next;
  }

  private async take(providerId: string, mps: number): Promise<void> {
    // A burst of one token per 100 ms of rate keeps short windows honest: never more than mps in
    // any one-second window.
    const policy = { ratePerSecond: mps, burst: Math.max(1, Math.floor(mps / 10)) };
    for (;;) {
      const decision = takeToken(this.buckets.get(providerId) ?? null, policy, this.clock());
      this.buckets.set(providerId, decision.state);
      if (decision.allowed) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(decision.retryAfterMs))));
    }
  }
}
