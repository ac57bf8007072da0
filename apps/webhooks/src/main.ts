import { startStoredOffsetConsumer } from '@herald/kafka';
import { bootService, runService } from '@herald/service';
import type { Service } from '@herald/service';
import {
  countPendingWebhookDeliveries,
  createPool,
  migrate,
  readOffsets,
  seedGroupOffsets,
} from '@herald/store';
import { Counter, Gauge, Histogram, startOpsServer } from '@herald/telemetry';
import { callbackSecretFor } from '@herald/webhooks';
import { loadWebhooksConfig } from './config.js';
import { DeliveryWorker } from './delivery-worker.js';
import { Destinations } from './destinations.js';
import { enqueueBatch } from './enqueue-batch.js';
import { Recorder } from './recorder.js';

// Partitions enqueued at once: about the core count.
const CONSUMER_CONCURRENCY = 2;
// How long an SSRF check (DNS answer included) is trusted before the host is checked again.
const DESTINATION_CHECK_TTL_MS = 60_000;
// Shutdown: attempts in flight get ATTEMPTS_GRACE_MS to finish, then are aborted and handed back,
// and their outcomes are written, all within SHUTDOWN_DEADLINE_MS.
const SHUTDOWN_DEADLINE_MS = 15_000;
const ATTEMPTS_GRACE_MS = 10_000;

runService('webhooks', SHUTDOWN_DEADLINE_MS, async () => {
  const config = loadWebhooksConfig();
  const service = await bootService('webhooks', config, []);
  const { log, metrics, topics } = service;
  if (config.callbackSecretIsDevelopment)
    log.warn(
      'HERALD_CALLBACK_SIGNING_SECRET is not set: callback_url deliveries are signed with the public development secret',
    );
  const pool = createPool(config.DATABASE_URL, CONSUMER_CONCURRENCY + 4);
  const applied = await migrate(pool);
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  const instruments = createInstruments(metrics, pool);

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
    storedOffsets: (assignment) => readOffsets(pool, groupId, assignment),
    handle: async (batch) => {
      // Not the owner of these topics' dead letters (router and sender are): count, log, move on.
      for (const bad of batch.poison) {
        instruments.poisoned.inc({ topic: bad.topic, code: bad.error.code });
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
    ready: async () => [
      ...(await service.infrastructureChecks()),
      await pool.query('SELECT 1').then(
        () => ({ name: 'postgres', ok: true }),
        (error: unknown) => ({ name: 'postgres', ok: false, detail: String(error) }),
      ),
      { name: 'consumer', ok: consumer.joined, detail: consumer.joined ? 'assigned' : 'joining group' },
    ],
  });
  log.info(
    { groupId, opsPort: ops.port, concurrency: config.HERALD_WEBHOOK_CONCURRENCY },
    'webhooks dispatcher running',
  );

  return async () => {
    await consumer.stop();
    await worker?.stop(Math.min(ATTEMPTS_GRACE_MS, config.HERALD_WEBHOOK_TIMEOUT_MS + 1000));
    await destinations.close();
    await ops.close();
    await pool.end();
  };
});

function createInstruments(metrics: Service['metrics'], pool: ReturnType<typeof createPool>) {
  new Gauge({
    name: 'herald_webhook_deliveries_pending',
    help: 'Webhook deliveries waiting for an attempt, due or scheduled',
    registers: [metrics],
    async collect() {
      this.set(await countPendingWebhookDeliveries(pool).catch(() => Number.NaN));
    },
  });
  return {
    attempts: new Counter({
      name: 'herald_webhook_attempts_total',
      help: 'Webhook delivery attempts, by outcome',
      labelNames: ['outcome'],
      registers: [metrics],
    }),
    latency: new Histogram({
      name: 'herald_webhook_attempt_seconds',
      help: 'Duration of one webhook delivery attempt',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers: [metrics],
    }),
    lag: new Histogram({
      name: 'herald_webhook_delivery_lag_seconds',
      help: 'From the event to its successful delivery, retries included',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300, 3600],
      registers: [metrics],
    }),
    enqueueSeconds: new Histogram({
      name: 'herald_webhook_enqueue_batch_seconds',
      help: 'Duration of one enqueue transaction (one partition batch)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics],
    }),
    claimSeconds: new Histogram({
      name: 'herald_webhook_claim_seconds',
      help: 'Duration of one claim of due deliveries',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [metrics],
    }),
    enqueued: new Counter({
      name: 'herald_webhook_deliveries_enqueued_total',
      help: 'Webhook deliveries enqueued from events, to endpoints and callback URLs',
      registers: [metrics],
    }),
    disabled: new Counter({
      name: 'herald_webhook_endpoints_disabled_total',
      help: 'Endpoints the dispatcher disabled, by reason (gone, failing)',
      labelNames: ['reason'],
      registers: [metrics],
    }),
    poisoned: new Counter({
      name: 'herald_webhook_poison_records_total',
      help: 'Undecodable records skipped',
      labelNames: ['topic', 'code'],
      registers: [metrics],
    }),
  };
}

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
