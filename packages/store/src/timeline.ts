import type { Pool, PoolClient } from './pool.js';

/** One event as the timeline read model keeps it; `data` is the event without its type. */
export interface TimelineRow {
  messageId: string;
  eventId: string;
  tenantId: string;
  type: string;
  /** The status the event reports; null for a fact that moves none (a cancel request). */
  status: string | null;
  occurredAt: number;
  data: Record<string, unknown>;
}

/** Adds events to the timeline in one statement; an event already there is left as it is. */
export async function appendTimeline(client: PoolClient, rows: readonly TimelineRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO message_timeline (message_id, event_id, tenant_id, type, status, occurred_at, data)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::jsonb[])
     ON CONFLICT (message_id, event_id) DO NOTHING`,
    [
      rows.map((row) => row.messageId),
      rows.map((row) => row.eventId),
      rows.map((row) => row.tenantId),
      rows.map((row) => row.type),
      rows.map((row) => row.status),
      rows.map((row) => new Date(row.occurredAt)),
      rows.map((row) => JSON.stringify(row.data)),
    ],
  );
}

/** One entry of a message's timeline. */
export interface TimelineEntry {
  eventId: string;
  type: string;
  status: string | null;
  occurredAt: number;
  data: Record<string, unknown>;
}

/** The events of one tenant's message in the order they happened (ties by event id). */
export async function messageTimeline(
  pool: Pool,
  tenantId: string,
  messageId: string,
): Promise<TimelineEntry[]> {
  const { rows } = await pool.query<{
    event_id: string;
    type: string;
    status: string | null;
    occurred_at: Date;
    data: Record<string, unknown>;
  }>(
    `SELECT event_id, type, status, occurred_at, data FROM message_timeline
      WHERE message_id = $1 AND tenant_id = $2
      ORDER BY occurred_at, event_id`,
    [messageId, tenantId],
  );
  return rows.map((row) => ({
    eventId: row.event_id,
    type: row.type,
    status: row.status,
    occurredAt: row.occurred_at.getTime(),
    data: row.data,
  }));
}
