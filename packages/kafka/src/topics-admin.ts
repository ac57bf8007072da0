import kafkajs from 'kafkajs';
import type { Admin, IResourceConfig, Kafka } from 'kafkajs';

/** Per-topic settings Herald needs; everything else is the broker default. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  /**
   * Retention in ms; -1 keeps records forever. Unset: a new topic gets the broker default and an
   * existing topic's setting is left alone.
   */
  retentionMs?: number;
}

// Node's named-export detection misses these on kafkajs's CommonJS exports; the default import has them.
const { ConfigResourceTypes, ConfigSource } = kafkajs;
const RETENTION = 'retention.ms';

/**
 * True when every partition has a leader that answers for it. A fresh broker can list a leader in
 * its metadata before it serves the partition (the first produce then fails with
 * UNKNOWN_TOPIC_OR_PARTITION), so the check asks each partition for its offsets.
 */
async function served(admin: Admin, specs: readonly TopicSpec[]): Promise<boolean> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.topic) });
    const led = specs.every((spec) => {
      const metadata = topics.find((topic) => topic.name === spec.topic);
      return (
        metadata !== undefined &&
        metadata.partitions.length > 0 &&
        metadata.partitions.every((p) => p.leader >= 0)
      );
    });
    if (!led) return false;
    for (const spec of specs) await admin.fetchTopicOffsets(spec.topic);
    return true;
  } catch {
    // Not served yet (retriable metadata or leadership errors): the caller polls again.
    return false;
  }
}

async function waitUntilServed(admin: Admin, specs: readonly TopicSpec[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await served(admin, specs)) return;
    if (Date.now() > deadline) {
      throw new Error(`topics are not served after ${timeoutMs} ms: ${specs.map((s) => s.topic).join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function createTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  if (specs.length === 0) return;
  await admin.createTopics({
    // kafkajs's own wait gives up when the fresh topic's metadata answers UNKNOWN_TOPIC_OR_PARTITION
    // (it retries only LEADER_NOT_AVAILABLE); waitUntilServed polls through that instead.
    waitForLeaders: false,
    topics: specs.map((spec) => ({
      topic: spec.topic,
      numPartitions: spec.partitions,
      replicationFactor: -1,
      configEntries:
        spec.retentionMs === undefined ? [] : [{ name: RETENTION, value: String(spec.retentionMs) }],
    })),
  });
}

/**
 * Brings existing topics' retention to their spec, so a changed setting applies on the next start.
 * The AlterConfigs API (the one kafkajs speaks) replaces every per-topic override of a topic at once,
 * not just the entries sent: the topic's other overrides are sent back unchanged, so one an operator
 * set by hand (say `max.message.bytes`) survives.
 */
async function alignRetention(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const wanted = specs.filter((spec) => spec.retentionMs !== undefined);
  if (wanted.length === 0) return;
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: wanted.map((spec) => ({ type: ConfigResourceTypes.TOPIC, name: spec.topic })),
  });
  const changes = wanted.flatMap((spec): IResourceConfig[] => {
    const entries = resources.find((resource) => resource.resourceName === spec.topic)?.configEntries ?? [];
    const value = String(spec.retentionMs);
    if (entries.some((entry) => entry.configName === RETENTION && entry.configValue === value)) return [];
    const kept = entries
      .filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG && entry.configName !== RETENTION)
      .map((entry) => ({ name: entry.configName, value: entry.configValue }));
    return [
      {
        type: ConfigResourceTypes.TOPIC,
        name: spec.topic,
        configEntries: [...kept, { name: RETENTION, value }],
      },
    ];
  });
  if (changes.length > 0) await admin.alterConfigs({ validateOnly: false, resources: changes });
}

/**
 * Creates missing topics (idempotent), waits until every partition is served, then sets the
 * retention of existing topics whose `retention.ms` differs from their spec.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
  timeoutMs = 30000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = new Set(await admin.listTopics());
    const existing = specs.filter((spec) => names.has(spec.topic));
    const missing = specs.filter((spec) => !names.has(spec.topic));
    await createTopics(admin, missing);
    await waitUntilServed(admin, specs, timeoutMs);
    await alignRetention(admin, existing);
  } finally {
    await admin.disconnect();
  }
}
