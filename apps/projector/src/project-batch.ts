import type { DecodedRecord, PartitionBatch } from '@herald/kafka';
import { nextOffset } from '@herald/kafka';
import { applyProjections, foldEvents, shareProjectionLock } from '@herald/projections';
import {
  appendEvents,
  inTransaction,
  loadMessages,
  lockMessages,
  lockPartitionLane,
  lockOffset,
  settleCredits,
  storeOffset,
  storedEventIds,
} from '@herald/store';
import type { NewStoredEvent, Pool, SettledCredits } from '@herald/store';
import { inBatchSpan, traceFieldsOfHeaders } from '@herald/telemetry';
import type { Logger } from '@herald/telemetry';
import type { PendingCallbackEvent } from './pending-callbacks.js';
import { pendingCallbacksFor } from './pending-callbacks.js';
import { settlementFor } from './settlements.js';

/**
 * The event of a provider callback parked before its send was known, and the headers of the
 * MessageSent record that released it: the event continues that send's trace.
 */
export interface ReleasedCallback {
  event: PendingCallbackEvent;
  cause: DecodedRecord['headers'];
}

/** What one batch changed, for logs and metrics. */
export interface ProjectionOutcome {
  applied: number;
  skipped: number;
  /** Captures and releases of credits this batch appended to the ledger. */
  settled: SettledCredits[];
}

/**
 * How concurrent batches that touch the same message are serialised: by partition lane (one lock per
 * batch; needs every message topic to have the same partition count), or by message.
 */
export type MessageLocking = 'lanes' | 'messages';

/**
 * Applies one partition's batch to the event store and every read model, and stores the partition's
 * next offset, all in one Postgres transaction: a crash anywhere leaves either the whole batch
 * applied with its offset, or nothing. Records below the stored offset (Kafka redelivery after a
 * crash) and events already stored (duplicates) are skipped, so a replayed batch changes nothing.
 *
 * The batch runs in one span linked to every record's trace; each event applied gets a debug line
 * with its own message's trace id, once committed.
 */
export async function projectBatch(
  pool: Pool,
  groupId: string,
  batch: PartitionBatch,
  releaseParked: (released: ReleasedCallback[]) => Promise<void> = async () => undefined,
  locking: MessageLocking = 'lanes',
  log?: Logger,
): Promise<ProjectionOutcome> {
  const attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': batch.topic,
    'messaging.destination.partition.id': String(batch.partition),
    'messaging.consumer.group.name': groupId,
  };
  const { outcome, applied } = await inBatchSpan(`project ${batch.topic}`, batch.records, attributes, () =>
    applyBatch(pool, groupId, batch, releaseParked, locking),
  );
  if (log?.isLevelEnabled('debug')) for (const record of applied) logProjected(log, record);
  return outcome;
}

function applyBatch(
  pool: Pool,
  groupId: string,
  batch: PartitionBatch,
  releaseParked: (released: ReleasedCallback[]) => Promise<void>,
  locking: MessageLocking,
): Promise<{ outcome: ProjectionOutcome; applied: DecodedRecord[] }> {
  return inTransaction(pool, async (client) => {
    // Shared with other projection transactions; a replay's swap waits for it and holds it off.
    await shareProjectionLock(client);
    const stored = await lockOffset(client, groupId, batch.topic, batch.partition);
    const unseen = batch.records.filter((record) => BigInt(record.offset) >= stored);
    // Lock the messages (or their lane) before checking which events are stored: the same event id
    // arriving on two topics at once is then seen as stored by whichever transaction comes second.
    const ids = unseen.map((record) => record.event.messageId);
    let messages;
    if (locking === 'lanes') {
      await lockPartitionLane(client, batch.partition);
      messages = await loadMessages(client, ids);
    } else {
      messages = await lockMessages(client, ids);
    }
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
    const projection = foldEvents(
      messages,
      fresh.map((record) => record.event),
    );
    const versions = new Map<string, number>();
    const newEvents: NewStoredEvent[] = fresh.map(({ event, topic, partition, offset, headers }) => {
      const version = (versions.get(event.messageId) ?? messages.get(event.messageId)?.version ?? 0) + 1;
      versions.set(event.messageId, version);
      const { type, ...data } = event;
      return {
        eventId: event.eventId,
        streamId: event.messageId,
        streamVersion: version,
        type,
        tenantId: event.tenantId,
        data,
        metadata: traceMetadata(headers),
        kafkaTopic: topic,
        kafkaPartition: partition,
        kafkaOffset: offset,
        occurredAt: event.occurredAt,
      };
    });
    await appendEvents(client, newEvents);
    await applyProjections(client, projection);
    const settlements = fresh.flatMap(({ event }) => settlementFor(event) ?? []);
    // The ledger entries carry the events' own time, so a rebuild writes the same rows.
    const latest = fresh.reduce((max, { event }) => Math.max(max, event.occurredAt), 0);
    const settled = settlements.length > 0 ? await settleCredits(client, settlements, latest) : [];
    // Provider callbacks that arrived before these sends were known become events now, produced
    // before this transaction commits (a failed commit re-produces them with the same ids).
    const sends = fresh.flatMap(({ event, headers }) =>
      event.type === 'MessageSent' ? [{ event, headers }] : [],
    );
    if (sends.length > 0) {
      const parked = await pendingCallbacksFor(
        client,
        sends.map(({ event }) => event),
      );
      const causes = new Map(sends.map(({ event, headers }) => [event.messageId, headers]));
      if (parked.length > 0)
        await releaseParked(parked.map((event) => ({ event, cause: causes.get(event.messageId) ?? {} })));
    }
    await storeOffset(client, groupId, batch.topic, batch.partition, nextOffset(batch.lastOffset));
    return {
      outcome: { applied: fresh.length, skipped: batch.records.length - fresh.length, settled },
      applied: fresh,
    };
  });
}

/** `event projected` at debug, with the trace id the event's record carries (its message's). */
function logProjected(log: Logger, { event, headers, topic, partition, offset }: DecodedRecord): void {
  const requestId = headers['request-id'];
  log.debug(
    {
      ...traceFieldsOfHeaders(headers),
      ...(requestId === undefined ? {} : { requestId: String(requestId) }),
      tenantId: event.tenantId,
      messageId: event.messageId,
      eventType: event.type,
      eventId: event.eventId,
      topic,
      partition,
      offset,
    },
    'event projected',
  );
}

function traceMetadata(headers: PartitionBatch['records'][number]['headers']): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const name of ['traceparent', 'request-id']) {
    const value = headers[name];
    if (value !== undefined) metadata[name] = value.toString();
  }
  return metadata;
}
