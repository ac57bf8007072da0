import { Counter, Gauge, Histogram } from '@herald/telemetry';
import type { Logger, Registry } from '@herald/telemetry';
import type { ConsumerLag } from './consumer-lag.js';

/** Anything produced or consumed that names its topic. */
interface OnTopic {
  topic: string;
}

/** A poison record as the metrics see it: where it was and why it cannot be decoded. */
interface PoisonSample extends OnTopic {
  error: { code: string };
}

const RECORD_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
const SECOND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Kafka layer's instruments, created once per process in its registry and handed to every
 * producer and consumer it starts, so one app with several consumer groups (the sender, the
 * projector) shares one set of series. Labels stay bounded: topic and group names come from
 * configuration, never from data; only the lag gauge adds the partition.
 */
export class KafkaMetrics {
  private readonly producedRecords: Counter<'topic'>;
  private readonly failedRecords: Counter<'topic'>;
  private readonly produceBatchRecords: Histogram;
  private readonly produceBatchSeconds: Histogram;
  private readonly consumedRecords: Counter<'group' | 'topic'>;
  private readonly consumerBatchRecords: Histogram<'group'>;
  private readonly consumerBatchSeconds: Histogram<'group'>;
  private readonly poisonRecords: Counter<'group' | 'topic' | 'code'>;
  private readonly deadLettered: Counter<'group' | 'topic' | 'code'>;
  private readonly lag: ConsumerLag | null;

  constructor(options: { registry: Registry; log: Logger; lag?: ConsumerLag }) {
    const registers = [options.registry];
    this.lag = options.lag ?? null;
    this.producedRecords = new Counter({
      name: 'herald_kafka_produced_records_total',
      help: 'Records acknowledged by Kafka (acks=-1) or committed in a transaction, per topic',
      labelNames: ['topic'],
      registers,
    });
    this.failedRecords = new Counter({
      name: 'herald_kafka_produce_failed_records_total',
      help: 'Records whose produce request or transaction failed (the caller retries or answers an error), per topic',
      labelNames: ['topic'],
      registers,
    });
    this.produceBatchRecords = new Histogram({
      name: 'herald_kafka_produce_batch_records',
      help: 'Records per group-commit produce request (BatchingProducer)',
      buckets: RECORD_BUCKETS,
      registers,
    });
    this.produceBatchSeconds = new Histogram({
      name: 'herald_kafka_produce_batch_seconds',
      help: 'Duration of one group-commit produce request, until every in-sync replica acknowledged it',
      buckets: SECOND_BUCKETS,
      registers,
    });
    this.consumedRecords = new Counter({
      name: 'herald_kafka_consumed_records_total',
      help: 'Records a consumer group processed and committed, per group and topic (poison records included)',
      labelNames: ['group', 'topic'],
      registers,
    });
    this.consumerBatchRecords = new Histogram({
      name: 'herald_kafka_consumer_batch_records',
      help: 'Records per processed partition batch, per consumer group',
      labelNames: ['group'],
      buckets: RECORD_BUCKETS,
      registers,
    });
    this.consumerBatchSeconds = new Histogram({
      name: 'herald_kafka_consumer_batch_seconds',
      help: 'Duration of one partition batch, from decoding to the committed offset, per consumer group',
      labelNames: ['group'],
      buckets: SECOND_BUCKETS,
      registers,
    });
    this.poisonRecords = new Counter({
      name: 'herald_kafka_poison_records_total',
      help: 'Consumed records that can never be decoded, per group, source topic and error code',
      labelNames: ['group', 'topic', 'code'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'herald_kafka_dead_lettered_records_total',
      help: 'Poison records a consume-transform-produce group wrote to the DLQ, per group, source topic and error code',
      labelNames: ['group', 'topic', 'code'],
      registers,
    });
    if (this.lag) {
      const lag = this.lag;
      const log = options.log;
      new Gauge({
        name: 'herald_kafka_consumer_lag',
        help: 'Records of a partition not yet committed by a consumer group (log end minus committed offset), computed on scrape',
        labelNames: ['group', 'topic', 'partition'],
        registers,
        async collect() {
          const lags = await lag.read().catch((error: unknown) => {
            log.warn({ err: error }, 'reading consumer lag failed; lag series left out of this scrape');
            return [];
          });
          // After the read, not before: concurrent scrapes never see each other's half-filled gauge,
          // and series of a group that stopped, or of a failed read, do not linger with old values.
          this.reset();
          for (const entry of lags)
            this.set({ group: entry.group, topic: entry.topic, partition: entry.partition }, entry.lag);
        },
      });
    }
  }

  /** Records Kafka acknowledged (or a transaction committed). */
  produced(records: readonly OnTopic[]): void {
    for (const [topic, count] of countByTopic(records)) this.producedRecords.inc({ topic }, count);
  }

  /** Records whose produce request or transaction failed. */
  produceFailed(records: readonly OnTopic[]): void {
    for (const [topic, count] of countByTopic(records)) this.failedRecords.inc({ topic }, count);
  }

  /** One group-commit produce request: its size and how long it took. */
  produceBatch(records: number, seconds: number): void {
    this.produceBatchRecords.observe(records);
    this.produceBatchSeconds.observe(seconds);
  }

  /** One partition batch a group processed and committed. */
  consumed(group: string, topic: string, records: number, seconds: number): void {
    this.consumedRecords.inc({ group, topic }, records);
    this.consumerBatchRecords.observe({ group }, records);
    this.consumerBatchSeconds.observe({ group }, seconds);
  }

  /** Poison records a group met; `deadLettered` when it wrote them to the DLQ. */
  poison(group: string, records: readonly PoisonSample[], deadLettered: boolean): void {
    for (const record of records) {
      const labels = { group, topic: record.topic, code: record.error.code };
      this.poisonRecords.inc(labels);
      if (deadLettered) this.deadLettered.inc(labels);
    }
  }

  /** Reports the lag of `group` on `topics` from now on (no-op without a lag source). */
  watchLag(group: string, topics: readonly string[]): void {
    this.lag?.watch(group, topics);
  }

  /** Stops reporting the lag of `group`. */
  unwatchLag(group: string): void {
    this.lag?.unwatch(group);
  }

  /** Releases the lag source's admin client; call on shutdown. */
  async close(): Promise<void> {
    await this.lag?.close();
  }
}

function countByTopic(records: readonly OnTopic[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { topic } of records) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  return counts;
}
