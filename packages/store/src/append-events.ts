import type { PoolClient } from './pool.js';
import { EVENTS_CHANNEL } from './subscribe-events.js';

/** An event about to be stored, with the stream version the caller assigned and its Kafka origin. */
export interface NewStoredEvent {
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  tenantId: string;
  data: unknown;
  metadata: Record<string, string>;
  kafkaTopic: string;
  kafkaPartition: number;
  kafkaOffset: string;
  occurredAt: number;
}

/** Event ids among `eventIds` that are already stored (appends are idempotent by event id). */
export async function storedEventIds(client: PoolClient, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const { rows } = await client.query<{ event_id: string }>(
    'SELECT event_id FROM events WHERE event_id = ANY($1::uuid[])',
    [eventIds],
  );
  return new Set(rows.map((row) => row.event_id));
}

/** Appends events in one set-based statement; an event id already stored is left as it is. */
export async function appendEvents(client: PoolClient, events: NewStoredEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await client.query(
    `INSERT INTO events (event_id, stream_id, stream_version, type, tenant_id, data, metadata,
                         kafka_topic, kafka_partition, kafka_offset, occurred_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[],
                          $8::text[], $9::int[], $10::bigint[], $11::timestamptz[])
     ON CONFLICT (event_id) DO NOTHING`,
    [
      events.map((e) => e.eventId),
      events.map((e) => e.streamId),
      events.map((e) => e.streamVersion),
      events.map((e) => e.type),
      events.map((e) => e.tenantId),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
      events.map((e) => e.kafkaTopic),
      events.map((e) => e.kafkaPartition),
      events.map((e) => e.kafkaOffset),
      events.map((e) => new Date(e.occurredAt)),
    ],
  );
  const appended = result.rowCount ?? 0;
  // Subscribers (subscribeToEvents) are woken when the transaction commits.
  if (appended > 0) await client.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
  return appended;
}
