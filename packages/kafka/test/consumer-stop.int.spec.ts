// What a consumer does on stop, which every app's SIGTERM relies on: the batch in hand finishes and is
// committed before the member leaves its group, and the member no longer reports itself joined.
import test from 'ava';
import type { Kafka } from 'kafkajs';
import { createLogger } from '@herald/telemetry';
import { requireServices, uniqueId, waitFor } from '@herald/testkit';
import { SchemaCatalog, createKafka, ensureTopics, startStoredOffsetConsumer } from '../src/index.js';
import type { PartitionBatch } from '../src/index.js';

const log = createLogger('consumer-stop-test', 'error');

async function withTopic(kafka: Kafka, run: (topic: string) => Promise<void>): Promise<void> {
  const topic = `t${uniqueId()}.stop`;
  await ensureTopics(kafka, [{ topic, partitions: 1, retentionMs: -1 }]);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await run(topic);
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

test('stop waits for the batch in hand, commits it, leaves the group and reports not joined', async (t) => {
  const services = await requireServices();
  const kafka = createKafka({ brokers: services.kafkaBrokers, clientId: 'consumer-stop-test', log });
  await withTopic(kafka, async (topic) => {
    const groupId = `${topic}-group`;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const started: PartitionBatch[] = [];
    const finished: PartitionBatch[] = [];
    const consumer = await startStoredOffsetConsumer({
      kafka,
      groupId,
      topics: [topic],
      catalog: new SchemaCatalog(services.schemaRegistryUrl),
      log,
      concurrency: 1,
      decode: false,
      sessionTimeoutMs: 30_000,
      storedOffsets: () => Promise.resolve([]),
      handle: async (batch) => {
        started.push(batch);
        await held;
        finished.push(batch);
      },
    });
    await waitFor('the member to join', () => consumer.joined);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [0, 1, 2].map((n) => ({ key: 'k', value: Buffer.from(String(n)) })),
    });
    await producer.disconnect();
    await waitFor('a batch in hand', () => started.length > 0);

    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    // The member is still inside the handler: stop must not have returned.
    await new Promise<void>((resolve) => setImmediate(resolve));
    t.false(stopped);
    release();
    await stopping;
    t.is(finished.length, started.length, 'the batch in hand finished');
    t.false(consumer.joined);

    const lastOffset = Number(finished.at(-1)?.lastOffset);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      t.is(committed?.partitions[0]?.offset, String(lastOffset + 1), 'its offsets are committed');
      const { groups } = await admin.describeGroups([groupId]);
      t.deepEqual(groups[0]?.members, [], 'the member left at once, not after a session timeout');
    } finally {
      await admin.disconnect();
    }
  });
});
