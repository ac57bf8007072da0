// The durable schedule in Postgres: what is enqueued for whom, and how claims share it out.
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { randomUUID } from 'node:crypto';
import {
  claimWebhookDeliveries,
  createPool,
  enqueueWebhookMessages,
  inTransaction,
  migrate,
  recordEndpointHealth,
  recordMessageCallbacks,
  releaseWebhookDeliveries,
  settleWebhookAttempts,
} from '@herald/store';
import type { ClaimOptions, NewWebhookMessage, Pool } from '@herald/store';
import { createTestDatabase, requireServices } from '@herald/testkit';
import { WEBHOOK_EVENT_TYPES, matches, parseFilter } from '@herald/webhooks';
import type { WebhookEventType } from '@herald/webhooks';
import { insertEndpoint, newTenant } from './support/dispatcher.js';

const test = anyTest.serial as TestFn<{ pool: Pool; drop: () => Promise<void> }>;

test.before(async (t) => {
  const database = await createTestDatabase(await requireServices());
  t.context.pool = createPool(database.url, 4);
  t.context.drop = database.drop;
  await migrate(t.context.pool);
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.drop?.();
});

function webhookMessage(tenantId: string, eventType: string, messageId = randomUUID()): NewWebhookMessage {
  const eventId = randomUUID();
  return {
    id: `msg_${eventId.replaceAll('-', '')}`,
    tenantId,
    eventId,
    messageId,
    eventType,
    occurredAt: Date.now(),
    payload: JSON.stringify({ type: eventType }),
  };
}

const enqueue = (pool: Pool, messages: NewWebhookMessage[]) =>
  inTransaction(pool, (client) => enqueueWebhookMessages(client, messages));

const claim = (pool: Pool, options: Partial<ClaimOptions> = {}) =>
  claimWebhookDeliveries(pool, {
    limit: 100,
    leaseMs: 60_000,
    inFlight: new Map(),
    full: [],
    callbackConcurrency: 10,
    ...options,
  });

/** Makes every pending delivery of the tenant due now and claimable (as if no one held it). */
async function dueNow(pool: Pool, tenantId: string) {
  await pool.query(
    "UPDATE webhook_deliveries SET next_attempt_at = now() WHERE tenant_id = $1 AND status = 'pending'",
    [tenantId],
  );
}

/** Ends the pending deliveries of earlier tests, so claims see only this test's. */
async function isolate(pool: Pool) {
  await pool.query(
    "UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL WHERE status = 'pending'",
  );
}

test('the SQL filter agrees with matches() for every type and every kind of filter', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const filters = ['*', 'message.*', ...WEBHOOK_EVENT_TYPES];
  const endpoints = new Map<string, string>();
  for (const filter of filters) {
    const { id } = await insertEndpoint(pool, {
      tenantId,
      url: 'https://hooks.example.com/',
      eventTypes: [filter],
    });
    endpoints.set(id, filter);
  }
  const { id: none } = await insertEndpoint(pool, { tenantId, url: 'https://hooks.example.com/' });
  const messages = WEBHOOK_EVENT_TYPES.map((type) => webhookMessage(tenantId, type));
  await enqueue(pool, messages);
  const { rows } = await pool.query<{ endpoint_id: string; event_type: WebhookEventType }>(
    `SELECT d.endpoint_id, m.event_type FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.webhook_message_id
      WHERE d.tenant_id = $1`,
    [tenantId],
  );
  for (const type of WEBHOOK_EVENT_TYPES) {
    for (const [endpoint, filter] of endpoints) {
      const enqueued = rows.some((row) => row.endpoint_id === endpoint && row.event_type === type);
      t.is(enqueued, matches([parseFilter(filter)], type), `${filter} for ${type}`);
    }
    t.true(
      rows.some((row) => row.endpoint_id === none && row.event_type === type),
      `no filter for ${type}`,
    );
  }
});

test('an event enqueued twice, or redelivered, is one delivery per endpoint', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  await insertEndpoint(pool, { tenantId, url: 'https://hooks.example.com/' });
  const message = webhookMessage(tenantId, 'message.sent');
  t.is(await enqueue(pool, [message, message]), 1);
  t.is(await enqueue(pool, [message]), 0);
});

test('a callback_url gets the webhooks recorded before and after its MessageAccepted', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const messageId = randomUUID();
  const early = webhookMessage(tenantId, 'message.sent', messageId);
  await enqueue(pool, [early]);
  const late = await inTransaction(pool, (client) =>
    recordMessageCallbacks(client, [{ messageId, tenantId, callbackUrl: 'https://client.example.com/cb' }]),
  );
  t.is(late, 1, 'the webhook read before the accept is enqueued when the accept is');
  t.is(await enqueue(pool, [webhookMessage(tenantId, 'message.delivered', messageId)]), 1);
  const { rows } = await pool.query<{ callback_url: string }>(
    'SELECT callback_url FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id IS NULL',
    [tenantId],
  );
  t.deepEqual(
    rows.map((row) => row.callback_url),
    ['https://client.example.com/cb', 'https://client.example.com/cb'],
  );
});

