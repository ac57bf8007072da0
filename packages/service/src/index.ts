import type { Kafka } from 'kafkajs';
import { commonShape, parseEnv } from '@herald/config';
import type { CommonConfig } from '@herald/config';
import { topicFor, topics as topicNames } from '@herald/contracts';
import type { EventType, Topics } from '@herald/contracts';
import {
  ConsumerLag,
  HeraldKafkaError,
  KafkaMetrics,
  SchemaCatalog,
  createKafka,
  ensureTopics,
} from '@herald/kafka';
import {
  createLogger,
  createMetricsRegistry,
  onShutdown,
  shutdownTracing,
  startTracing,
} from '@herald/telemetry';
import type { Logger, ReadinessCheck, ReadinessProbe, Registry } from '@herald/telemetry';
import { readinessProbe } from './readiness.js';
import type { Check } from './readiness.js';

export { consumerCheck, postgresCheck, readinessProbe } from './readiness.js';
export type { Check, Queryable } from './readiness.js';

/** What every Herald process has once booted. */
export interface Service {
  name: string;
  log: Logger;
  metrics: Registry;
  /** Kafka instruments in `metrics`, for every producer and consumer the app starts (lag included). */
  kafkaMetrics: KafkaMetrics;
  kafka: Kafka;
  catalog: SchemaCatalog;
  topics: Topics;
  /** Readiness of Kafka and the schema registry. */
  infrastructureChecks: () => Promise<ReadinessCheck[]>;
  /** The app's /readyz probe: Kafka and the registry, then `checks` (Postgres, consumers...). */
  readiness: (...checks: Check[]) => ReadinessProbe;
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
  const tracing = startTracing({
    service: name,
    exporter: config.HERALD_OTEL_EXPORTER,
    endpoints: config,
    instanceId: config.HERALD_INSTANCE_ID,
    log,
  });
  if (tracing.endpoint !== null) log.info({ endpoint: tracing.endpoint }, 'exporting traces over OTLP');
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
  const infrastructure = infrastructureChecks(kafka, config);
  return {
    name,
    log,
    metrics,
    kafkaMetrics: new KafkaMetrics({ registry: metrics, log, lag: new ConsumerLag(kafka) }),
    kafka,
    catalog,
    topics,
    infrastructureChecks: infrastructure,
    readiness: (...checks) => readinessProbe(infrastructure, ...checks),
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
 * reason and exit 1. SIGTERM/SIGINT (even during start-up: the stop then runs once `main` is done)
 * mark the process draining and run the stop function within HERALD_SHUTDOWN_TIMEOUT_MS: exit 0 and
 * `stopped cleanly` when it finishes, exit 1 when it fails or the deadline passes.
 */
export function runService(name: string, main: (log: Logger) => Promise<() => Promise<void>>): void {
  const log = createLogger(`${name}-main`);
  // First line of every process: a start-up that hangs is then placed after module loading.
  log.info({ pid: process.pid }, `${name} starting`);
  let deadlineMs: number;
  try {
    deadlineMs = parseEnv({
      HERALD_SHUTDOWN_TIMEOUT_MS: commonShape.HERALD_SHUTDOWN_TIMEOUT_MS,
    }).HERALD_SHUTDOWN_TIMEOUT_MS;
  } catch (error) {
    log.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
  const started = main(log);
  onShutdown(log, deadlineMs, async () => {
    const stop = await started;
    await stop();
    // Spans of the last records are exported before the process exits.
    if (!(await shutdownTracing())) log.warn('trace export did not finish in time');
  });
  started.catch((error: unknown) => {
    log.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  });
}
