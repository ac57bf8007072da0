import { SmppStats } from './smpp/stats.js';
import type { SmppStatsSnapshot } from './smpp/stats.js';

/** Final status a simulated message reached. */
export type FinalStatus = 'delivered' | 'undelivered' | 'failed';

/** What GET /sim/stats answers; benchmarks and tests compare it with what Herald recorded. */
export interface SimStatsSnapshot {
  accepted: number;
  rejected: Record<string, number>;
  finalStatuses: Record<FinalStatus, number>;
  callbacks: { sent: number; retried: number; failed: number; cancelled: number };
  pendingLifecycles: number;
  /** The SMPP server's own counters; the fields above count HTTP traffic only. */
  smpp: SmppStatsSnapshot;
}

/** Counters only; every increment is named after the event it counts. */
export class SimStats {
  #accepted = 0;
  readonly #rejected = new Map<string, number>();
  readonly #final: Record<FinalStatus, number> = { delivered: 0, undelivered: 0, failed: 0 };
  readonly #callbacks = { sent: 0, retried: 0, failed: 0, cancelled: 0 };
  /** Counted by the SMPP server, reported in the same snapshot. */
  readonly smpp = new SmppStats();

  messageAccepted(): void {
    this.#accepted += 1;
  }

  /** `reason` is stable and greppable, e.g. `twilio_21211` or `injected_503`. */
  messageRejected(reason: string): void {
    this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1);
  }

  finalStatusReached(status: FinalStatus): void {
    this.#final[status] += 1;
  }

  callbackSent(): void {
    this.#callbacks.sent += 1;
  }

  callbackRetried(): void {
    this.#callbacks.retried += 1;
  }

  callbackFailed(): void {
    this.#callbacks.failed += 1;
  }

  callbackCancelled(): void {
    this.#callbacks.cancelled += 1;
  }

  snapshot(pendingLifecycles: number): SimStatsSnapshot {
    return {
      accepted: this.#accepted,
      rejected: Object.fromEntries(this.#rejected),
      finalStatuses: { ...this.#final },
      callbacks: { ...this.#callbacks },
      pendingLifecycles,
      smpp: this.smpp.snapshot(),
    };
  }
}