test('a claim takes no more per endpoint than its free slots and skips full endpoints', async (t) => {
  const { pool } = t.context;
  await isolate(pool);
  const tenantId = newTenant();
  const slow = await insertEndpoint(pool, { tenantId, url: 'https://slow.example.com/', maxConcurrency: 3 });
  const fast = await insertEndpoint(pool, { tenantId, url: 'https://fast.example.com/', maxConcurrency: 10 });
  const slowTenant = newTenant();
  const slowOnly = await insertEndpoint(pool, {
    tenantId: slowTenant,
    url: 'https://slow2.example.com/',
    maxConcurrency: 2,
  });
  await enqueue(
    pool,
    Array.from({ length: 20 }, () => webhookMessage(slowTenant, 'message.sent')),
  );
  await enqueue(
    pool,
    Array.from({ length: 5 }, () => webhookMessage(tenantId, 'message.sent')),
  );

  const first = await claim(pool, { inFlight: new Map([[slow.id, 1]]) });
  const count = (id: string) => first.filter((d) => d.endpointId === id).length;
  t.is(count(slow.id), 2, 'three slots, one in flight');
  t.is(count(fast.id), 5);
  t.is(count(slowOnly.id), 2);
  t.like(first.find((d) => d.endpointId === fast.id)?.endpoint, { maxConcurrency: 10, enabled: true });

  // Everything of the saturated endpoint is due first, yet a claim that skips it reaches the others.
  await dueNow(pool, tenantId);
  const next = await claim(pool, { limit: 5, full: [slowOnly.id] });
  t.true(next.length > 0);
  t.false(next.some((d) => d.endpointId === slowOnly.id));
});

test('a claim is leased: not claimed again until released or the lease runs out', async (t) => {
  const { pool } = t.context;
  await isolate(pool);
  const tenantId = newTenant();
  const endpoint = await insertEndpoint(pool, { tenantId, url: 'https://hooks.example.com/' });
  await enqueue(pool, [webhookMessage(tenantId, 'message.sent')]);
  const [claimed] = (await claim(pool)).filter((d) => d.endpointId === endpoint.id);
  if (claimed === undefined) return t.fail();
  t.false(
    (await claim(pool)).some((d) => d.id === claimed.id),
    'held by its lease',
  );
  await releaseWebhookDeliveries(pool, [claimed.id]);
  t.true(
    (await claim(pool)).some((d) => d.id === claimed.id),
    'released, it is due again',
  );
});

test('an ordered endpoint releases a message’s next webhook only once the one before has ended', async (t) => {
  const { pool } = t.context;
  await isolate(pool);
  const tenantId = newTenant();
  const endpoint = await insertEndpoint(pool, { tenantId, url: 'https://hooks.example.com/', ordered: true });
  const messageId = randomUUID();
  const [sent, delivered] = [
    webhookMessage(tenantId, 'message.sent', messageId),
    webhookMessage(tenantId, 'message.delivered', messageId),
  ];
  const other = webhookMessage(tenantId, 'message.sent');
  await enqueue(pool, [sent, delivered, other]);
  const first = (await claim(pool)).filter((d) => d.endpointId === endpoint.id);
  t.deepEqual(first.map((d) => d.webhookMessageId).sort(), [sent.id, other.id].sort());
  const held = first.find((d) => d.webhookMessageId === sent.id);
  if (held === undefined) return t.fail();
  await dueNow(pool, tenantId);
  t.false(
    (await claim(pool)).some((d) => d.webhookMessageId === delivered.id),
    'waits while the first is pending',
  );
  await settleWebhookAttempts(pool, [
    {
      deliveryId: held.id,
      attempt: 1,
      startedAt: Date.now(),
      latencyMs: 5,
      statusCode: 200,
      outcome: 'delivered',
      error: null,
      responseExcerpt: null,
      nextAttemptAt: null,
    },
  ]);
  t.true((await claim(pool)).some((d) => d.webhookMessageId === delivered.id));
});

test('an endpoint failing past the window is disabled and its pending deliveries failed', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const endpoint = await insertEndpoint(pool, { tenantId, url: 'https://hooks.example.com/' });
  await enqueue(pool, [webhookMessage(tenantId, 'message.sent')]);
  const start = Date.now();
  const health = (at: number, ok: boolean) =>
    inTransaction(pool, (client) =>
      recordEndpointHealth(client, [{ endpointId: endpoint.id, ok, at, error: 'HTTP 500' }], 10_000),
    );
  t.deepEqual(await health(start, false), []);
  t.deepEqual(await health(start + 9_000, false), [], 'not yet failing for the whole window');
  await health(start + 9_500, true);
  t.deepEqual(await health(start + 12_000, false), [], 'a success started the window again');
  const [disabled] = await health(start + 22_500, false);
  t.like(disabled, { endpointId: endpoint.id, reason: 'failing' });
  t.regex(disabled?.detail ?? '', /^no successful delivery since .*; last error: HTTP 500$/);
  const { rows } = await pool.query<{ status: string; last_error: string }>(
    'SELECT status, last_error FROM webhook_deliveries WHERE endpoint_id = $1',
    [endpoint.id],
  );
  t.is(rows[0]?.status, 'failed');
  t.regex(rows[0]?.last_error ?? '', /^endpoint disabled \(failing\)/);
});
