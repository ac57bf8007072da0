import { loadProviders } from '@herald/config';
import { BatchingProducer, createIdempotentProducer } from '@herald/kafka';
import { bootService, runService } from '@herald/service';
import {
  addApiKey,
  addCreditsEntry,
  createPool,
  ensureTenant,
  listLedgerEntries,
  migrate,
} from '@herald/store';
import type { Pool } from '@herald/store';
import { Histogram, listen } from '@herald/telemetry';
import { MICROS_PER_CREDIT } from '@herald/domain';
import { createIngressApp } from './app.js';
import { authSettingsFromConfig } from './auth/settings.js';
import { loadIngressConfig, webhookSettingsFromConfig } from './config.js';
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

runService('ingress', 15000, async () => {
  const config = loadIngressConfig();
  const providers = loadProviders(config.HERALD_PROVIDERS_FILE);
  const prices = loadPriceTable(config.HERALD_PRICES_FILE);
  const service = await bootService('ingress', config, [
    'MessageAccepted',
    'MessageCancelRequested',
    'MessageDelivered',
    'MessageUndelivered',
    'MessageFailed',
    'MessageRead',
  ]);
  const { log, metrics } = service;
  if (!config.HERALD_CALLBACK_SIGNING_SECRET)
    log.warn(
      'HERALD_CALLBACK_SIGNING_SECRET is unset: callback secrets derive from a public development value',
    );
  const pool = createPool(config.DATABASE_URL, 20);
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
  const produceSeconds = new Histogram({
    name: 'herald_produce_batch_seconds',
    help: 'Duration of one group-commit produce request',
    registers: [metrics],
  });
  const produceSize = new Histogram({
    name: 'herald_produce_batch_records',
    help: 'Records per produce request',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
    registers: [metrics],
  });
  const producer = new BatchingProducer(kafkaProducer, {
    maxBatchRecords: config.HERALD_PRODUCE_MAX_BATCH,
    lingerMs: config.HERALD_PRODUCE_LINGER_MS,
    onBatch: (records, ms, error) => {
      produceSeconds.observe(ms / 1000);
      produceSize.observe(records);
      if (error) log.error({ err: error, records }, 'produce request failed');
    },
  });

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
    log,
    metrics,
    ready: async () => [
      ...(await service.infrastructureChecks()),
      await pool.query('SELECT 1').then(
        () => ({ name: 'postgres', ok: true }),
        (error: unknown) => ({ name: 'postgres', ok: false, detail: String(error) }),
      ),
    ],
  });
  const server = await listen(app, config.HERALD_HTTP_PORT, config.HERALD_HTTP_HOST);
  const stopPurge = startIdempotencyPurge(pool, log);
  log.info(
    { url: `http://${config.HERALD_HTTP_HOST}:${server.port}`, publicUrl: config.HERALD_PUBLIC_URL },
    'ingress listening',
  );

  return async () => {
    await server.close(); // stop taking requests; those in flight finish and are produced
    stopPurge();
    await producer.close();
    await kafkaProducer.disconnect();
    await pool.end();
  };
});
