import type { Kafka } from 'kafkajs';

/** Per-topic settings Herald needs; everything else is the broker default. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Retention in ms; -1 keeps records forever (the log of record). */
  retentionMs?: number;
}

/**
 * Creates missing topics (idempotent) and waits until the broker's metadata shows a leader for
 * every partition: `waitForLeaders` alone can return before a fresh broker serves the partitions.
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
      const { topics } = await admin
        .fetchTopicMetadata({ topics: specs.map((spec) => spec.topic) })
        .catch(() => ({ topics: [] }));
      const ready = specs.every((spec) => {
        const metadata = topics.find((topic) => topic.name === spec.topic);
        return (
          metadata !== undefined &&
          metadata.partitions.length > 0 &&
          metadata.partitions.every((p) => p.leader >= 0)
        );
      });
      if (ready) return;
      if (Date.now() > deadline)
        throw new Error(
          `topics have no leaders after ${timeoutMs} ms: ${specs.map((s) => s.topic).join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
