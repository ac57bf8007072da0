import { eventTypesProducedBy } from '@herald/contracts';
import { watchProviders } from '@herald/config';
import { createTransactionalProducer, startTransactionalProcessor } from '@herald/kafka';
import { bootService, consumerCheck, postgresCheck, runService } from '@herald/service';
import { createPool, migrate } from '@herald/store';
import { startOpsServer } from '@herald/telemetry';
import { loadRouterConfig } from './config.js';
import { createRouterMetrics } from './metrics.js';
import type { RouterDeps } from './requested-batch.js';
import { handleRequestedBatch } from './requested-batch.js';
import { watchOpenCircuits } from './circuits.js';
import { startScheduler } from './scheduler.js';

runService('router', async () => {
  const config = loadRouterConfig();
  const service = await bootService('router', config, eventTypesProducedBy('router'));
  const { log, metrics, topics, catalog } = service;
  const pool = createPool(config.DATABASE_URL, config.HERALD_ROUTER_CONCURRENCY + 2, (error) =>
    log.warn({ err: error }, 'an idle Postgres connection failed; the pool replaces it'),
  );
  await migrate(pool);
  const { decisions } = createRouterMetrics(metrics);
  const providers = watchProviders(config.HERALD_PROVIDERS_FILE, {
    onReload: (list) =>
      log.info({ providers: list.map((p) => ({ id: p.id, weight: p.weight })) }, 'providers reloaded'),
    onError: (error) =>
      log.error({ err: error }, 'providers file is invalid; keeping the previous configuration'),
  });
  const circuits = watchOpenCircuits(pool, log, 1000);
  const groupId = `${config.HERALD_TOPIC_PREFIX}herald-router`;
  const deps: RouterDeps = {
    pool,
    providers: providers.current,
    unavailable: circuits.current,
    catalog,
    topics,
    clock: Date.now,
    random: Math.random,
    log,
    groupId,
  };

  const processor = await startTransactionalProcessor({
    kafka: service.kafka,
    groupId,
    topics: [topics.requested],
    catalog,
    log,
    concurrency: config.HERALD_ROUTER_CONCURRENCY,
    instanceId: config.HERALD_INSTANCE_ID,
    dlqTopic: topics.dlq,
    metrics: service.kafkaMetrics,
    process: async (records) => {
      const out = await handleRequestedBatch(deps, records);
      for (const record of out) decisions.inc({ type: String(record.headers?.['event-type'] ?? 'unknown') });
      return out;
    },
  });
  const schedulerProducer = createTransactionalProducer(
    service.kafka,
    `${groupId}-${config.HERALD_INSTANCE_ID}-scheduler`,
  );
  await schedulerProducer.connect();
  const scheduler = startScheduler(deps, schedulerProducer, log, {
    intervalMs: config.HERALD_SCHEDULER_INTERVAL_MS,
    batchSize: config.HERALD_SCHEDULER_BATCH,
    metrics: service.kafkaMetrics,
  });

  const ops = await startOpsServer({
    port: config.HERALD_ROUTER_OPS_PORT,
    registry: metrics,
    ready: service.readiness(postgresCheck(pool), consumerCheck('consumer', processor)),
  });
  log.info(
    {
      providers: providers.current().map((p) => ({ id: p.id, channel: p.channel, weight: p.weight })),
      opsPort: ops.port,
    },
    'router running',
  );
  // Work in hand finishes and commits (the scheduler's tick, the processor's batches in their Kafka
  // transactions) before the producers and the pool they use go away; /readyz says draining meanwhile.
  return async () => {
    providers.stop();
    circuits.stop();
    await Promise.all([scheduler.stop(), processor.stop()]);
    await schedulerProducer.disconnect();
    await ops.close();
    await service.kafkaMetrics.close();
    await pool.end();
  };
});
