import type { Kafka } from 'kafkajs';
import type { CommonConfig } from '@herald/config';
import { topicFor, topics as topicNames } from '@herald/contracts';
import type { EventType, Topics } from '@herald/contracts';
import { HeraldKafkaError, SchemaCatalog, createKafka, ensureTopics } from '@herald/kafka';
import { createLogger, createMetricsRegistry, onShutdown } from '@herald/telemetry';
import type { Logger, ReadinessCheck, Registry } from '@herald/telemetry';

/** What every Herald process has once booted. */
export interface Service {
  name: string;
  log: Logger;
  metrics: Registry;
  kafka: Kafka;
  catalog: SchemaCatalog;
  topics: Topics;
  /** Readiness of Kafka and the schema registry. */
  infrastructureChecks: () => Promise<ReadinessCheck[]>;
}

/**
 * Connects a service to Kafka and the registry: creates Herald's topics if missing and registers
 * the schemas of every event type the service writes, so a bad schema fails start-up, not a send.
 */
export async function bootService(
  name: string,
  config: CommonConfig,
  writes: readonly EventType[],
): Promise<Service> {
  const log = createLogger(name, config.HERALD_LOG_LEVEL);
  const metrics = createMetricsRegistry(name);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `herald-${name}`, log });
  const topics = topicNames(config.HERALD_TOPIC_PREFIX);
  const partitions = config.HERALD_PARTITIONS;
  // Facts (accepts, cancel requests, outcomes, undecodable records) and the dispatch flow
  // (MessageRouted) each have their own retention; both default to forever.
  const facts = config.HERALD_EVENTS_RETENTION_MS;
  const dispatch = config.HERALD_DISPATCH_RETENTION_MS;
  await withRetries('creating topics', log, () =>
    ensureTopics(kafka, [
      { topic: topics.requested, partitions, retentionMs: facts },
      { topic: topics.events, partitions, retentionMs: facts },
      { topic: topics.dlq, partitions, retentionMs: facts },
      { topic: topics.dispatchExpress, partitions, retentionMs: dispatch },
      { topic: topics.dispatchNormal, partitions, retentionMs: dispatch },
      ...topics.retries.map((topic) => ({ topic, partitions, retentionMs: dispatch })),
    ]),
  );
  const catalog = new SchemaCatalog(config.SCHEMA_REGISTRY_URL);
  const pairs = writes.flatMap((type): { topic: string; type: EventType }[] =>
    type === 'MessageRouted'
      ? [topics.dispatchNormal, topics.dispatchExpress, ...topics.retries].map((topic) => ({ topic, type }))
      : [{ topic: topicFor(topics, type), type }],
  );
  await withRetries('registering schemas', log, () => catalog.registerAll(pairs));
  log.info({ topics, partitions, registered: pairs.length }, 'connected to Kafka and the schema registry');
  return {
    name,
    log,
    metrics,
    kafka,
    catalog,
    topics,
    infrastructureChecks: infrastructureChecks(kafka, config),
  };
}

/**
 * Runs start-up work again on errors that pass (a topic whose leader is still being elected, two
 * apps setting a registry subject's rule at once), with exponential backoff; others fail at once.
 */
async function withRetries<T>(what: string, log: Logger, work: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const retriable =
        (error instanceof HeraldKafkaError && error.canRetry) ||
        (error as { retriable?: unknown }).retriable === true;
      if (!retriable || attempt >= attempts) throw error;
      log.warn({ err: error, attempt }, `${what} failed; retrying`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * 2 ** (attempt - 1))));
    }
  }
}

/** Readiness of Kafka and the registry, through one admin client kept for the process's life. */
function infrastructureChecks(kafka: Kafka, config: CommonConfig): () => Promise<ReadinessCheck[]> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  let connected: Promise<void> | null = null;
  const kafkaCheck = async (): Promise<ReadinessCheck> => {
    try {
      connected ??= admin.connect().catch((error: unknown) => {
        connected = null;
        throw error;
      });
      await connected;
      await admin.describeCluster();
      return { name: 'kafka', ok: true };
    } catch (error) {
      return { name: 'kafka', ok: false, detail: String(error) };
    }
  };
  const registryCheck = async (): Promise<ReadinessCheck> => {
    try {
      const response = await fetch(`${config.SCHEMA_REGISTRY_URL}/config`, {
        signal: AbortSignal.timeout(1000),
      });
      return { name: 'schema-registry', ok: response.ok, detail: `HTTP ${response.status}` };
    } catch (error) {
      return { name: 'schema-registry', ok: false, detail: String(error) };
    }
  };
  return () => Promise.all([kafkaCheck(), registryCheck()]);
}

/**
 * Runs a service's `main`, which returns its stop function. Start-up failures are logged with their
 * reason and exit 1; SIGTERM/SIGINT run the stop function within the shutdown deadline.
 */
export function runService(
  name: string,
  deadlineMs: number,
  main: (log: Logger) => Promise<() => Promise<void>>,
): void {
  const log = createLogger(`${name}-main`);
  // First line of every process: a start-up that hangs is then placed after module loading.
  log.info({ pid: process.pid }, `${name} starting`);
  main(log).then(
    (stop) => onShutdown(log, deadlineMs, stop),
    (error: unknown) => {
      log.fatal({ err: error }, `${name} failed to start`);
      process.exit(1);
    },
  );
}
