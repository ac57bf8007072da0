import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin, Consumer, KafkaMessage } from 'kafkajs';
import { COUNTED } from './delivery-rates.js';
import type { OutcomeEvent } from './delivery-rates.js';

/** Where to read: the only things this job knows about Herald. */
export interface ReadOptions {
  brokers: string[];
  registryUrl: string;
  topic: string;
  /** A group that commits its offsets and resumes; without one, a throwaway group reads everything. */
  groupId?: string;
  /** Stop once the end offsets the topic had at start are read. */
  untilEnd: boolean;
}

/** A running read; `done` settles when it stops (at the end offsets, or on `stop()`). */
export interface EventReader {
  done: Promise<void>;
  stop: () => Promise<void>;
}

const isCounted = (name: string | undefined): name is keyof typeof COUNTED =>
  name !== undefined && Object.hasOwn(COUNTED, name);

type Decoded = { event_id?: unknown; provider_id?: unknown; occurred_at?: unknown };

function millis(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  throw new Error(`occurred_at is neither a number nor a date: ${String(value)}`);
}

/**
 * Decodes one record through the registry: the 4-byte id after the magic byte names the writer
 * schema, whose record name says which event this is. Other event types are not decoded further.
 */
async function toOutcome(registry: SchemaRegistry, message: KafkaMessage): Promise<OutcomeEvent | undefined> {
  if (!message.value || message.value.length < 5 || message.value.readUInt8(0) !== 0) return undefined;
  // avsc, which the registry client compiles schemas with, names records by their full name.
  const schema = await registry.getSchema(message.value.readInt32BE(1));
  const name = 'name' in schema ? schema.name : undefined;
  if (!isCounted(name)) return undefined;
  const outcome = COUNTED[name];
  const record = (await registry.decode(message.value)) as Decoded;
  return {
    outcome,
    eventId: String(record.event_id),
    providerId: typeof record.provider_id === 'string' ? record.provider_id : null,
    occurredAt: millis(record.occurred_at),
  };
}

/** Offsets to reach per partition: the end (last stable offset) of each non-empty partition now. */
async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(
    offsets
      .filter((partition) => BigInt(partition.high) > BigInt(partition.low))
      .map((partition) => [partition.partition, BigInt(partition.high)]),
  );
}

/** Reads `topic` from the beginning and hands every counted outcome to `onEvent`. */
export async function readOutcomes(
  options: ReadOptions,
  onEvent: (event: OutcomeEvent) => void,
): Promise<EventReader> {
  const kafka = new Kafka({
    clientId: 'herald-delivery-rate',
    brokers: options.brokers,
    logLevel: logLevel.ERROR,
  });
  const registry = new SchemaRegistry({ host: options.registryUrl });
  const admin = kafka.admin();
  await admin.connect();
  let remaining: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(options.topic))
      throw new Error(`topic ${options.topic} does not exist (is the topic prefix right?)`);
    remaining = options.untilEnd ? await endOffsets(admin, options.topic) : new Map<number, bigint>();
  } finally {
    await admin.disconnect();
  }

  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId ?? `herald-delivery-rate-${randomUUID()}`,
    // Herald writes with transactions: never count what an aborted transaction wrote.
    readUncommitted: false,
  });
  let finish: (error?: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = (error?: unknown) => (error === undefined ? resolve() : reject(error));
  });
  // Never rejects: a failed disconnect rejects `done` instead.
  const stop = () => consumer.disconnect().then(() => finish(), finish);
  // Every fetched batch reports its last offset, including batches of transaction markers only,
  // which never reach eachBatch: the one signal that a partition is read to its end.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic !== options.topic) return;
    const target = remaining.get(payload.partition);
    if (target !== undefined && BigInt(payload.lastOffset) + 1n >= target)
      remaining.delete(payload.partition);
    if (options.untilEnd && remaining.size === 0) void stop();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => finish(payload.error));

  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  if (options.untilEnd && remaining.size === 0) {
    await stop();
    return { done, stop };
  }
  await consumer.run({
    autoCommit: options.groupId !== undefined,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const event = await toOutcome(registry, message);
        if (event) onEvent(event);
      }
    },
  });
  return { done, stop };
}
