import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { MatchedCallback, ProviderCallback } from '@herald/store';
import type { Logger } from '@herald/telemetry';

/** How a receipt the sender's memory did not know was settled. */
export type FallbackOutcome = 'read_model' | 'parked' | 'lost';

/** What the fallback needs from the process; the store and Kafka sides are passed in. */
export interface ReceiptFallbackDeps {
  /**
   * Matches callbacks to their messages in the read model and parks the rest for the projector, in
   * one transaction (the store's matchOrParkCallbacks, as the ingress uses it for WhatsApp).
   */
  matchOrPark: (
    callbacks: readonly ProviderCallback[],
  ) => Promise<{ matched: MatchedCallback[]; parked: ProviderCallback[] }>;
  /** Produces the events of matched callbacks; resolves once Kafka has acknowledged them. */
  publish: (matched: readonly MatchedCallback[]) => Promise<void>;
  /** Told once per receipt how it was settled, for metrics. */
  settled: (callback: ProviderCallback, outcome: FallbackOutcome) => void;
  log: Logger;
  /** Pause before each retry of a failed lookup; as many retries as entries. */
  retryDelaysMs?: readonly number[];
  /** Most receipts looked up in one transaction. */
  maxBatch?: number;
}

const DEFAULT_RETRY_DELAYS_MS = [200, 1_000, 3_000];
const DEFAULT_MAX_BATCH = 500;

/**
 * The durable path for provider-session receipts (SMPP deliver_sm) the sender's memory cannot
 * attribute: the message was sent by another instance, or by this one before a restart. The same
 * mechanism as the ingress's WhatsApp webhook: a receipt whose send the read model knows becomes its
 * event at once; one that arrives before the projector has recorded the send is parked in
 * `pending_provider_callbacks`, and the projector produces its event when it projects the
 * MessageSent. Event ids are derived from the receipt, so a receipt that reaches both this path and
 * an instance's memory (the SMSC repeated it) is one event.
 *
 * `add` never blocks nor throws: the transport calls it from its session, which has acknowledged the
 * deliver_sm already. Receipts queue and are looked up together, one transaction at a time (group
 * commit: those that arrive while a lookup runs share the next one). A lookup that fails is retried
 * a few times; a receipt that still cannot be recorded is logged at error with its ids and counted.
 */
export class ReceiptFallback {
  readonly #deps: ReceiptFallbackDeps;
  readonly #retryDelaysMs: readonly number[];
  readonly #maxBatch: number;
  #queue: ProviderCallback[] = [];
  #draining: Promise<void> | null = null;

  constructor(deps: ReceiptFallbackDeps) {
    this.#deps = deps;
    this.#retryDelaysMs = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.#maxBatch = deps.maxBatch ?? DEFAULT_MAX_BATCH;
  }

  /** Queues a receipt for matching or parking. */
  add(callback: ProviderCallback): void {
    this.#queue.push(callback);
    this.#draining ??= this.#drain();
  }

  /** Resolves once every receipt added so far is settled (matched and produced, parked, or lost). */
  async flush(): Promise<void> {
    while (this.#draining !== null) await this.#draining;
  }

  async #drain(): Promise<void> {
    // Receipts come in bursts (several deliver_sm in one TCP read): let the burst queue up first.
    await nextTurn();
    for (;;) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      if (batch.length === 0) {
        // Cleared in the same turn as the empty check, so an add() after it starts a new drain.
        this.#draining = null;
        return;
      }
      try {
        await this.#settle(batch);
      } catch (error) {
        // #settle handles the store and Kafka failing; this is a bug, and the drain must go on.
        this.#deps.log.error({ err: error, receipts: batch.length }, 'settling provider receipts failed');
      }
    }
  }

  /** Settles every receipt of the batch (read_model, parked or lost), whatever the store or Kafka do. */
  async #settle(batch: ProviderCallback[]): Promise<void> {
    const unique = [...new Map(batch.map((callback) => [callback.eventId, callback])).values()];
    const outcome = await this.#matchOrPark(unique);
    if (outcome === null) {
      for (const callback of unique) this.#lost(callback, 'looking it up in the read model failed');
      return;
    }
    for (const callback of outcome.parked) {
      this.#deps.settled(callback, 'parked');
      // Debug: one line per receipt is as many as messages, too many for info.
      this.#deps.log.debug(
        { provider: callback.providerId, providerMessageId: callback.providerMessageId },
        'receipt parked until its send is projected',
      );
    }
    if (outcome.matched.length === 0) return;
    try {
      await this.#deps.publish(outcome.matched);
      for (const { callback } of outcome.matched) this.#deps.settled(callback, 'read_model');
    } catch (error) {
      for (const { callback, message } of outcome.matched)
        this.#lost(callback, 'producing its event failed', error, message.messageId);
    }
  }

  async #matchOrPark(
    callbacks: ProviderCallback[],
  ): Promise<{ matched: MatchedCallback[]; parked: ProviderCallback[] } | null> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.#deps.matchOrPark(callbacks);
      } catch (error) {
        const delayMs = this.#retryDelaysMs[attempt];
        if (delayMs === undefined) {
          this.#deps.log.error({ err: error, receipts: callbacks.length }, 'receipt lookup failed');
          return null;
        }
        this.#deps.log.warn(
          { err: error, receipts: callbacks.length, retryInMs: delayMs },
          'receipt lookup failed; retrying',
        );
        await sleep(delayMs);
      }
    }
  }

  #lost(callback: ProviderCallback, reason: string, error?: unknown, messageId?: string): void {
    this.#deps.settled(callback, 'lost');
    this.#deps.log.error(
      {
        ...(error === undefined ? {} : { err: error }),
        ...(messageId === undefined ? {} : { messageId }),
        provider: callback.providerId,
        providerMessageId: callback.providerMessageId,
        eventType: callback.eventType,
      },
      `provider receipt not recorded: ${reason}`,
    );
  }
}
