// A webhooks dispatcher on a test's own topics and database, and the helpers to feed it events and
// endpoints without the rest of Herald: events are produced straight to the topics, endpoints
// inserted straight into Postgres.
import { randomUUID } from 'node:crypto';
import type { EventOf, HeraldEvent } from '@herald/contracts';
import { createTestTopics, produceRecords } from '@herald/simulation';
import type { TestTopics } from '@herald/simulation';
import { createPool } from '@herald/store';
import type { Pool } from '@herald/store';
import { createTestDatabase, freePort, requireServices, startApp, waitUntilReady } from '@herald/testkit';
import type { AppProcess, TestServices } from '@herald/testkit';
import { newSecret } from './standard-webhooks.js';

/** A running dispatcher with its topics, database and environment. */
export interface TestDispatcher {
  services: TestServices;
  topics: TestTopics;
  pool: Pool;
  env: Record<string, string>;
  app: AppProcess;
  opsUrl: string;
  /** Starts the dispatcher again (after a kill or stop), on the same topics and database. */
  restart: () => Promise<void>;
  produce: (events: readonly HeraldEvent[]) => Promise<void>;
  stop: () => Promise<void>;
}

/** Creates topics and a database, starts `apps/webhooks` on them and waits until it is ready. */
export async function startDispatcher(env: Record<string, string> = {}): Promise<TestDispatcher> {
  const services = await requireServices();
  const topics = await createTestTopics(services);
  await topics.catalog.registerAll(
    (['MessageRead', 'MessageUndelivered', 'MessageScheduled'] as const).map((type) => ({
      topic: topics.all.events,
      type,
    })),
  );
  const database = await createTestDatabase(services);
  const pool = createPool(database.url, 4);
  const opsPort = await freePort();
  const fullEnv: Record<string, string> = {
    NODE_ENV: 'test',
    KAFKA_BROKERS: services.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: services.schemaRegistryUrl,
    DATABASE_URL: database.url,
    HERALD_TOPIC_PREFIX: topics.prefix,
    HERALD_PARTITIONS: '3',
    HERALD_WEBHOOKS_OPS_PORT: String(opsPort),
    HERALD_LOG_LEVEL: 'warn',
    HERALD_CONSUMER_SESSION_TIMEOUT_MS: '6000',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    ...env,
  };
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  const launch = async () => {
    const app = startApp('webhooks', fullEnv);
    await waitUntilReady(app, `${opsUrl}/readyz`, 90_000);
    return app;
  };
  const dispatcher: TestDispatcher = {
    services,
    topics,
    pool,
    env: fullEnv,
    app: await launch(),
    opsUrl,
    restart: async () => {
      dispatcher.app = await launch();
    },
    produce: (events) =>
      produceRecords(
        topics,
        events.map((event, seq) => ({ event, logAt: event.occurredAt, seq })),
      ),
    stop: async () => {
      await dispatcher.app.stop();
      await pool.end();
      await database.drop();
      await topics.cleanup().catch(() => undefined);
    },
  };
  return dispatcher;
}

/** What a test says about an endpoint; the rest defaults. */
export interface EndpointInput {
  tenantId: string;
  url: string;
  eventTypes?: string[];
  headers?: Record<string, string>;
  ordered?: boolean;
  maxConcurrency?: number;
  secret?: string;
  previousSecret?: string | null;
  previousSecretExpiresAt?: number | null;
}

/** Inserts an endpoint as the API would; returns its id and secret. */
export async function insertEndpoint(
  pool: Pool,
  input: EndpointInput,
): Promise<{ id: string; secret: string }> {
  const id = `ep_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  const secret = input.secret ?? newSecret();
  await pool.query(
    `INSERT INTO webhook_endpoints (id, tenant_id, url, event_types, headers, ordered, max_concurrency, secret,
                                    previous_secret, previous_secret_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      input.tenantId,
      input.url,
      input.eventTypes ?? [],
      JSON.stringify(input.headers ?? {}),
      input.ordered ?? false,
      input.maxConcurrency ?? 10,
      secret,
      input.previousSecret ?? null,
      input.previousSecretExpiresAt === undefined || input.previousSecretExpiresAt === null
        ? null
        : new Date(input.previousSecretExpiresAt),
    ],
  );
  return { id, secret };
}

