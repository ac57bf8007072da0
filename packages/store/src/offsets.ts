import type { Pool, PoolClient } from './pool.js';

/** A consumer group's position on one partition: the next offset it will process. */
export interface StoredOffset {
  topic: string;
  partition: number;
  offset: string;
}

/** Stored positions of `groupId` for the given assignment (topic → partitions). */
export async function readOffsets(
  pool: Pool,
  groupId: string,
  assignment: Record<string, number[]>,
): Promise<StoredOffset[]> {
  const topics: string[] = [];
  const partitions: number[] = [];
  for (const [topic, list] of Object.entries(assignment)) {
    for (const partition of list) {
      topics.push(topic);
      partitions.push(partition);
    }
  }
  const { rows } = await pool.query<{ topic: string; partition: number; next_offset: string }>(
    `SELECT o.topic, o.partition, o.next_offset FROM consumer_offsets o
       JOIN unnest($2::text[], $3::int[]) AS a(topic, partition) USING (topic, partition)
      WHERE o.group_id = $1`,
    [groupId, topics, partitions],
  );
  return rows.map((row) => ({ topic: row.topic, partition: row.partition, offset: row.next_offset }));
}

/**
 * Locks and returns the stored position of one partition inside the caller's transaction, so two
 * members briefly owning the same partition during a rebalance serialise instead of double-applying.
 */
export async function lockOffset(
  client: PoolClient,
  groupId: string,
  topic: string,
  partition: number,
): Promise<bigint> {
  await client.query(
    `INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
     ON CONFLICT DO NOTHING`,
    [groupId, topic, partition],
  );
  const { rows } = await client.query<{ next_offset: string }>(
    'SELECT next_offset FROM consumer_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3 FOR UPDATE',
    [groupId, topic, partition],
  );
  return BigInt(rows[0]?.next_offset ?? '0');
}

/** Stores the next offset of one partition inside the caller's transaction. */
export async function storeOffset(
  client: PoolClient,
  groupId: string,
  topic: string,
  partition: number,
  next: string,
): Promise<void> {
  await client.query(
    // GREATEST: a fetch that raced the start-up seek may redeliver older records; progress never regresses.
    'UPDATE consumer_offsets SET next_offset = GREATEST(next_offset, $4), updated_at = now() WHERE group_id = $1 AND topic = $2 AND partition = $3',
    [groupId, topic, partition, next],
  );
}
