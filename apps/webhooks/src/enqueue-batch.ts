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
import { endSpan, startConsumerSpan, traceparentOf } from '@herald/telemetry';
import type { TraceContext } from '@herald/telemetry';
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
 *
 * Each record gets a span continued from its headers; the webhook message keeps that span's trace
 * context, so its deliveries, however late, continue the message's trace.
 */
export async function enqueueBatch(
  pool: Pool,
  groupId: string,
  batch: PartitionBatch,
  lane: number = batch.partition,
): Promise<EnqueueOutcome> {
  const spans = batch.records.map((record) => startConsumerSpan(record, groupId));
  try {
    const outcome = await enqueueInTransaction(pool, groupId, batch, lane, spans);
    for (const span of spans) endSpan(span);
    return outcome;
  } catch (error) {
    for (const span of spans) endSpan(span, error);
    throw error;
  }
}

function enqueueInTransaction(
  pool: Pool,
  groupId: string,
  batch: PartitionBatch,
  lane: number,
  spans: readonly TraceContext[],
): Promise<EnqueueOutcome> {
  return inTransaction(pool, async (client) => {
    const stored = await lockOffset(client, groupId, batch.topic, batch.partition);
    await lockWebhookLane(client, lane);
    const callbacks: MessageCallback[] = [];
    const messages = new Map<string, NewWebhookMessage>();
    let applied = 0;
    batch.records.forEach(({ event, offset }, index) => {
      if (BigInt(offset) < stored) return;
      applied++;
      if (event.type === 'MessageAccepted')
        callbacks.push({
          messageId: event.messageId,
          tenantId: event.tenantId,
          callbackUrl: event.callbackUrl,
        });
      const message = webhookMessageOf(event);
      if (message === null) return;
      const span = spans[index];
      message.traceparent = span === undefined ? null : traceparentOf(span);
      messages.set(message.id, message);
    });
    // Callbacks first: a batch's own MessageAccepted then reaches its callback_url too.
    const late = await recordMessageCallbacks(client, callbacks);
    const enqueued = await enqueueWebhookMessages(client, [...messages.values()]);
    await storeOffset(client, groupId, batch.topic, batch.partition, nextOffset(batch.lastOffset));
    return {
      applied,
      skipped: batch.records.length - applied,
      enqueued: late + enqueued,
    };
  });
}
