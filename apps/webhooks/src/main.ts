import { eventTypesProducedBy } from '@herald/contracts';
import { startStoredOffsetConsumer } from '@herald/kafka';
import { bootService, consumerCheck, postgresCheck, runService } from '@herald/service';
import type { Service } from '@herald/service';
import { createPool, migrate, readOffsets, seedGroupOffsets } from '@herald/store';
import { startOpsServer } from '@herald/telemetry';
import { callbackSecretFor } from '@herald/webhooks';
import { loadWebhooksConfig } from './config.js';
import { DeliveryWorker } from './delivery-worker.js';
import { Destinations } from './destinations.js';
import { enqueueBatch } from './enqueue-batch.js';
import { createWebhooksMetrics } from './metrics.js';
import { Recorder } from './recorder.js';

// Partitions enqueued at once: about the core count.
const CONSUMER_CONCURRENCY = 2;
// How long an SSRF check (DNS answer included) is trusted before the host is checked again.
const DESTINATION_CHECK_TTL_MS = 60_000;

runService('webhooks', async () => {
  const config = loadWebhooksConfig();
  const service = await bootService('webhooks', config, eventTypesProducedBy('webhooks'));
  const { log, metrics, topics } = service;
  if (config.callbackSecretIsDevelopment)
    log.warn(
      'HERALD_CALLBACK_SIGNING_SECRET is not set: callback_url deliveries are signed with the public development secret',
    );
  const pool = createPool(config.DATABASE_URL, CONSUMER_CONCURRENCY + 4, (error) =>
    log.warn({ err: error }, 'an idle Postgres connection failed; the pool replaces it'),
  );
  const applied = await migrate(pool);
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  const instruments = createWebhooksMetrics(metrics, pool, log);

  const callbackSecrets = new Map<string, readonly string[]>();
  let worker: DeliveryWorker | null = null;
  const recorder = new Recorder({
    pool,
    log,
    disableAfterMs: config.HERALD_WEBHOOK_DISABLE_AFTER_MS,
    onDisabled: (disabled) => {
      for (const endpoint of disabled) {
        instruments.disabled.inc({ reason: endpoint.reason });
        worker?.endpointDisabled(endpoint.endpointId, endpoint.reason, endpoint.detail);
        log.warn(endpoint, 'webhook endpoint disabled');
      }
    },
    onWritten: () => worker?.nudge(),
  });
  const destinations = new Destinations({ allow: config.allowList, ttlMs: DESTINATION_CHECK_TTL_MS });
  worker = new DeliveryWorker({
    pool,
    log,
    destinations,
    recorder,
    retry: { schedule: config.retrySchedule, random: Math.random },
    concurrency: config.HERALD_WEBHOOK_CONCURRENCY,
    callbackConcurrency: config.HERALD_WEBHOOK_ENDPOINT_CONCURRENCY,
    timeoutMs: config.HERALD_WEBHOOK_TIMEOUT_MS,
    leaseMs: config.HERALD_WEBHOOK_LEASE_MS,
    pollMs: config.HERALD_WEBHOOK_POLL_MS,
    callbackSecrets: (tenantId) => {
      let secrets = callbackSecrets.get(tenantId);
      if (secrets === undefined) {
        secrets = [callbackSecretFor(config.callbackSigningSecret, tenantId)];
        callbackSecrets.set(tenantId, secrets);
      }
      return secrets;
    },
    onClaim: (seconds) => instruments.claimSeconds.observe(seconds),
    onAttempt: (delivery, result, decision) => {
      instruments.attempts.inc({ outcome: decision.settled.outcome });
      instruments.latency.observe(result.latencyMs / 1000);
      if (decision.settled.outcome === 'delivered')
        instruments.lag.observe((result.startedAt + result.latencyMs - delivery.occurredAt) / 1000);
    },
  });
  worker.start();

  // Every topic that carries an event with a webhook type: accepts on requested, MessageRouted
  // (message.sending) on the dispatch lanes and retry tiers, the outcomes on events.
  const consumed = [
    topics.requested,
    topics.dispatchExpress,
    topics.dispatchNormal,
    ...topics.retries,
    topics.events,
  ];
  const sameLanes = await samePartitionCounts(service.kafka, consumed);
  if (!sameLanes)
    log.warn({ topics: consumed }, 'message topics differ in partition count: one lane for all partitions');
  const groupId = `${config.HERALD_TOPIC_PREFIX}herald-webhooks`;
  // Webhooks are news: a first start begins at the end of the log, not with every past event.
  if (await seedGroupOffsets(pool, groupId, await logEnd(service.kafka, consumed)))
    log.info({ groupId }, 'first start: webhooks are sent for events from now on');
  const consumer = await startStoredOffsetConsumer({
    kafka: service.kafka,
    groupId,
    topics: consumed,
    catalog: service.catalog,
    log,
    concurrency: CONSUMER_CONCURRENCY,
    sessionTimeoutMs: config.HERALD_CONSUMER_SESSION_TIMEOUT_MS,
    metrics: service.kafkaMetrics,
    storedOffsets: (assignment) => readOffsets(pool, groupId, assignment),
    handle: async (batch) => {
      // Not the owner of these topics' dead letters (router and sender are): log, move on
      // (KafkaMetrics counts them).
      for (const bad of batch.poison) {
        log.warn(
          { topic: bad.topic, partition: bad.partition, offset: bad.offset, code: bad.error.code },
          'skipping poison record',
        );
      }
      const end = instruments.enqueueSeconds.startTimer();
      const outcome = await enqueueBatch(pool, groupId, batch, sameLanes ? batch.partition : 0);
      end();
      instruments.enqueued.inc(outcome.enqueued);
      if (outcome.enqueued > 0) worker?.nudge();
      log.debug({ topic: batch.topic, partition: batch.partition, ...outcome }, 'batch enqueued');
    },
  });

  const ops = await startOpsServer({
    port: config.HERALD_WEBHOOKS_OPS_PORT,
    registry: metrics,
    ready: service.readiness(postgresCheck(pool), consumerCheck('consumer', consumer)),
  });
  log.info(
    { groupId, opsPort: ops.port, concurrency: config.HERALD_WEBHOOK_CONCURRENCY },
    'webhooks dispatcher running',
  );

  // Attempts in flight get up to two thirds of the shutdown deadline (never more than one attempt's
  // timeout) to finish; then they are aborted and handed back, and outcomes are written in the rest.
  const attemptsGraceMs = Math.min(
    config.HERALD_WEBHOOK_TIMEOUT_MS + 1000,
    Math.floor((config.HERALD_SHUTDOWN_TIMEOUT_MS * 2) / 3),
  );
  return async () => {
    await consumer.stop();
    await worker?.stop(attemptsGraceMs);
    await destinations.close();
    await ops.close();
    await service.kafkaMetrics.close();
    await pool.end();
  };
});

/** True when every consumed topic has the same partition count, so a partition number is a lane. */
async function samePartitionCounts(kafka: Service['kafka'], consumed: string[]): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: consumed });
    return new Set(topics.map((topic) => topic.partitions.length)).size === 1;
  } finally {
    await admin.disconnect();
  }
}

/** The end offset of every partition of the topics. */
async function logEnd(
  kafka: Service['kafka'],
  consumed: string[],
): Promise<{ topic: string; partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await Promise.all(
      consumed.map(async (topic) =>
        (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({
          topic,
          partition,
          offset: high,
        })),
      ),
    );
    return ends.flat();
  } finally {
    await admin.disconnect();
  }
}
