import { countPendingWebhookDeliveries } from '@herald/store';
import type { Pool } from '@herald/store';
import { Counter, Gauge, Histogram } from '@herald/telemetry';
import type { Logger, Registry } from '@herald/telemetry';

/**
 * The dispatcher's own instruments. Consumed records, batches, poison records and the lag of its
 * group are in `KafkaMetrics` (from @herald/service). No label names an endpoint or a tenant:
 * those grow with the customer base; the attempt log answers per-endpoint questions.
 */
export interface WebhooksMetrics {
  /** Attempts by outcome: delivered, retry, gone, failed (retries exhausted). */
  attempts: Counter<'outcome'>;
  /** Duration of one attempt. */
  latency: Histogram;
  /** From the event to its successful delivery, retries included. */
  lag: Histogram;
  /** Duration of one enqueue transaction. */
  enqueueSeconds: Histogram;
  /** Duration of one claim of due deliveries. */
  claimSeconds: Histogram;
  /** Deliveries enqueued from events. */
  enqueued: Counter;
  /** Endpoints disabled, by reason. */
  disabled: Counter<'reason'>;
}

/** Registers the dispatcher's instruments in `registry`; the pending gauge is read on scrape. */
export function createWebhooksMetrics(registry: Registry, pool: Pool, log: Logger): WebhooksMetrics {
  const registers = [registry];
  new Gauge({
    name: 'herald_webhook_deliveries_pending',
    help: 'Webhook deliveries waiting for an attempt, due or scheduled, read on scrape',
    registers,
    async collect() {
      const pending = await countPendingWebhookDeliveries(pool).catch((error: unknown) => {
        log.warn({ err: error }, 'counting pending webhook deliveries failed');
        return null;
      });
      // NaN, not 0, when unknown: an unlabelled gauge always has a sample.
      this.set(pending ?? Number.NaN);
    },
  });
  return {
    attempts: new Counter({
      name: 'herald_webhook_attempts_total',
      help: 'Webhook delivery attempts, by outcome (delivered, retry, gone, failed)',
      labelNames: ['outcome'],
      registers,
    }),
    latency: new Histogram({
      name: 'herald_webhook_attempt_seconds',
      help: 'Duration of one webhook delivery attempt',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers,
    }),
    lag: new Histogram({
      name: 'herald_webhook_delivery_lag_seconds',
      help: 'From the event to its successful delivery, retries included',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300, 3600],
      registers,
    }),
    enqueueSeconds: new Histogram({
      name: 'herald_webhook_enqueue_batch_seconds',
      help: 'Duration of one enqueue transaction (one partition batch)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    claimSeconds: new Histogram({
      name: 'herald_webhook_claim_seconds',
      help: 'Duration of one claim of due deliveries',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    enqueued: new Counter({
      name: 'herald_webhook_deliveries_enqueued_total',
      help: 'Webhook deliveries enqueued from events, to endpoints and callback URLs',
      registers,
    }),
    disabled: new Counter({
      name: 'herald_webhook_endpoints_disabled_total',
      help: 'Endpoints the dispatcher disabled, by reason (gone, failing)',
      labelNames: ['reason'],
      registers,
    }),
  };
}
