// The Kafka layer's metrics against a real broker: what the group-commit producer, a
// consume-transform-produce group and a Postgres-style stored-offset group report, and consumer lag
// read from Kafka's committed offsets (transaction markers included, a start at the log end included).
import { randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import type { Kafka } from 'kafkajs';
import { topics as topicNames } from '@herald/contracts';
import type { EventOf, Topics } from '@herald/contracts';
import { Registry, createLogger } from '@herald/telemetry';
import { parseMetrics, requireServices, sumOf, uniqueId, waitFor } from '@herald/testkit';
import type { MetricsExposition, TestServices } from '@herald/testkit';
import {
  BatchingProducer,
  ConsumerLag,
  KafkaMetrics,
  SchemaCatalog,
  createIdempotentProducer,
  createKafka,
  encodeEvent,
  ensureTopics,
  eventHeaders,
  startStoredOffsetConsumer,
  startTransactionalProcessor,
} from '../src/index.js';
import type { RunningConsumer } from '../src/index.js';

interface Context {
  services: TestServices;
  kafka: Kafka;
  created: string[];
}

const test = anyTest as TestFn<Context>;
const log = createLogger('kafka-metrics-test', 'error');
const PARTITIONS = 3;

test.before(async (t) => {
  const services = await requireServices();
  const kafka = createKafka({ brokers: services.kafkaBrokers, clientId: 'kafka-metrics-test', log });
  t.context = { services, kafka, created: [] };
});

test.after.always(async (t) => {
  if (!t.context.kafka || t.context.created.length === 0) return;
  const admin = t.context.kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: t.context.created }).catch(() => undefined);
  await admin.disconnect();
});

async function freshTopics(t: { context: Context }): Promise<Topics> {
  const all = topicNames(`t${uniqueId()}.`);
  const names = [all.requested, all.events, all.dlq];
  t.context.created.push(...names);
  await ensureTopics(
    t.context.kafka,
    names.map((topic) => ({ topic, partitions: topic === all.dlq ? 1 : PARTITIONS })),
  );
  return all;
}

function accepted(n: number): EventOf<'MessageAccepted'> {
  return {
    type: 'MessageAccepted',
    eventId: randomUUID(),
    messageId: randomUUID(),
    tenantId: 'tenant-metrics',
    occurredAt: Date.UTC(2025, 0, 1) + n,
    to: `+1415555${String(n).padStart(4, '0')}`,
    channel: 'sms',
    from: null,
    text: `hello ${n}`,
    priority: 'normal',
    clientReference: null,
    callbackUrl: null,
    metadata: null,
    sendAt: null,
    expiresAt: null,
    parts: 1,
    encoding: 'GSM-7',
    costMicros: 10_000,
    broadcastId: null,
  };
}

async function scrape(registry: Registry): Promise<MetricsExposition> {
  return parseMetrics(await registry.metrics());
}

/** The lag series of `group`, or undefined while it has none yet. */
function lagOfGroup(exposition: MetricsExposition, group: string): number[] | undefined {
  const series = exposition.samples.filter(
    (sample) => sample.name === 'herald_kafka_consumer_lag' && sample.labels.group === group,
  );
  return series.length > 0 ? series.map((sample) => sample.value) : undefined;
}

