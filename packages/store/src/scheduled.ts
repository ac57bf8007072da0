import type { PoolClient } from './pool.js';

/** A message the router holds until `dueAt`; `accepted` is its MessageAccepted event as JSON. */
export interface ScheduledMessage<T = unknown> {
  messageId: string;
  tenantId: string;
  dueAt: number;
  accepted: T;
  /** Trace context of the record that scheduled it, continued when it is dispatched. */
  traceparent?: string | null;
}

/** Where a scheduled message stands. */
export type ScheduleStatus = 'pending' | 'dispatched' | 'cancelled';

/** Records messages to hold; a message already recorded keeps its row (redelivery is harmless). */
export async function scheduleMessages(client: PoolClient, messages: ScheduledMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await client.query(
    `INSERT INTO scheduled_messages (message_id, tenant_id, due_at, accepted, traceparent)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::jsonb[], $5::text[])
     ON CONFLICT (message_id) DO NOTHING`,
    [
      messages.map((m) => m.messageId),
      messages.map((m) => m.tenantId),
      messages.map((m) => new Date(m.dueAt)),
      messages.map((m) => JSON.stringify(m.accepted)),
      messages.map((m) => m.traceparent ?? null),
    ],
  );
}

/**
 * Cancels pending scheduled messages and returns, for every id asked about that has a row, its
 * status afterwards: `cancelled` (now or earlier, so a retried batch re-emits the same cancellation)
 * or `dispatched` (too late). Ids without a row are absent.
 */
export async function cancelScheduled(
  client: PoolClient,
  messageIds: string[],
): Promise<Map<string, ScheduleStatus>> {
  if (messageIds.length === 0) return new Map();
  const { rows } = await client.query<{ message_id: string; status: ScheduleStatus }>(
    `WITH cancelled AS (
       UPDATE scheduled_messages SET status = 'cancelled', updated_at = now()
        WHERE message_id = ANY($1::uuid[]) AND status = 'pending'
       RETURNING message_id, status)
     SELECT message_id, status FROM cancelled
     UNION ALL
     SELECT message_id, status FROM scheduled_messages
      WHERE message_id = ANY($1::uuid[]) AND message_id NOT IN (SELECT message_id FROM cancelled)`,
    [messageIds],
  );
  return new Map(rows.map((row) => [row.message_id, row.status]));
}

/**
 * Locks up to `limit` due messages for the caller's transaction (SKIP LOCKED: several routers
 * share the work). The caller dispatches them and calls `markDispatched` before committing.
 */
export async function claimDueMessages<T>(
  client: PoolClient,
  now: number,
  limit: number,
): Promise<ScheduledMessage<T>[]> {
  const { rows } = await client.query<{
    message_id: string;
    tenant_id: string;
    due_at: Date;
    accepted: T;
    traceparent: string | null;
  }>(
    `SELECT message_id, tenant_id, due_at, accepted, traceparent FROM scheduled_messages
      WHERE status = 'pending' AND due_at <= $1
      ORDER BY due_at
      LIMIT $2
      FOR UPDATE SKIP LOCKED`,
    [new Date(now), limit],
  );
  return rows.map((row) => ({
    messageId: row.message_id,
    tenantId: row.tenant_id,
    dueAt: row.due_at.getTime(),
    accepted: row.accepted,
    traceparent: row.traceparent,
  }));
}

/** Marks claimed messages as dispatched. */
export async function markDispatched(client: PoolClient, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await client.query(
    `UPDATE scheduled_messages SET status = 'dispatched', updated_at = now() WHERE message_id = ANY($1::uuid[])`,
    [messageIds],
  );
}

/** When the next pending message is due, or null when none is. */
export async function nextDueAt(client: PoolClient): Promise<number | null> {
  const { rows } = await client.query<{ due_at: Date | null }>(
    `SELECT min(due_at) AS due_at FROM scheduled_messages WHERE status = 'pending'`,
  );
  return rows[0]?.due_at ? rows[0].due_at.getTime() : null;
}
