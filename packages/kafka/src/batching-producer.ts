import type { IHeaders, Producer } from 'kafkajs';
import type { KafkaMetrics } from './metrics.js';

/** One record to produce. Keys are recipients, so a message's events stay in one partition. */
export interface OutgoingRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers?: IHeaders;
}

interface Pending {
  records: OutgoingRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface BatchingProducerOptions {
  /** Most records in one produce request. */
  maxBatchRecords: number;
  /** How long the first record of a batch may wait for company when nothing is in flight. */
  lingerMs: number;
  /** Called after every produce request (logs, benchmarks). */
  onBatch?: (records: number, durationMs: number, error?: unknown) => void;
  /** The process's Kafka instruments: produced or failed records per topic, request sizes and durations. */
  metrics?: KafkaMetrics;
}

/**
 * Group commit for KafkaJS, which has no linger of its own: concurrent `send` calls are merged into
 * one acks=-1 produce request, and exactly one request is in flight at a time (KafkaJS's idempotent
 * producer is not safe with concurrent sends). Each caller's promise settles when its records are
 * acknowledged by every in-sync replica, or rejects with the produce error.
 */
export class BatchingProducer {
  private queue: Pending[] = [];
  private queued = 0;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly producer: Producer,
    private readonly options: BatchingProducerOptions,
  ) {}

  /** Resolves once every record is durable in Kafka. */
  send(records: OutgoingRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('producer is closed'));
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.queued += records.length;
      this.schedule();
    });
  }

  /** Resolves when everything sent so far has been acknowledged (or failed). */
  async flush(): Promise<void> {
    while (this.inFlight || this.queue.length > 0) {
      if (!this.inFlight) this.drain();
      await this.inFlight?.catch(() => undefined);
    }
  }

  /** Flushes what is queued, then refuses new sends. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.inFlight) return; // the running request drains the queue when it settles
    if (this.queued >= this.options.maxBatchRecords) return this.drain();
    this.timer ??= setTimeout(() => this.drain(), this.options.lingerMs);
  }

  private drain(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.take();
    this.inFlight = this.produce(batch).finally(() => {
      this.inFlight = null;
      if (this.queue.length > 0) this.drain();
    });
  }

  // Takes whole callers' requests up to the record limit; a caller is never split across batches.
  private take(): Pending[] {
    let count = 0;
    let taken = 0;
    while (taken < this.queue.length) {
      const size = this.queue[taken]?.records.length ?? 0;
      if (taken > 0 && count + size > this.options.maxBatchRecords) break;
      count += size;
      taken++;
    }
    const batch = this.queue.splice(0, taken);
    this.queued -= count;
    return batch;
  }

  private async produce(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: Buffer; headers?: IHeaders }[]>();
    const records = batch.flatMap((pending) => pending.records);
    for (const record of records) {
      let messages = byTopic.get(record.topic);
      if (!messages) byTopic.set(record.topic, (messages = []));
      messages.push({ key: record.key, value: record.value, headers: record.headers });
    }
    const started = performance.now();
    const { metrics } = this.options;
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      const ms = performance.now() - started;
      metrics?.produced(records);
      metrics?.produceBatch(records.length, ms / 1000);
      this.options.onBatch?.(records.length, ms);
      for (const pending of batch) pending.resolve();
    } catch (error) {
      const ms = performance.now() - started;
      metrics?.produceFailed(records);
      metrics?.produceBatch(records.length, ms / 1000);
      this.options.onBatch?.(records.length, ms, error);
      for (const pending of batch) pending.reject(error);
    }
  }
}
