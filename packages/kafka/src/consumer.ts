import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from '@herald/telemetry';
import type { OutgoingRecord } from './batching-producer.js';
import { createTransactionalProducer } from './client.js';
import type { KafkaMetrics } from './metrics.js';
import { PartitionLanes } from './partition-lanes.js';
import type { DecodedRecord, PoisonRecord } from './records.js';
import { deadLetter, decodeBatch, nextOffset } from './records.js';
import type { SchemaCatalog } from './schema-catalog.js';

/** A consumed record as it is on the topic, for consumers that do not decode (the DLQ). */
export interface RawRecord {
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/** One partition's decoded batch. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  records: DecodedRecord[];
  poison: PoisonRecord[];
  /** The batch's records undecoded, when the consumer was started with `decode: false`. */
  raw: RawRecord[];
  /** Offset of the last record in the batch, decoded or not. */
  lastOffset: string;
}

/** A running consumer group member. */
export interface RunningConsumer {
  /** True while the member is in its group with an assignment (possibly empty): false after a crash or stop. */
  readonly joined: boolean;
  /** Stops fetching, lets the batch in hand finish, commits, and leaves the group. */
  stop(): Promise<void>;
}

interface BaseOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  catalog: SchemaCatalog;
  log: Logger;
  /** Partitions processed at once; about the core count, never more than the partitions. */
  concurrency: number;
  fromBeginning?: boolean;
  /** How long the group waits for a silent member before reassigning its partitions. */
  sessionTimeoutMs?: number;
  /** The process's Kafka instruments: consumed records, batches, poison, lag of this group. */
  metrics?: KafkaMetrics;
}

async function startConsumer(
  options: BaseOptions,
  eachBatch: (payload: EachBatchPayload) => Promise<void>,
  onJoin?: (consumer: Consumer, assignment: Record<string, number[]>) => Promise<void>,
): Promise<{ consumer: Consumer; state: { joined: boolean } }> {
  const lanes = new PartitionLanes();
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30000,
    heartbeatInterval: Math.max(500, Math.floor((options.sessionTimeoutMs ?? 30000) / 10)),
    maxWaitTimeInMs: 100,
    readUncommitted: false,
  });
  const state = { joined: false };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    state.joined = true;
    options.log.info(
      { group: options.groupId, assignment: payload.memberAssignment },
      'joined consumer group',
    );
    const seeking = onJoin?.(consumer, payload.memberAssignment).catch((error: unknown) =>
      options.log.error({ err: error }, 'seeking to stored offsets failed'),
    );
    options.metrics?.watchLag(options.groupId, options.topics);
    // The assigned partitions' batches wait for the seek: one fetched before it is then stale.
    if (seeking)
      for (const [topic, partitions] of Object.entries(payload.memberAssignment))
        for (const partition of partitions) lanes.enqueue(topic, partition, () => seeking);
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    // A fetch of only transaction markers (or aborted records) never reaches eachBatch. KafkaJS
    // moves past it but commits only with autoCommit: committing here keeps the group's committed
    // offset at the log end, so its lag reads 0 once everything is processed.
    if (payload.batchSize !== 0) return;
    const offset = nextOffset(payload.lastOffset);
    lanes.enqueue(payload.topic, payload.partition, () =>
      consumer
        .commitOffsets([{ topic: payload.topic, partition: payload.partition, offset }])
        .catch((error: unknown) =>
          options.log.warn(
            { err: error, topic: payload.topic, partition: payload.partition },
            'committing past transaction markers failed; the next batch commits further',
          ),
        ),
    );
  });
  // A crash stops the consumer before KafkaJS restarts it: the lag comes back with the next join.
  consumer.on(consumer.events.STOP, () => options.metrics?.unwatchLag(options.groupId));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    // Not ready until it joins again: KafkaJS rejoins after a retriable crash (GROUP_JOIN sets it
    // back), a member that crashed for good stays not ready.
    state.joined = false;
    options.log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
  });
  consumer.on(consumer.events.STOP, () => {
    state.joined = false;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.concurrency,
    eachBatch: async (payload) => {
      await lanes.idle(payload.batch.topic, payload.batch.partition);
      await eachBatch(payload);
    },
  });
  return { consumer, state };
}

/**
 * A consumer whose handler stores its own progress (the projector writes rows and offsets in one
 * Postgres transaction). After the handler returns, the offset is also committed to Kafka; the
 * handler's store stays the source of truth and is sought to on every assignment.
 */
