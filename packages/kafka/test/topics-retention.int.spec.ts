import anyTest from 'ava';
import type { ExecutionContext, TestFn } from 'ava';
import kafkajs from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import { createLogger } from '@herald/telemetry';
import { requireServices, uniqueId, waitFor } from '@herald/testkit';
import { createKafka, ensureTopics } from '../src/index.js';

interface Context {
  kafka: Kafka;
  admin: Admin;
  createdTopics: string[];
}

const test = anyTest as TestFn<Context>;
const { ConfigResourceTypes, ConfigSource } = kafkajs;
const HOUR = 3_600_000;
const DAY = 86_400_000;

test.before(async (t) => {
  const services = await requireServices();
  const kafka = createKafka({
    brokers: services.kafkaBrokers,
    clientId: 'topics-retention-test',
    log: createLogger('topics-retention-test', 'error'),
  });
  const admin = kafka.admin();
  await admin.connect();
  t.context = { kafka, admin, createdTopics: [] };
});

test.after.always(async (t) => {
  if (!t.context.admin) return;
  if (t.context.createdTopics.length > 0) {
    await t.context.admin.deleteTopics({ topics: t.context.createdTopics }).catch(() => undefined);
  }
  await t.context.admin.disconnect();
});

/** A topic name no other test uses, deleted after the suite. */
function freshTopic(t: ExecutionContext<Context>): string {
  const topic = `t${uniqueId()}.retention`;
  t.context.createdTopics.push(topic);
  return topic;
}

/** The topic's own config overrides (not broker defaults), by name. */
async function overrides(admin: Admin, topic: string): Promise<Record<string, string>> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
  });
  const entries = resources[0]?.configEntries ?? [];
  return Object.fromEntries(
    entries
      .filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG)
      .map((entry) => [entry.configName, entry.configValue]),
  );
}

/**
 * The overrides once `retention.ms` reads `expected`: a config change reaches the broker's cache a
 * moment after the controller commits it.
 */
function retentionBecomes(admin: Admin, topic: string, expected: string): Promise<Record<string, string>> {
  return waitFor(
    `${topic} retention.ms = ${expected}`,
    async () => {
      const current = await overrides(admin, topic);
      return current['retention.ms'] === expected && current;
    },
    { timeoutMs: 10000 },
  );
}

test('a topic created with a retention gets that retention.ms; one created without keeps the broker default', async (t) => {
  const bounded = freshTopic(t);
  const unset = freshTopic(t);
  await ensureTopics(t.context.kafka, [
    { topic: bounded, partitions: 1, retentionMs: HOUR },
    { topic: unset, partitions: 1 },
  ]);
  t.is((await overrides(t.context.admin, bounded))['retention.ms'], String(HOUR));
  t.false('retention.ms' in (await overrides(t.context.admin, unset)));
});

test('ensureTopics with another retention changes an existing topic, and back to forever', async (t) => {
  const topic = freshTopic(t);
  await ensureTopics(t.context.kafka, [{ topic, partitions: 1, retentionMs: -1 }]);
  t.is((await overrides(t.context.admin, topic))['retention.ms'], '-1');

  await ensureTopics(t.context.kafka, [{ topic, partitions: 1, retentionMs: DAY }]);
  await retentionBecomes(t.context.admin, topic, String(DAY));

  await ensureTopics(t.context.kafka, [{ topic, partitions: 1, retentionMs: -1 }]);
  await retentionBecomes(t.context.admin, topic, '-1');
  t.pass('retentionBecomes fails the test on a timeout');
});

test('a retention change keeps the topic’s other overrides (an operator’s max.message.bytes)', async (t) => {
  const topic = freshTopic(t);
  // Created by hand, as an operator would; ensureTopics below waits until it is served.
  await t.context.admin.createTopics({
    waitForLeaders: false,
    topics: [
      {
        topic,
        numPartitions: 1,
        configEntries: [
          { name: 'retention.ms', value: '-1' },
          { name: 'max.message.bytes', value: '2000000' },
        ],
      },
    ],
  });
  await waitFor(`${topic} listed`, async () => (await t.context.admin.listTopics()).includes(topic));
  await ensureTopics(t.context.kafka, [{ topic, partitions: 1, retentionMs: DAY }]);
  const after = await retentionBecomes(t.context.admin, topic, String(DAY));
  t.is(after['max.message.bytes'], '2000000');
});

test('a spec without retentionMs leaves an existing topic’s retention alone', async (t) => {
  const topic = freshTopic(t);
  await ensureTopics(t.context.kafka, [{ topic, partitions: 1, retentionMs: HOUR }]);
  await retentionBecomes(t.context.admin, topic, String(HOUR));

  await ensureTopics(t.context.kafka, [{ topic, partitions: 1 }]);
  t.is((await overrides(t.context.admin, topic))['retention.ms'], String(HOUR));
});