/** A tenant id of the test's own, so its endpoints see only its events. */
export function newTenant(): string {
  return `tenant-${randomUUID().slice(0, 8)}`;
}

/** One message of a tenant, and builders of its events (each with a fresh event id, now). */
export function messageOf(tenantId: string, callbackUrl: string | null = null) {
  const messageId = randomUUID();
  const to = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const event = () => ({ eventId: randomUUID(), messageId, tenantId, occurredAt: Date.now(), to });
  return {
    messageId,
    accepted: (): EventOf<'MessageAccepted'> => ({
      type: 'MessageAccepted',
      ...event(),
      channel: 'sms',
      from: null,
      text: 'hello',
      priority: 'normal',
      clientReference: null,
      callbackUrl,
      metadata: null,
      sendAt: null,
      expiresAt: null,
      parts: 1,
      encoding: 'GSM-7',
      costMicros: 10_000,
      broadcastId: null,
    }),
    sent: (): EventOf<'MessageSent'> => ({
      type: 'MessageSent',
      ...event(),
      providerId: 'sim-eu',
      providerMessageId: `SM${randomUUID().slice(0, 8)}`,
      attempt: 1,
      latencyMs: 12,
    }),
    delivered: (): EventOf<'MessageDelivered'> => ({
      type: 'MessageDelivered',
      ...event(),
      providerId: 'sim-eu',
      providerMessageId: 'SM1',
      providerStatus: 'delivered',
    }),
    read: (): EventOf<'MessageRead'> => ({
      type: 'MessageRead',
      ...event(),
      providerId: 'sim-eu',
      providerMessageId: 'SM1',
    }),
    failed: (): EventOf<'MessageFailed'> => ({
      type: 'MessageFailed',
      ...event(),
      providerId: 'sim-eu',
      errorCode: 'twilio_21610',
      errorMessage: 'the recipient opted out',
    }),
  };
}

/** The deliveries of an endpoint (or a tenant's callback_url deliveries when endpointId is null). */
export async function deliveriesOf(
  pool: Pool,
  filter: { endpointId: string } | { tenantId: string; callbacks: true },
): Promise<
  { id: string; webhook_message_id: string; status: string; attempts: number; last_error: string | null }[]
> {
  const { rows } = await pool.query<{
    id: string;
    webhook_message_id: string;
    status: string;
    attempts: number;
    last_error: string | null;
  }>(
    'endpointId' in filter
      ? 'SELECT id, webhook_message_id, status, attempts, last_error FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id'
      : 'SELECT id, webhook_message_id, status, attempts, last_error FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id IS NULL ORDER BY id',
    ['endpointId' in filter ? filter.endpointId : filter.tenantId],
  );
  return rows;
}

/** The attempt log of an endpoint, oldest first. */
export async function attemptsOf(
  pool: Pool,
  endpointId: string,
): Promise<
  {
    webhook_message_id: string;
    attempt: number;
    status_code: number | null;
    outcome: string;
    error: string | null;
    response_excerpt: string | null;
    next_attempt_at: Date | null;
    started_at: Date;
  }[]
> {
  const { rows } = await pool.query(
    `SELECT webhook_message_id, attempt, status_code, outcome, error, response_excerpt, next_attempt_at, started_at
       FROM webhook_attempts WHERE endpoint_id = $1 ORDER BY id`,
    [endpointId],
  );
  return rows;
}

/** The endpoint row as the API would show it. */
export async function endpointRow(
  pool: Pool,
  id: string,
): Promise<{
  enabled: boolean;
  disabled_reason: string | null;
  disabled_detail: string | null;
  failing_since: Date | null;
}> {
  const { rows } = await pool.query(
    'SELECT enabled, disabled_reason, disabled_detail, failing_since FROM webhook_endpoints WHERE id = $1',
    [id],
  );
  return rows[0];
}