export async function startStoredOffsetConsumer(
  options: BaseOptions & {
    handle: (batch: PartitionBatch) => Promise<void>;
    /** False for topics whose records are not Herald events (the DLQ): `raw` is filled instead. */
    decode?: boolean;
    storedOffsets: (
      assignment: Record<string, number[]>,
    ) => Promise<{ topic: string; partition: number; offset: string }[]>;
  },
): Promise<RunningConsumer> {
  const { consumer, state } = await startConsumer(
    options,
    async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
      if (batch.isEmpty() || !isRunning() || isStale()) return;
      const started = performance.now();
      const decoded =
        options.decode === false ? { records: [], poison: [] } : await decodeBatch(options.catalog, batch);
      const raw = options.decode === false ? batch.messages.map(toRaw) : [];
      await options.handle({
        raw,
        topic: batch.topic,
        partition: batch.partition,
        ...decoded,
        lastOffset: batch.lastOffset(),
      });
      resolveOffset(batch.lastOffset());
      // Through the batch's own commit, not consumer.commitOffsets, which does nothing once a stop
      // has begun: the batch that finishes during a shutdown is committed to Kafka too.
      await commitOffsetsIfNecessary({
        topics: [
          {
            topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: nextOffset(batch.lastOffset()) }],
          },
        ],
      }).catch((error: unknown) =>
        options.log.warn({ err: error }, 'kafka offset commit failed; stored offsets rule'),
      );
      const seconds = (performance.now() - started) / 1000;
      options.metrics?.consumed(options.groupId, batch.topic, batch.messages.length, seconds);
      options.metrics?.poison(options.groupId, decoded.poison, false);
      await heartbeat();
    },
    async (running, assignment) => {
      const starting = await startingOffsets(options.kafka, assignment, options.storedOffsets);
      for (const { topic, partition, offset } of starting) running.seek({ topic, partition, offset });
      // Kafka's committed offsets follow the store from the start (a first start at the log end,
      // a rebuild from the beginning), so the group's lag is read from Kafka like any other's.
      if (starting.length > 0)
        await running
          .commitOffsets(starting)
          .catch((error: unknown) =>
            options.log.warn(
              { err: error },
              'committing the stored offsets to Kafka failed; stored offsets rule',
            ),
          );
    },
  );
  return {
    get joined() {
      return state.joined;
    },
    stop: () => consumer.disconnect(),
  };
}

function toRaw(message: KafkaMessage): RawRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return {
    offset: message.offset,
    key: message.key ? message.key.toString() : null,
    value: message.value,
    headers,
    timestamp: message.timestamp,
  };
}

/**
 * Where each assigned partition starts: its stored offset, or the earliest retained record when the
 * store has none, so a dropped read model rebuilds from the log whatever Kafka's committed offset is.
 */
async function startingOffsets(
  kafka: Kafka,
  assignment: Record<string, number[]>,
  stored: (
    assignment: Record<string, number[]>,
  ) => Promise<{ topic: string; partition: number; offset: string }[]>,
): Promise<{ topic: string; partition: number; offset: string }[]> {
  const known = new Map(
    (await stored(assignment)).map((entry) => [`${entry.topic}:${entry.partition}`, entry.offset]),
  );
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result: { topic: string; partition: number; offset: string }[] = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      const watermarks = await admin.fetchTopicOffsets(topic);
      for (const partition of partitions) {
        const low = watermarks.find((w) => w.partition === partition)?.low ?? '0';
        const offset = known.get(`${topic}:${partition}`) ?? low;
        result.push({ topic, partition, offset: BigInt(offset) < BigInt(low) ? low : offset });
      }
    }
    return result;
  } finally {
    await admin.disconnect();
  }
}

/**
 * What a processor returns when it handled only a prefix of its records (a retry topic whose next
 * record is not due yet): the offset of the last record it handled (null for none), and how long
 * to pause the partition before the rest is fetched again. Other partitions keep flowing.
 */
export interface PartialProgress {
  outgoing: OutgoingRecord[];
  lastProcessedOffset: string | null;
  pauseMs: number;
}

/** Context of one transactional batch, for processors that need the coordinates. */
export interface ProcessContext {
  topic: string;
  partition: number;
  heartbeat: () => Promise<void>;
}

/**
 * Consume-transform-produce with Kafka transactions: the records a batch produces and the batch's
 * offsets commit atomically, so a crash replays the batch without exposing duplicates to
 * read_committed consumers. Poison records are dead-lettered inside the same transaction.
 */
