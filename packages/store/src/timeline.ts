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
  // One JSON document for the batch: Postgres parses it in C, where arrays of JSON strings would be
  // escaped element by element on the way out of Node.
  await client.query(
    `INSERT INTO message_timeline (message_id, event_id, tenant_id, type, status, occurred_at, data)
     SELECT r.message_id, r.event_id, r.tenant_id, r.type, r.status,
            timestamptz 'epoch' + r.occurred_at * interval '1 millisecond', r.data
       FROM jsonb_to_recordset($1::jsonb)
         AS r(message_id uuid, event_id uuid, tenant_id text, type text, status text, occurred_at bigint, data jsonb)
     ON CONFLICT (message_id, event_id) DO NOTHING`,
    [
      JSON.stringify(
        rows.map((row) => ({
          message_id: row.messageId,
          event_id: row.eventId,
          tenant_id: row.tenantId,
          type: row.type,
          status: row.status,
          occurred_at: row.occurredAt,
          data: row.data,
        })),
      ),
    ],
  );
}

/**
 * Adds the stored events in positions (after, upTo] to the timeline without leaving Postgres: the
 * replay of the timeline from the event store. Returns how many rows it added.
 */
export async function copyEventsToTimeline(client: PoolClient, after: bigint, upTo: bigint): Promise<number> {
  const result = await client.query(
    `INSERT INTO message_timeline (message_id, event_id, tenant_id, type, status, occurred_at, data)
     SELECT stream_id, event_id, tenant_id, type, herald_event_status(type), occurred_at, data
       FROM public.events WHERE position > $1 AND position <= $2
     ON CONFLICT (message_id, event_id) DO NOTHING`,
    [after.toString(), upTo.toString()],
  );
  return result.rowCount ?? 0;
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
