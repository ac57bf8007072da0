import type { PartitionBatch } from '@herald/kafka';
import { nextOffset } from '@herald/kafka';
import {
  enqueueWebhookMessages,
  inTransaction,
  lockOffset,
  lockWebhookLane,
  recordMessageCallbacks,
  storeOffset,
} from '@herald/store';
import type { MessageCallback, NewWebhookMessage, Pool } from '@herald/store';
import { webhookMessageOf } from './payload.js';

/** What one batch changed, for logs and metrics. */
export interface EnqueueOutcome {
  /** Records applied (not below the stored offset). */
  applied: number;
  /** Records skipped: already applied before a crash or rebalance. */
  skipped: number;
  /** Deliveries enqueued, to endpoints and callback URLs. */
  enqueued: number;
}

/**
 * Turns one partition's batch into webhook messages and their deliveries, and stores the
 * partition's next offset, in one Postgres transaction: a crash leaves the whole batch enqueued
 * with its offset, or nothing. `lane` is the partition number (or 0 when the topics' partition
 * counts differ), so the requested and events topics of one recipient never race.
 */
export function enqueueBatch(
  pool: Pool,
  groupId: string,
  batch: PartitionBatch,
  lane: number = batch.partition,
): Promise<EnqueueOutcome> {
  return inTransaction(pool, async (client) => {
    const stored = await lockOffset(client, groupId, batch.topic, batch.partition);
    const unseen = batch.records.filter((record) => BigInt(record.offset) >= stored);
    await lockWebhookLane(client, lane);
    const callbacks: MessageCallback[] = [];
    const messages = new Map<string, NewWebhookMessage>();
    for (const { event } of unseen) {
      if (event.type === 'MessageAccepted')
        callbacks.push({
          messageId: event.messageId,
          tenantId: event.tenantId,
          callbackUrl: event.callbackUrl,
        });
      const message = webhookMessageOf(event);
      if (message !== null) messages.set(message.id, message);
    }
    // Callbacks first: a batch's own MessageAccepted then reaches its callback_url too.
    const late = await recordMessageCallbacks(client, callbacks);
    const enqueued = await enqueueWebhookMessages(client, [...messages.values()]);
    await storeOffset(client, groupId, batch.topic, batch.partition, nextOffset(batch.lastOffset));
    return {
      applied: unseen.length,
      skipped: batch.records.length - unseen.length,
      enqueued: late + enqueued,
    };
  });
}
