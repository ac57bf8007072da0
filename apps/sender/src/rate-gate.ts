import { takeToken } from '@herald/domain';
import type { TokenBucketState } from '@herald/domain';

/**
 * Per-provider rate limits: `acquire` resolves when the provider may take one more message. Sends
 * are spaced evenly (a bucket of one token) a little under the provider's messages per second, so
 * no one-second window at the provider ever holds more than its limit, even with network jitter;
 * a burst, by contrast, would queue in the connection pool and arrive bunched. Per sender instance.
 */
export class RateGate {
  private readonly buckets = new Map<string, TokenBucketState | null>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly mpsOf: (providerId: string) => number | undefined,
    private readonly clock: () => number = () => performance.now(),
    /**
     * Headroom for jitter between our sends and their arrival at the provider: 5% under the limit.
     * With 2%, two requests delayed on the way (a busy machine) put 21 into one second at 20/s.
     */
    private readonly margin = 0.95,
  ) {}

  /** Waits for a slot of `providerId`; immediate for providers without a limit. */
  acquire(providerId: string): Promise<void> {
    const mps = this.mpsOf(providerId);
    if (mps === undefined) return Promise.resolve();
    // Chain waiters per provider so slots go out first come, first served.
    const previous = this.queues.get(providerId) ?? Promise.resolve();
    const next = previous.then(() => this.take(providerId, mps * this.margin));
    this.queues.set(providerId, next);
    return next;
  }

  private async take(providerId: string, ratePerSecond: number): Promise<void> {
    for (;;) {
      const decision = takeToken(
        this.buckets.get(providerId) ?? null,
        { ratePerSecond, burst: 1 },
        this.clock(),
      );
      this.buckets.set(providerId, decision.state);
      if (decision.allowed) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(decision.retryAfterMs))));
    }
  }
}
