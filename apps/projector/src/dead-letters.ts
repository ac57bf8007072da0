import type { PartitionBatch } from '@herald/kafka';
import { nextOffset } from '@herald/kafka';
import { inTransaction, lockOffset, recordDeadLetters, storeOffset } from '@herald/store';
import type { Pool } from '@herald/store';

/**
 * Records one batch of the DLQ topic in `dead_letters` with the partition's offset, in one
 * transaction, like every projection: the operators' DLQ API reads that table.
 */
export function projectDeadLetters(pool: Pool, groupId: string, batch: PartitionBatch): Promise<number> {
  return inTransaction(pool, async (client) => {
    const stored = await lockOffset(client, groupId, batch.topic, batch.partition);
    const fresh = batch.raw.filter((record) => BigInt(record.offset) >= stored);
    await recordDeadLetters(
      client,
      fresh.map((record) => ({
        partition: batch.partition,
        offset: record.offset,
        key: record.key,
        value: record.value,
        headers: record.headers,
        recordedAt: Number(record.timestamp),
      })),
    );
    await storeOffset(client, groupId, batch.topic, batch.partition, nextOffset(batch.lastOffset));
    return fresh.length;
  });
}