test('produced, consumed, dead-lettered and lag agree with what flowed through two groups', async (t) => {
  const { kafka, services } = t.context;
  const topics = await freshTopics(t);
  const catalog = new SchemaCatalog(services.schemaRegistryUrl);
  await catalog.registerAll([
    { topic: topics.requested, type: 'MessageAccepted' },
    { topic: topics.events, type: 'MessageAccepted' },
  ]);
  const registry = new Registry();
  const lag = new ConsumerLag(kafka, { cacheMs: 0 });
  const metrics = new KafkaMetrics({ registry, log, lag });
  const running: RunningConsumer[] = [];
  t.teardown(async () => {
    await Promise.all(running.map((consumer) => consumer.stop()));
    await metrics.close();
  });

  const MESSAGES = 30;
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const batching = new BatchingProducer(producer, { maxBatchRecords: 7, lingerMs: 2, metrics });
  const events = Array.from({ length: MESSAGES }, (_, n) => accepted(n));
  await Promise.all(
    events.map((event) =>
      batching.send([
        {
          topic: topics.requested,
          key: event.to,
          value: encodeEvent(catalog, topics.requested, event),
          headers: eventHeaders(event),
        },
      ]),
    ),
  );
  // One undecodable record, produced around the instruments (as a broken producer would).
  await producer.send({ topic: topics.requested, messages: [{ key: 'poison', value: Buffer.from('nope') }] });
  await batching.close();
  await producer.disconnect();

  const produced = await scrape(registry);
  t.is(sumOf(produced, 'herald_kafka_produced_records_total', { topic: topics.requested }), MESSAGES);
  t.is(sumOf(produced, 'herald_kafka_produce_batch_records_sum'), MESSAGES);
  t.true(sumOf(produced, 'herald_kafka_produce_batch_records_count') >= MESSAGES / 7);

  const forward = `${topics.requested}-forward`;
  running.push(
    await startTransactionalProcessor({
      kafka,
      groupId: forward,
      topics: [topics.requested],
      catalog,
      log,
      concurrency: 2,
      instanceId: uniqueId(),
      dlqTopic: topics.dlq,
      metrics,
      sessionTimeoutMs: 10_000,
      process: async (records) =>
        records.map((record) => ({
          topic: topics.events,
          key: record.event.to,
          value: encodeEvent(catalog, topics.events, record.event),
          headers: eventHeaders(record.event, record.headers),
        })),
    }),
  );
  // Reads a topic written only in transactions, whose commit markers take offsets of their own.
  const stored = new Map<string, string>();
  const project = `${topics.events}-project`;
  running.push(
    await startStoredOffsetConsumer({
      kafka,
      groupId: project,
      topics: [topics.events],
      catalog,
      log,
      concurrency: 2,
      metrics,
      sessionTimeoutMs: 10_000,
      storedOffsets: async () =>
        [...stored].map(([key, offset]) => {
          const [topic = '', partition = '0'] = key.split('|');
          return { topic, partition: Number(partition), offset };
        }),
      handle: async (batch) => {
        stored.set(`${batch.topic}|${batch.partition}`, String(BigInt(batch.lastOffset) + 1n));
      },
    }),
  );

  const settled = await waitFor(
    'both groups to consume everything and read lag 0 on every partition',
    async () => {
      const exposition = await scrape(registry);
      const lags = [lagOfGroup(exposition, forward), lagOfGroup(exposition, project)];
      const done =
        sumOf(exposition, 'herald_kafka_consumed_records_total', { group: project }) === MESSAGES &&
        lags.every((series) => series?.length === PARTITIONS && series.every((value) => value === 0));
      return done && exposition;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  t.is(
    sumOf(settled, 'herald_kafka_consumed_records_total', { group: forward, topic: topics.requested }),
    MESSAGES + 1,
    'the poison record is consumed too',
  );
  t.is(sumOf(settled, 'herald_kafka_consumer_batch_records_sum', { group: forward }), MESSAGES + 1);
  t.true(sumOf(settled, 'herald_kafka_consumer_batch_seconds_count', { group: forward }) >= 1);
  t.is(sumOf(settled, 'herald_kafka_produced_records_total', { topic: topics.events }), MESSAGES);
  t.is(sumOf(settled, 'herald_kafka_produced_records_total', { topic: topics.dlq }), 1);
  const poison = { group: forward, topic: topics.requested, code: 'not_confluent_wire_format' };
  t.is(sumOf(settled, 'herald_kafka_poison_records_total', poison), 1);
  t.is(sumOf(settled, 'herald_kafka_dead_lettered_records_total', poison), 1);
  t.is(
    sumOf(settled, 'herald_kafka_consumed_records_total', { group: project, topic: topics.events }),
    MESSAGES,
  );
  t.is(sumOf(settled, 'herald_kafka_poison_records_total', { group: project }), 0);
  t.is(sumOf(settled, 'herald_kafka_produce_failed_records_total'), 0);
});

test('lag counts the retained log for a group that never committed, and 0 for one that starts at the end', async (t) => {
  const { kafka, services } = t.context;
  const topics = await freshTopics(t);
  const RECORDS = 12;
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topics.events,
    messages: Array.from({ length: RECORDS }, (_, n) => ({ key: `k${n}`, value: Buffer.from(String(n)) })),
  });
  await producer.disconnect();

  const registry = new Registry();
  const lag = new ConsumerLag(kafka, { cacheMs: 0 });
  const metrics = new KafkaMetrics({ registry, log, lag });
  t.teardown(() => metrics.close());
  const idle = `${topics.events}-never-committed`;
  metrics.watchLag(idle, [topics.events]);
  const before = await scrape(registry);
  t.is(sumOf(before, 'herald_kafka_consumer_lag', { group: idle }), RECORDS);
  t.is(lagOfGroup(before, idle)?.length, PARTITIONS);

  // As the webhooks dispatcher does on its first start: its store says "from the end of the log".
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topics.events);
  await admin.disconnect();
  const handled: number[] = [];
  const fromEnd = `${topics.events}-from-end`;
  const consumer = await startStoredOffsetConsumer({
    kafka,
    groupId: fromEnd,
    topics: [topics.events],
    catalog: new SchemaCatalog(services.schemaRegistryUrl),
    log,
    concurrency: 1,
    decode: false,
    metrics,
    sessionTimeoutMs: 10_000,
    storedOffsets: async () =>
      ends.map(({ partition, high }) => ({ topic: topics.events, partition, offset: high })),
    handle: async (batch) => {
      handled.push(batch.raw.length);
    },
  });
  t.teardown(() => consumer.stop());
  const atEnd = await waitFor(
    'the group starting at the end to read lag 0',
    async () => {
      const exposition = await scrape(registry);
      const series = lagOfGroup(exposition, fromEnd);
      return series?.length === PARTITIONS && series.every((value) => value === 0) && exposition;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  t.deepEqual(handled, [], 'nothing before the end was consumed');
  t.is(sumOf(atEnd, 'herald_kafka_consumer_lag', { group: idle }), RECORDS, 'the idle group is unchanged');

  metrics.unwatchLag(idle);
  t.is(lagOfGroup(await scrape(registry), idle), undefined, 'an unwatched group has no series');
});

test('records of an aborted transaction and its marker, which never reach the handler, are committed past', async (t) => {
  const { kafka, services } = t.context;
  const topics = await freshTopics(t);
  const transactional = kafka.producer({
    transactionalId: `aborted-${uniqueId()}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await transactional.connect();
  const transaction = await transactional.transaction();
  await transaction.send({
    topic: topics.dlq,
    messages: [{ key: 'k', value: Buffer.from('never committed') }],
  });
  await transaction.abort();
  await transactional.disconnect();

  const registry = new Registry();
  const metrics = new KafkaMetrics({ registry, log, lag: new ConsumerLag(kafka, { cacheMs: 0 }) });
  t.teardown(() => metrics.close());
  const group = `${topics.dlq}-reader`;
  metrics.watchLag(group, [topics.dlq]);
  // The coordinator writes the abort marker after abort() returns; until then the partition's last
  // stable offset (what read_committed end offsets report) stays before the aborted record.
  const before = await waitFor(
    'the aborted record and the abort marker to be ahead of the group',
    async () => {
      const lag = lagOfGroup(await scrape(registry), group)?.[0];
      return lag === 2 ? lag : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  t.is(before, 2);
  const handled: number[] = [];
  const consumer = await startStoredOffsetConsumer({
    kafka,
    groupId: group,
    topics: [topics.dlq],
    catalog: new SchemaCatalog(services.schemaRegistryUrl),
    log,
    concurrency: 1,
    decode: false,
    metrics,
    sessionTimeoutMs: 10_000,
    storedOffsets: async () => [],
    handle: async (batch) => {
      handled.push(batch.raw.length);
    },
  });
  t.teardown(() => consumer.stop());
  await waitFor(
    'the group to commit past the aborted transaction',
    async () => lagOfGroup(await scrape(registry), group)?.[0] === 0,
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  t.deepEqual(handled, [], 'the handler never saw the aborted record');
  t.is(sumOf(await scrape(registry), 'herald_kafka_consumed_records_total', { group }), 0);
});