export async function startTransactionalProcessor(
  options: BaseOptions & {
    instanceId: string;
    dlqTopic: string;
    process: (
      records: DecodedRecord[],
      context: ProcessContext,
    ) => Promise<OutgoingRecord[] | PartialProgress>;
  },
): Promise<RunningConsumer> {
  const producers: Producer[] = [];
  for (let slot = 0; slot < options.concurrency; slot++) {
    const producer = createTransactionalProducer(
      options.kafka,
      `${options.groupId}-${options.instanceId}-${slot}`,
    );
    await producer.connect();
    producers.push(producer);
  }
  const free = [...producers];
  const { consumer, state } = await startConsumer(
    options,
    async ({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }) => {
      if (batch.isEmpty() || !isRunning() || isStale()) return;
      const started = performance.now();
      const { records, poison } = await decodeBatch(options.catalog, batch);
      const result = await options.process(records, {
        topic: batch.topic,
        partition: batch.partition,
        heartbeat,
      });
      const progress: PartialProgress = Array.isArray(result)
        ? { outgoing: result, lastProcessedOffset: batch.lastOffset(), pauseMs: 0 }
        : result;
      const done = progress.lastProcessedOffset;
      if (done !== null) {
        // Poison records past the processed prefix are dead-lettered when the prefix reaches them.
        const dead = poison.filter((bad) => BigInt(bad.offset) <= BigInt(done));
        for (const bad of dead) {
          options.log.warn(
            { code: bad.error.code, topic: bad.topic, offset: bad.offset },
            'poison record dead-lettered',
          );
        }
        const outgoing = [
          ...dead.map((bad) => deadLetter(options.dlqTopic, bad, options.groupId)),
          ...progress.outgoing,
        ];
        const producer = free.pop();
        if (!producer) throw new Error('no free transactional producer: concurrency exceeds the pool');
        try {
          await commitTransaction(
            producer,
            outgoing,
            options.groupId,
            { topic: batch.topic, partition: batch.partition, offset: done },
            options,
          );
        } finally {
          free.push(producer);
        }
        resolveOffset(done);
        const processed = batch.messages.filter((message) => BigInt(message.offset) <= BigInt(done));
        const seconds = (performance.now() - started) / 1000;
        options.metrics?.consumed(options.groupId, batch.topic, processed.length, seconds);
        options.metrics?.poison(options.groupId, dead, true);
      }
      if (progress.pauseMs > 0) {
        // The next fetch of this partition starts after the last resolved offset: the records not
        // processed yet come back once it resumes.
        const resume = pause();
        const timer = setTimeout(resume, progress.pauseMs);
        timer.unref();
      }
      await heartbeat();
    },
  );
  return {
    get joined() {
      return state.joined;
    },
    stop: async () => {
      await consumer.disconnect();
      await Promise.all(producers.map((producer) => producer.disconnect()));
    },
  };
}

async function commitTransaction(
  producer: Producer,
  outgoing: OutgoingRecord[],
  groupId: string,
  processed: { topic: string; partition: number; offset: string },
  context: { log: Logger; metrics?: KafkaMetrics },
): Promise<void> {
  await produceInTransaction(producer, outgoing, context.log, {
    metrics: context.metrics,
    offsets: {
      consumerGroupId: groupId,
      topics: [
        {
          topic: processed.topic,
          partitions: [{ partition: processed.partition, offset: nextOffset(processed.offset) }],
        },
      ],
    },
  });
}

/**
 * Produces `outgoing` atomically in one Kafka transaction, with consumer offsets when given; aborts
 * and rethrows on any error so nothing of it becomes visible to read_committed consumers. The
 * records count as produced (in `metrics`) once the transaction commits, as failed otherwise.
 */
export async function produceInTransaction(
  producer: Producer,
  outgoing: OutgoingRecord[],
  log: Logger,
  options: {
    offsets?: {
      consumerGroupId: string;
      topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
    };
    metrics?: KafkaMetrics;
  } = {},
): Promise<void> {
  const { offsets, metrics } = options;
  const transaction = await producer.transaction();
  try {
    if (outgoing.length > 0) {
      const byTopic = new Map<string, OutgoingRecord[]>();
      for (const record of outgoing) {
        const list = byTopic.get(record.topic) ?? [];
        list.push(record);
        byTopic.set(record.topic, list);
      }
      await transaction.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([name, messages]) => ({ topic: name, messages })),
      });
    }
    if (offsets) await transaction.sendOffsets(offsets);
    await transaction.commit();
  } catch (error) {
    metrics?.produceFailed(outgoing);
    // An abort that fails too is logged; the first error is the one the caller sees.
    await transaction
      .abort()
      .catch((abortError: unknown) => log.warn({ err: abortError }, 'transaction abort failed'));
    throw error;
  }
  metrics?.produced(outgoing);
}
