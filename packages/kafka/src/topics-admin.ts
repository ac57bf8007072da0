import type { Admin, Kafka } from 'kafkajs';

/** Per-topic settings Herald needs; everything else is the broker default. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Retention in ms; -1 keeps records forever (the log of record). */
  retentionMs?: number;
}

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

/**
 * Creates missing topics (idempotent) and waits until every partition is served: `waitForLeaders`
 * alone can return before a fresh broker serves the partitions.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
  timeoutMs = 30000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions,
          replicationFactor: -1,
          configEntries:
            spec.retentionMs === undefined ? [] : [{ name: 'retention.ms', value: String(spec.retentionMs) }],
        })),
      });
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await served(admin, specs)) return;
      if (Date.now() > deadline) {
        throw new Error(
          `topics are not served after ${timeoutMs} ms: ${specs.map((s) => s.topic).join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
