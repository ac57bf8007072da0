import type { Channel, MessageStatus } from '@herald/domain';
import type { Pool, PoolClient } from './pool.js';

/** A broadcast's row moved by one batch: messages newly accepted into it and the earliest of them. */
export interface BroadcastDelta {
  broadcastId: string;
  tenantId: string;
  channel: string;
  messages: number;
  firstAcceptedAt: number;
}

/** How many of a broadcast's messages entered (positive) or left (negative) a status in one batch. */
export interface BroadcastCountDelta {
  broadcastId: string;
  tenantId: string;
  status: string;
  messages: number;
}

/**
 * Applies one batch's changes to the broadcasts read model in set-based statements; counts that
 * reach zero are deleted, so the rows depend only on the messages' states, not on how they got there.
 */
export async function applyBroadcastDeltas(
  client: PoolClient,
  broadcasts: readonly BroadcastDelta[],
  counts: readonly BroadcastCountDelta[],
): Promise<void> {
  if (broadcasts.length > 0) {
    await client.query(
      `INSERT INTO broadcasts (broadcast_id, tenant_id, channel, messages, first_accepted_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::timestamptz[])
       ON CONFLICT (broadcast_id) DO UPDATE SET
         messages = broadcasts.messages + EXCLUDED.messages,
         first_accepted_at = LEAST(broadcasts.first_accepted_at, EXCLUDED.first_accepted_at)`,
      [
        broadcasts.map((row) => row.broadcastId),
        broadcasts.map((row) => row.tenantId),
        broadcasts.map((row) => row.channel),
        broadcasts.map((row) => row.messages),
        broadcasts.map((row) => new Date(row.firstAcceptedAt)),
      ],
    );
  }
  if (counts.length === 0) return;
  const ids = counts.map((row) => row.broadcastId);
  const statuses = counts.map((row) => row.status);
  await client.query(
    `INSERT INTO broadcast_status_counts (broadcast_id, status, tenant_id, messages)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[])
     ON CONFLICT (broadcast_id, status) DO UPDATE SET messages = broadcast_status_counts.messages + EXCLUDED.messages`,
    [ids, statuses, counts.map((row) => row.tenantId), counts.map((row) => row.messages)],
  );
  await client.query(
    `DELETE FROM broadcast_status_counts c USING unnest($1::uuid[], $2::text[]) AS d(broadcast_id, status)
      WHERE c.broadcast_id = d.broadcast_id AND c.status = d.status AND c.messages = 0`,
    [ids, statuses],
  );
}

/** How a broadcast's messages stand, as far as the read model has recorded them. */
export interface BroadcastSummary {
  id: string;
  channel: Channel | null;
  /** Messages of the broadcast recorded so far. */
  total: number;
  counts: Partial<Record<MessageStatus, number>>;
  /** When its first message was accepted. */
  createdAt: number | null;
}

/** Counts per status of one tenant's broadcast, or null when none of its messages is recorded. */
export async function broadcastSummary(
  pool: Pool,
  tenantId: string,
  broadcastId: string,
): Promise<BroadcastSummary | null> {
  const { rows } = await pool.query<{
    channel: Channel;
    messages: number;
    first_accepted_at: Date;
    counts: Partial<Record<MessageStatus, number>> | null;
  }>(
    `SELECT b.channel, b.messages, b.first_accepted_at,
            (SELECT jsonb_object_agg(c.status, c.messages) FROM broadcast_status_counts c
              WHERE c.broadcast_id = b.broadcast_id) AS counts
       FROM broadcasts b WHERE b.broadcast_id = $1 AND b.tenant_id = $2`,
    [broadcastId, tenantId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: broadcastId,
    channel: row.channel,
    total: row.messages,
    counts: row.counts ?? {},
    createdAt: row.first_accepted_at.getTime(),
  };
}
