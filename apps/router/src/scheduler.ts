import type { MessageAccepted } from '@herald/domain';
import { produceInTransaction } from '@herald/kafka';
import type { KafkaMetrics } from '@herald/kafka';
import type { Logger } from '@herald/telemetry';
import { claimDueMessages, inTransaction, markDispatched } from '@herald/store';
import type { Producer } from 'kafkajs';
import type { RouterDeps } from './requested-batch.js';
import { routeDue } from './requested-batch.js';

/** A running scheduler loop. */
export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * Dispatches held messages when their send_at comes: claims due rows (several routers share them
 * with SKIP LOCKED), routes them like live messages, produces the results in one Kafka transaction,
 * then marks the rows dispatched and commits. A crash between the Kafka commit and the Postgres
 * commit dispatches those messages again on restart (same event ids): at-least-once, documented.
 */
export function startScheduler(
  deps: RouterDeps,
  producer: Producer,
  log: Logger,
  options: { intervalMs: number; batchSize: number; metrics?: KafkaMetrics },
): Scheduler {
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const tick = async (): Promise<number> =>
    inTransaction(deps.pool, async (client) => {
      const now = deps.clock();
      const due = await claimDueMessages<MessageAccepted>(client, now, options.batchSize);
      if (due.length === 0) return 0;
      const out = await routeDue(
        client,
        deps,
        // Each carries on the trace of the request that scheduled it.
        due.map((row) => ({
          event: row.accepted,
          headers: row.traceparent ? { traceparent: row.traceparent } : {},
        })),
        now,
      );
      await produceInTransaction(producer, out, log, { metrics: options.metrics });
      await markDispatched(
        client,
        due.map((row) => row.messageId),
      );
      return due.length;
    });
  const loop = (async () => {
    while (running) {
      const dispatched = await tick().catch((error: unknown) => {
        log.error({ err: error }, 'scheduler tick failed; retrying');
        return 0;
      });
      if (dispatched > 0) log.info({ dispatched }, 'scheduled messages dispatched');
      // A full batch means more may be due: go again at once; otherwise wait for the next tick.
      if (dispatched < options.batchSize && running) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, options.intervalMs);
        });
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      if (timer) clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
