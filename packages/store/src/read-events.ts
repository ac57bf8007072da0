import type { Pool } from './pool.js';

/** An event as the event store keeps it. */
export interface StoredEvent {
  position: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  tenantId: string;
  /** The event without its type. */
  data: Record<string, unknown>;
  metadata: Record<string, string>;
  kafka: { topic: string; partition: number; offset: string };
  occurredAt: number;
  recordedAt: number;
}

interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  tenant_id: string;
  data: Record<string, unknown>;
  metadata: Record<string, string>;
  kafka_topic: string;
  kafka_partition: number;
  kafka_offset: string;
  occurred_at: Date;
  recorded_at: Date;
}

const COLUMNS = `position, event_id, stream_id, stream_version, type, tenant_id, data, metadata, kafka_topic,
                 kafka_partition, kafka_offset, occurred_at, recorded_at`;

function toEvent(row: EventRow): StoredEvent {
  return {
    position: row.position,
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    tenantId: row.tenant_id,
    data: row.data,
    metadata: row.metadata,
    kafka: { topic: row.kafka_topic, partition: row.kafka_partition, offset: row.kafka_offset },
    occurredAt: row.occurred_at.getTime(),
    recordedAt: row.recorded_at.getTime(),
  };
}

/** One message's stream in the order its events were stored (stream version). */
export async function readStream(pool: Pool, streamId: string): Promise<StoredEvent[]> {
  const { rows } = await pool.query<EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`,
    [streamId],
  );
  return rows.map(toEvent);
}

/**
 * Up to `limit` events after position `after`, in position order, and only those no event with a
 * lower position can still join: events of transactions older than every transaction running now.
 * Reading on from the last position returned therefore never misses an event.
 */
export async function readAllFrom(pool: Pool, after: string, limit: number): Promise<StoredEvent[]> {
  const { rows } = await pool.query<EventRow>(
    `SELECT ${COLUMNS} FROM events
      WHERE position > $1 AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY position LIMIT $2`,
    [after, limit],
  );
  return rows.map(toEvent);
}
