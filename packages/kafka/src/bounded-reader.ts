import type { Logger } from '@herald/telemetry';
import type { Kafka } from 'kafkajs';
import type { PartitionBatch } from './consumer.js';
import { decodeBatch } from './records.js';
import type { SchemaCatalog } from './schema-catalog.js';

/** `topic/partition`, the key of every per-partition map here. */
export type PartitionKey = `${string}/${number}`;

export const partitionKey = (topic: string, partition: number): PartitionKey => `${topic}/${partition}`;

/** A reader that reads each partition exactly up to a target offset, and can be given further ones. */
export interface BoundedReader {
  /**
   * Reads every partition up to (not including) its target offset; resolves once each has reached
   * it, with the partitions paused. Partitions without a target stay where they are.
   */
  readUntil(targets: ReadonlyMap<PartitionKey, bigint>): Promise<void>;
  /** The next offset to read of every partition. */
  positions(): ReadonlyMap<PartitionKey, bigint>;
  stop(): Promise<void>;
}

/**
 * A consumer group member that reads given offset ranges of every partition of `topics` and hands
 * them over decoded, one partition's batch at a time; it owns its offsets (`start`, then its own
 * progress), so it needs a group of its own with a single member. The replay of read models from
 * Kafka uses it: to read exactly what the live projector has read, and not a record more.
 */
export async function startBoundedReader(options: {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  catalog: SchemaCatalog;
  log: Logger;
  /** Where to start on every partition of `topics`. */
  start: ReadonlyMap<PartitionKey, bigint>;
  concurrency: number;
  handle: (batch: PartitionBatch) => Promise<void>;
}): Promise<BoundedReader> {
  const next = new Map(options.start);
  const targets = new Map(options.start);
  let waiting: { resolve: () => void; reject: (error: unknown) => void } | null = null;
  let failure: unknown = null;
  const reached = () => [...targets].every(([key, target]) => (next.get(key) ?? 0n) >= target);
  const settle = () => {
    if (!waiting) return;
    if (failure !== null) waiting.reject(failure);
    else if (reached()) waiting.resolve();
    else return;
    waiting = null;
  };
  const split = (key: PartitionKey) => {
    const at = key.lastIndexOf('/');
    return { topic: key.slice(0, at), partitions: [Number(key.slice(at + 1))] };
  };

  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: 100,
    readUncommitted: false,
    // Fetch large batches: a replay reads the log as fast as the database takes it.
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
      for (const partition of partitions) {
        const offset = next.get(partitionKey(topic, partition));
        if (offset !== undefined) consumer.seek({ topic, partition, offset: offset.toString() });
      }
    }
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.concurrency,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (!isRunning() || isStale() || failure !== null) return;
      const key = partitionKey(batch.topic, batch.partition);
      const from = next.get(key) ?? 0n;
      const to = targets.get(key) ?? from;
      const messages = batch.messages.filter((m) => BigInt(m.offset) >= from && BigInt(m.offset) < to);
      const last = messages[messages.length - 1];
      try {
        if (last) {
          const decoded = await decodeBatch(options.catalog, { ...batch, messages });
          await options.handle({
            topic: batch.topic,
            partition: batch.partition,
            ...decoded,
            raw: [],
            lastOffset: last.offset,
          });
          next.set(key, BigInt(last.offset) + 1n);
          // The next fetch starts after the last resolved offset; nothing past the target is resolved.
          resolveOffset(last.offset);
        }
      } catch (error) {
        failure = error;
        options.log.error(
          { err: error, topic: batch.topic, partition: batch.partition },
          'replay batch failed',
        );
      }
      if (failure !== null || (next.get(key) ?? 0n) >= to) consumer.pause([split(key)]);
      settle();
      await heartbeat();
    },
  });

  return {
    readUntil(goal) {
      for (const [key, target] of goal) {
        if (target > (targets.get(key) ?? 0n)) targets.set(key, target);
        if ((next.get(key) ?? 0n) < (targets.get(key) ?? 0n)) consumer.resume([split(key)]);
      }
      return new Promise<void>((resolve, reject) => {
        waiting = { resolve, reject };
        settle();
      });
    },
    positions: () => next,
    stop: () => consumer.disconnect(),
  };
}
