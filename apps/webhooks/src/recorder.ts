import {
  disableGoneEndpoints,
  failWebhookDeliveries,
  inTransaction,
  recordEndpointHealth,
  settleWebhookAttempts,
} from '@herald/store';
import type { DisabledEndpoint, EndpointHealth, Pool, SettledAttempt } from '@herald/store';
import type { Logger } from '@herald/telemetry';
import type { AttemptDecision } from './outcome.js';

/** Options of `Recorder`. */
export interface RecorderOptions {
  pool: Pool;
  log: Logger;
  /** How long an endpoint may fail before it is disabled. */
  disableAfterMs: number;
  /** Most decisions written in one transaction. */
  maxBatch?: number;
  /** How long the first decision waits for company before a write. */
  lingerMs?: number;
  onDisabled?: (disabled: DisabledEndpoint[]) => void;
  /** After each write: deliveries may have become due (the next of an ordered message). */
  onWritten?: () => void;
}

/**
 * Writes attempt outcomes in batches: one transaction logs the attempts, moves their deliveries
 * on, disables endpoints that answered 410 or failed for too long, and clears the failing mark of
 * those that answered 2xx. A failed write is retried with the same batch; meanwhile the claims'
 * leases keep the deliveries from being attempted again.
 */
export class Recorder {
  private settled: SettledAttempt[] = [];
  private health = new Map<string, EndpointHealth>();
  private gone = new Map<string, string>();
  private failures: { deliveryId: string; error: string }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly maxBatch: number;
  private readonly lingerMs: number;

  constructor(private readonly options: RecorderOptions) {
    this.maxBatch = options.maxBatch ?? 500;
    this.lingerMs = options.lingerMs ?? 10;
  }

  /** Queues one attempt's outcome. */
  add(decision: AttemptDecision): void {
    this.settled.push(decision.settled);
    const health = decision.health;
    if (health !== null) {
      const known = this.health.get(health.endpointId);
      if (known === undefined || known.at <= health.at) this.health.set(health.endpointId, health);
    }
    if (decision.gone !== null) this.gone.set(decision.gone.endpointId, decision.gone.detail);
    this.schedule();
  }

  /** Queues a delivery failed without an attempt (its endpoint is disabled). */
  fail(deliveryId: string, error: string): void {
    this.failures.push({ deliveryId, error });
    this.schedule();
  }

  /** Writes everything queued; resolves once it is stored (retrying until it is). */
  async close(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private size(): number {
    return this.settled.length + this.failures.length;
  }

  private schedule(): void {
    if (this.size() >= this.maxBatch) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      void this.flush();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.lingerMs);
    }
  }

  /** One write at a time, in order; a write takes everything queued when it starts. */
  private flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeQueued());
    return this.flushing;
  }

  private async writeQueued(): Promise<void> {
    for (let failuresInRow = 0; this.size() > 0;) {
      const batch = {
        settled: this.settled,
        health: [...this.health.values()],
        gone: [...this.gone].map(([endpointId, detail]) => ({ endpointId, detail })),
        failures: this.failures,
      };
      this.settled = [];
      this.health = new Map();
      this.gone = new Map();
      this.failures = [];
      try {
        const disabled = await inTransaction(this.options.pool, async (client) => {
          await settleWebhookAttempts(client, batch.settled);
          await failWebhookDeliveries(client, batch.failures);
          const gone = await disableGoneEndpoints(client, batch.gone);
          const failing = await recordEndpointHealth(client, batch.health, this.options.disableAfterMs);
          return [...gone, ...failing];
        });
        if (disabled.length > 0) this.options.onDisabled?.(disabled);
        this.options.onWritten?.();
        failuresInRow = 0;
      } catch (error) {
        failuresInRow++;
        this.options.log.error(
          { err: error, attempts: batch.settled.length },
          'recording attempts failed; retrying',
        );
        this.requeue(batch);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** failuresInRow)));
      }
    }
  }

  private requeue(batch: {
    settled: SettledAttempt[];
    health: EndpointHealth[];
    gone: { endpointId: string; detail: string }[];
    failures: { deliveryId: string; error: string }[];
  }): void {
    this.settled = [...batch.settled, ...this.settled];
    this.failures = [...batch.failures, ...this.failures];
    for (const health of batch.health) {
      const known = this.health.get(health.endpointId);
      if (known === undefined || known.at < health.at) this.health.set(health.endpointId, health);
    }
    for (const { endpointId, detail } of batch.gone)
      if (!this.gone.has(endpointId)) this.gone.set(endpointId, detail);
  }
}
