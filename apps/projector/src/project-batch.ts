import { evolve } from '@herald/domain';
import type { MessageEvent } from '@herald/domain';
import type { PartitionBatch } from '@herald/kafka';
import { nextOffset } from '@herald/kafka';
import {
  appendEvents,
  inTransaction,
  lockMessages,
  lockOffset,
  saveMessages,
  settleCredits,
  storeOffset,
  storedEventIds,
} from '@herald/store';
import type { NewStoredEvent, Pool, StoredMessage } from '@herald/store';
import type { PendingCallbackEvent } from './pending-callbacks.js';
import { pendingCallbacksFor } from './pending-callbacks.js';
import type { Settlement } from './settlements.js';
import { settlementFor } from './settlements.js';

/** What one batch changed, for logs and metrics. */
export interface ProjectionOutcome {
  applied: number;
  skipped: number;
}

/**
 * Applies one partition's batch to the event store and the messages read model, and stores the
 * partition's next offset, all in one Postgres transaction: a crash anywhere leaves either the whole
 * batch applied with its offset, or nothing. Records below the stored offset (Kafka redelivery after
 * a crash) and events already stored (duplicates) are skipped, so a replayed batch changes nothing.
 */
export function projectBatch(
  pool: Pool,
  groupId: string,
  batch: PartitionBatch,
  releaseParked: (events: PendingCallbackEvent[]) => Promise<void> = async () => undefined,
): Promise<ProjectionOutcome> {
  return inTransaction(pool, async (client) => {
    const stored = await lockOffset(client, groupId, batch.topic, batch.partition);
    const unseen = batch.records.filter((record) => BigInt(record.offset) >= stored);
    // Lock the messages before checking which events are stored: the same event id arriving on two
    // topics at once is then seen as stored by whichever transaction comes second.
    const messages = await lockMessages(
      client,
      unseen.map((record) => record.event.messageId),
    );
    const known = await storedEventIds(
      client,
      unseen.map((record) => record.event.eventId),
    );
    const seen = new Set<string>();
    const fresh = unseen.filter(({ event }) => {
      if (known.has(event.eventId) || seen.has(event.eventId)) return false;
      seen.add(event.eventId);
      return true;
    });
    const changed = new Map<string, StoredMessage>();
    const newEvents: NewStoredEvent[] = [];
    const settlements: Settlement[] = [];
    let latest = 0;
    for (const { event, topic, partition, offset, headers } of fresh) {
      const current = changed.get(event.messageId) ?? messages.get(event.messageId);
      const next: StoredMessage = {
        state: evolve(current?.state ?? null, event as MessageEvent),
        version: (current?.version ?? 0) + 1,
      };
      changed.set(event.messageId, next);
      const settlement = settlementFor(event);
      if (settlement) settlements.push(settlement);
      latest = Math.max(latest, event.occurredAt);
      const { type, ...data } = event;
      newEvents.push({
        eventId: event.eventId,
        streamId: event.messageId,
        streamVersion: next.version,
        type,
        tenantId: event.tenantId,
        data,
        metadata: traceMetadata(headers),
        kafkaTopic: topic,
        kafkaPartition: partition,
        kafkaOffset: offset,
        occurredAt: event.occurredAt,
      });
    }
    await appendEvents(client, newEvents);
    await saveMessages(client, [...changed.values()]);
    // The ledger entries carry the events' own time, so a rebuild writes the same rows.
    if (settlements.length > 0) await settleCredits(client, settlements, latest);
    // Provider callbacks that arrived before these sends were known become events now, produced
    // before this transaction commits (a failed commit re-produces them with the same ids).
    const sends = fresh.flatMap(({ event }) => (event.type === 'MessageSent' ? [event] : []));
    if (sends.length > 0) {
      const parked = await pendingCallbacksFor(client, sends);
      if (parked.length > 0) await releaseParked(parked);
    }
    await storeOffset(client, groupId, batch.topic, batch.partition, nextOffset(batch.lastOffset));
    return { applied: fresh.length, skipped: batch.records.length - fresh.length };
  });
}

function traceMetadata(headers: PartitionBatch['records'][number]['headers']): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const name of ['traceparent', 'request-id']) {
    const value = headers[name];
    if (value !== undefined) metadata[name] = value.toString();
  }
  return metadata;
}
