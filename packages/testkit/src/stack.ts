import { randomBytes } from 'node:crypto';
import { freePort } from './ports.js';
import type { AppProcess } from './processes.js';
import { startApp, waitUntilReady } from './processes.js';
import type { TestServices } from './services.js';
import { createTestDatabase, uniqueId } from './services.js';

/** A whole Herald (five processes) on its own ports, topic prefix and database. */
export interface TestStack {
  baseUrl: string;
  simulatorUrl: string;
  apiKey: string;
  databaseUrl: string;
  topicPrefix: string;
  env: Record<string, string>;
  apps: Map<string, AppProcess>;
  /** Stops every process (SIGTERM) and drops the database. */
  stop: () => Promise<void>;
}

/** Starts provider-sim, projector, router, sender and ingress; resolves when all are ready. */
export async function startStack(
  services: TestServices,
  options: { env?: Record<string, string>; simulatorEnv?: Record<string, string> } = {},
): Promise<TestStack> {
  const database = await createTestDatabase(services);
  const [httpPort, simPort, smppPort, routerOps, senderOps, projectorOps] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const simulatorUrl = `http://127.0.0.1:${simPort}`;
  const apiKey = `hk_test_${randomBytes(24).toString('base64url')}`;
  const topicPrefix = `t${uniqueId()}.`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    KAFKA_BROKERS: services.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: services.schemaRegistryUrl,
    DATABASE_URL: database.url,
    HERALD_TOPIC_PREFIX: topicPrefix,
    HERALD_PARTITIONS: '3',
    HERALD_INSTANCE_ID: `test-${uniqueId()}`,
    HERALD_LOG_LEVEL: 'info',
    HERALD_HTTP_PORT: String(httpPort),
    HERALD_PUBLIC_URL: baseUrl,
    HERALD_DEMO_API_KEY: apiKey,
    HERALD_TWILIO_BASE_URL: simulatorUrl,
    HERALD_WHATSAPP_BASE_URL: simulatorUrl,
    HERALD_TELEGRAM_BASE_URL: simulatorUrl,
    HERALD_SMPP_PORT: String(smppPort),
    SIM_SMPP_PORT: String(smppPort),
    SIM_WHATSAPP_WEBHOOK_URL: `${baseUrl}/providers/whatsapp/webhook`,
    HERALD_ROUTER_OPS_PORT: String(routerOps),
    HERALD_SENDER_OPS_PORT: String(senderOps),
    HERALD_PROJECTOR_OPS_PORT: String(projectorOps),
    SIM_HTTP_PORT: String(simPort),
    SIM_SEED: '42',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    ...options.env,
  };
  const apps = new Map<string, AppProcess>();
  const stop = async () => {
    await Promise.all([...apps.values()].map((app) => app.stop()));
    await database.drop();
  };
  const readiness: [string, string][] = [
    ['provider-sim', `${simulatorUrl}/healthz`],
    ['projector', `http://127.0.0.1:${projectorOps}/readyz`],
    ['router', `http://127.0.0.1:${routerOps}/readyz`],
    ['sender', `http://127.0.0.1:${senderOps}/readyz`],
    ['ingress', `${baseUrl}/readyz`],
  ];
  try {
    // The projector migrates the database; the ingress waits for it so both never race.
    for (const [name, url] of readiness) {
      const app = startApp(name, name === 'provider-sim' ? { ...env, ...options.simulatorEnv } : env);
      apps.set(name, app);
      if (name === 'provider-sim' || name === 'projector') await waitUntilReady(app, url, 90000);
    }
    await Promise.all(
      readiness.slice(2).map(([name, url]) => waitUntilReady(apps.get(name) as AppProcess, url, 90000)),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, simulatorUrl, apiKey, databaseUrl: database.url, topicPrefix, env, apps, stop };
}
