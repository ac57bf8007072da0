// Running a projector on topics of its own: creating and filling the topics, starting projector
// processes, knowing when they caught up, and summarising the read models.
import { topicFor, topics as topicNames } from '@herald/contracts';
import type { EventType, Topics } from '@herald/contracts';
import type { Planned } from './stream.js';
import {
  BatchingProducer,
  SchemaCatalog,
  createIdempotentProducer,
  createKafka,
  encodeEvent,
  ensureTopics,
  eventHeaders,
} from '@herald/kafka';
import type { OutgoingRecord } from '@herald/kafka';
import type { Pool } from '@herald/store';
import { createLogger } from '@herald/telemetry';
import { startApp, uniqueId, waitFor } from '@herald/testkit';
import type { AppProcess, TestServices } from '@herald/testkit';

export const PARTITIONS = 3;

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

/** A test's own topics, the Kafka client to reach them, and its projector group. */
export interface TestTopics {
  prefix: string;
  all: Topics;
  /** The topics the projector consumes. */
  consumed: string[];
  groupId: string;
  kafka: ReturnType<typeof createKafka>;
  catalog: SchemaCatalog;
  /** Deletes the topics and groups the test created. */
  cleanup: () => Promise<void>;
}

/** Creates a test's topics (as bootService does) and registers the schemas the stream writes. */
export async function createTestTopics(services: TestServices): Promise<TestTopics> {
  const prefix = `t${uniqueId()}.`;
  const all = topicNames(prefix);
  const kafka = createKafka({
    brokers: services.kafkaBrokers,
    clientId: 'projector-test',
    log: createLogger('projector-test', 'error'),
  });
  await ensureTopics(kafka, [
    ...[all.requested, all.dispatchExpress, all.dispatchNormal, ...all.retries].map((topic) => ({
      topic,
      partitions: PARTITIONS,
    })),
    ...[all.events, all.dlq].map((topic) => ({ topic, partitions: PARTITIONS, retentionMs: -1 })),
  ]);
  const catalog = new SchemaCatalog(services.schemaRegistryUrl);
  const writes: { topic: string; type: EventType }[] = [
    { topic: all.requested, type: 'MessageAccepted' },
    { topic: all.dispatchNormal, type: 'MessageRouted' },
    ...(['MessageSent', 'MessageDelivered', 'MessageFailed'] as const).map((type) => ({
      topic: all.events,
      type,
    })),
  ];
  await catalog.registerAll(writes);
  const groupId = `${prefix}herald-projector`;
  return {
    prefix,
    all,
    consumed: [all.requested, all.dispatchExpress, all.dispatchNormal, ...all.retries, all.events],
    groupId,
    kafka,
    catalog,
    cleanup: async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const groups = (await admin.listGroups()).groups
          .map((g) => g.groupId)
          .filter((g) => g.startsWith(prefix));
        await admin.deleteGroups(groups).catch(() => undefined);
        await admin.deleteTopics({ topics: Object.values(all).flat() });
      } finally {
        await admin.disconnect();
      }
    },
  };
}

/** Produces records to their topics, in order per key, and waits until Kafka has them all. */
export async function produceRecords(topics: TestTopics, records: readonly Planned[]): Promise<void> {
  const producer = createIdempotentProducer(topics.kafka);
  await producer.connect();
  const batching = new BatchingProducer(producer, { maxBatchRecords: 1000, lingerMs: 5 });
  try {
    const outgoing: OutgoingRecord[] = records.map(({ event }) => {
      const topic = topicFor(topics.all, event.type);
      return {
        topic,
        key: event.to,
        value: encodeEvent(topics.catalog, topic, event),
        headers: eventHeaders(event),
      };
    });
    const sends: Promise<void>[] = [];
    for (let i = 0; i < outgoing.length; i += 250) sends.push(batching.send(outgoing.slice(i, i + 250)));
    await Promise.all(sends);
  } finally {
    await batching.close();
    await producer.disconnect();
  }
}

export type Offsets = Record<string, string>;

/** The end offset of every consumed partition. */
export async function endOffsets(topics: TestTopics): Promise<Offsets> {
  const admin = topics.kafka.admin();
  await admin.connect();
  try {
    const ends: Offsets = {};
    for (const topic of topics.consumed)
      for (const { partition, high } of await admin.fetchTopicOffsets(topic))
        ends[`${topic}/${partition}`] = high;
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** Stored next offsets of the projector group on every consumed partition (missing rows count as 0). */
export async function storedOffsets(pool: Pool, groupId: string, ends: Offsets): Promise<Offsets> {
  const { rows } = await pool.query<{ topic: string; partition: number; next_offset: string }>(
    'SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1',
    [groupId],
  );
  const stored: Offsets = Object.fromEntries(Object.keys(ends).map((key) => [key, '0']));
  for (const row of rows) stored[`${row.topic}/${row.partition}`] = row.next_offset;
  return stored;
}

/** True once the projector has stored the end offset of every partition. */
export async function caughtUp(pool: Pool, groupId: string, ends: Offsets): Promise<boolean> {
  const stored = await storedOffsets(pool, groupId, ends).catch(() => null); // tables appear once migrated
  return stored !== null && Object.entries(ends).every(([key, end]) => stored[key] === end);
}

/** Starts a projector process on the test's topics and database. */
export function startProjector(
  services: TestServices,
  topics: TestTopics,
  databaseUrl: string,
  opsPort: number,
  running: Set<AppProcess>,
): AppProcess {
  const app = startApp('projector', {
    NODE_ENV: 'test',
    KAFKA_BROKERS: services.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: services.schemaRegistryUrl,
    DATABASE_URL: databaseUrl,
    HERALD_TOPIC_PREFIX: topics.prefix,
    HERALD_PARTITIONS: String(PARTITIONS),
    HERALD_PROJECTOR_OPS_PORT: String(opsPort),
    HERALD_LOG_LEVEL: 'warn',
    // A killed member is only replaced after its session times out; keep that short here.
    HERALD_CONSUMER_SESSION_TIMEOUT_MS: '6000',
  });
  running.add(app);
  void app.exited.then(() => running.delete(app));
  return app;
}

/** Waits for `probe`, failing with the process's last output so a crash-loop explains itself. */
export async function waitWithOutput<T>(
  app: AppProcess,
  what: string,
  probe: () => Promise<T | false>,
  timeoutMs: number,
): Promise<T> {
  try {
    return await waitFor(what, probe, { timeoutMs, intervalMs: 10 });
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- output ---\n${app.output().slice(-4000)}`,
    );
  }
}

/** Every read model table, as `herald replay` rebuilds them. */
export const READ_MODEL_TABLES = [
  'messages',
  'message_timeline',
  'broadcasts',
  'broadcast_status_counts',
  'usage_daily',
  'provider_health_minutely',
] as const;

/** An md5 of every row of every read model table (rows in text order) and its row count. */
export async function readModelChecksums(pool: Pool): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const table of READ_MODEL_TABLES) {
    const { rows } = await pool.query<{ md5: string | null; n: string }>(
      `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS md5, count(*) AS n FROM ${table} t`,
    );
    sums[table] = `${rows[0]?.n ?? 0} rows ${rows[0]?.md5 ?? 'empty'}`;
  }
  return sums;
}
