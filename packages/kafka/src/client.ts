import { Kafka, logLevel as LogLevel, Partitioners } from 'kafkajs';
import type { LogEntry, Producer } from 'kafkajs';
import type { Logger } from '@herald/telemetry';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [LogLevel.ERROR]: 'error',
  [LogLevel.WARN]: 'warn',
  [LogLevel.INFO]: 'info',
  [LogLevel.DEBUG]: 'debug',
};

/** A KafkaJS client whose logs go to the service's pino logger. */
export function createKafka(options: { brokers: string[]; clientId: string; log: Logger }): Kafka {
  const log = options.log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: LogLevel.WARN,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[LEVELS[level] ?? 'info'](rest, message);
      },
  });
}

/** An idempotent producer (acks=-1, one request in flight) with the Java-compatible partitioner. */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** A transactional producer; `transactionalId` must be stable per instance so restarts fence zombies. */
export function createTransactionalProducer(kafka: Kafka, transactionalId: string): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId,
    transactionTimeout: 30000,
    // Exactly-once needs the producer to keep retrying through a broker outage; the consumer loop
    // simply waits, and nothing is committed until the broker is back.
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5000 },
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
