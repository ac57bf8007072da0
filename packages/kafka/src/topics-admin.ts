import type { Kafka } from 'kafkajs';

/** Per-topic settings Herald needs; everything else is the broker default. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Retention in ms; -1 keeps records forever (the log of record). */
  retentionMs?: number;
}

/** Creates missing topics (idempotent) and waits until they have leaders. */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return;
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
  } finally {
    await admin.disconnect();
  }
}
