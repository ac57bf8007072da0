import { eventTypesProducedBy } from '@herald/contracts';
import { loadProviders } from '@herald/config';
import { BatchingProducer, createIdempotentProducer } from '@herald/kafka';
import { bootService, postgresCheck, runService } from '@herald/service';
import {
  addApiKey,
  addCreditsEntry,
  createPool,
  ensureTenant,
  listLedgerEntries,
  migrate,
} from '@herald/store';
import type { Pool } from '@herald/store';
import { listen } from '@herald/telemetry';
import { MICROS_PER_CREDIT } from '@herald/domain';
import { createIngressApp } from './app.js';
import { topicSettingsFromConfig } from './asyncapi.js';
import { authSettingsFromConfig } from './auth/settings.js';
import { loadIngressConfig, webhookSettingsFromConfig } from './config.js';
import { RequestDrain } from './drain.js';
import { startIdempotencyPurge } from './idempotency.js';
import { loadPriceTable } from './prices.js';

const DEMO_TENANT_ID = 'demo';

/** Gives the development tenant its starting credits once, so the quick start can send at once. */
async function seedDemoCredits(pool: Pool, tenantId: string, credits: number): Promise<void> {
  if (credits <= 0 || (await listLedgerEntries(pool, tenantId, 1)).length > 0) return;
  const result = await addCreditsEntry(pool, tenantId, {
    amount: credits * MICROS_PER_CREDIT,
    reference: 'development starting credits',
    now: Date.now(),
  });
  if (!result.ok) throw new Error(`seeding demo credits failed: ${result.message}`);
}

runService('ingress', async () => {
  const config = loadIngressConfig();
  const providers = loadProviders(config.HERALD_PROVIDERS_FILE);
  const prices = loadPriceTable(config.HERALD_PRICES_FILE);
  const service = await bootService('ingress', config, eventTypesProducedBy('ingress'));
  const { log, metrics } = service;
  if (!config.HERALD_CALLBACK_SIGNING_SECRET)
    log.warn(
      'HERALD_CALLBACK_SIGNING_SECRET is unset: callback secrets derive from a public development value',
    );
  const pool = createPool(config.DATABASE_URL, 20, (error) =>
    log.warn({ err: error }, 'an idle Postgres connection failed; the pool replaces it'),
  );
  const applied = await migrate(pool);
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  if (config.NODE_ENV !== 'production' && config.HERALD_DEMO_API_KEY) {
    await ensureTenant(pool, DEMO_TENANT_ID, 'Demo tenant');
    await addApiKey(pool, DEMO_TENANT_ID, config.HERALD_DEMO_API_KEY);
    await seedDemoCredits(pool, DEMO_TENANT_ID, config.HERALD_DEMO_CREDITS);
    log.info({ tenantId: DEMO_TENANT_ID }, 'demo tenant ready (its key is HERALD_DEMO_API_KEY)');
  }

  const kafkaProducer = createIdempotentProducer(service.kafka);
  await kafkaProducer.connect();
  const producer = new BatchingProducer(kafkaProducer, {
    maxBatchRecords: config.HERALD_PRODUCE_MAX_BATCH,
    lingerMs: config.HERALD_PRODUCE_LINGER_MS,
    metrics: service.kafkaMetrics,
    onBatch: (records, _ms, error) => {
      if (error) log.error({ err: error, records }, 'produce request failed');
    },
  });

  const drain = new RequestDrain();
  const app = createIngressApp({
    pool,
    producer,
    catalog: service.catalog,
    topics: service.topics,
    providers,
    publicUrl: config.HERALD_PUBLIC_URL,
    maxBodyBytes: config.HERALD_MAX_BODY_BYTES,
    auth: authSettingsFromConfig(config),
    prices,
    idempotencyTtlSeconds: config.HERALD_IDEMPOTENCY_TTL_SECONDS,
    cancelWaitMs: config.HERALD_CANCEL_WAIT_MS,
    maxBroadcastBodyBytes: config.HERALD_MAX_BROADCAST_BODY_BYTES,
    webhooks: webhookSettingsFromConfig(config),
    topicSettings: topicSettingsFromConfig(config),
    log,
    metrics,
    ready: service.readiness(postgresCheck(pool)),
    drain,
  });
  const server = await listen(app, config.HERALD_HTTP_PORT, config.HERALD_HTTP_HOST);
  // Waiting for keep-alive connections to go may take a third of the shutdown deadline at most.
  drain.attach(server.server, Math.floor(config.HERALD_SHUTDOWN_TIMEOUT_MS / 3));
  const stopPurge = startIdempotencyPurge(pool, log);
  log.info(
    { url: `http://${config.HERALD_HTTP_HOST}:${server.port}`, publicUrl: config.HERALD_PUBLIC_URL },
    'ingress listening',
  );

  // The order matters: a request answered 202 is in Kafka, and none is cut off half way.
  return async () => {
    drain.begin(); // /readyz says draining; new requests get 503 shutting_down
    // Requests in flight finish, each 202 after its produce is acknowledged; clients' connections
    // close (or outlive their keep-alive timeout), so none is cut off under a request.
    await drain.idle();
    await server.close(); // only then the listener: later connections are refused
    stopPurge();
    await producer.close(); // flushes anything still queued and refuses more
    await kafkaProducer.disconnect();
    await service.kafkaMetrics.close();
    await pool.end();
  };
});
