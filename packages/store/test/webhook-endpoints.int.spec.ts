import { randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { createTestDatabase, requireServices } from '@herald/testkit';
import {
  createPool,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  enqueueWebhookRecovery,
  enqueueWebhookResend,
  findWebhookEndpoint,
  listWebhookAttempts,
  listWebhookEndpoints,
  migrate,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
  webhookEndpointStats,
} from '../src/index.js';
import type { NewWebhookEndpoint, Pool, WebhookAttemptOutcome, WebhookEndpoint } from '../src/index.js';

const test = anyTest as TestFn<{ pool: Pool; drop: () => Promise<void> }>;

test.before(async (t) => {
  const database = await createTestDatabase(await requireServices());
  const pool = createPool(database.url, 4);
  // An idle connection the server closes (dropping the throwaway database) must not crash the run.
  pool.on('error', () => undefined);
  await migrate(pool);
  t.context = { pool, drop: database.drop };
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.drop?.();
});

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const NEW_SECRET = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const NOW = Date.parse('2026-11-22T12:00:00Z');
const at = (time: string) => Date.parse(`2026-11-22T${time}Z`);

let tenantCount = 0;
/** A tenant of its own per test, so tests never see each other's rows. */
const newTenant = () => `tenant-${++tenantCount}-${randomUUID().slice(0, 8)}`;

const endpointOf = (tenantId: string, overrides: Partial<NewWebhookEndpoint> = {}): NewWebhookEndpoint => ({
  tenantId,
  url: 'https://hooks.example.com/herald',
  description: null,
  eventTypes: [],
  headers: {},
  ordered: false,
  maxConcurrency: 10,
  secret: SECRET,
  ...overrides,
});

/** A webhook message as the dispatcher stores it. */
async function addWebhookMessage(
  pool: Pool,
  message: { tenantId: string; messageId: string; eventType: string; occurredAt: number },
): Promise<string> {
  const eventId = randomUUID();
  const id = `msg_${eventId.replaceAll('-', '')}`;
  await pool.query(
    `INSERT INTO webhook_messages (id, tenant_id, event_id, message_id, event_type, occurred_at, payload)
     VALUES ($1, $2, $3, $4, $5, $6, '{}')`,
    [id, message.tenantId, eventId, message.messageId, message.eventType, new Date(message.occurredAt)],
  );
  return id;
}

/** A delivery from the event itself, as the dispatcher enqueues it. */
async function addDelivery(
  pool: Pool,
  delivery: {
    endpoint: WebhookEndpoint;
    webhookMessageId: string;
    messageId: string;
    nextAttemptAt: number | null;
  },
): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO webhook_deliveries
       (tenant_id, endpoint_id, webhook_message_id, message_id, source, status, next_attempt_at)
     VALUES ($1, $2, $3, $4, 'event', $5, $6) RETURNING id`,
    [
      delivery.endpoint.tenantId,
      delivery.endpoint.id,
      delivery.webhookMessageId,
      delivery.messageId,
      delivery.nextAttemptAt === null ? 'delivered' : 'pending',
      delivery.nextAttemptAt === null ? null : new Date(delivery.nextAttemptAt),
    ],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('no delivery id');
  return id;
}

async function addAttempt(
  pool: Pool,
  attempt: {
    deliveryId: string;
    endpoint: WebhookEndpoint;
    webhookMessageId: string;
    attempt: number;
    startedAt: number;
    latencyMs: number;
    statusCode: number | null;
    outcome: WebhookAttemptOutcome;
    nextAttemptAt?: number;
  },
): Promise<void> {
  await pool.query(
    `INSERT INTO webhook_attempts (delivery_id, tenant_id, endpoint_id, webhook_message_id, attempt,
       started_at, latency_ms, status_code, outcome, error, response_excerpt, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      attempt.deliveryId,
      attempt.endpoint.tenantId,
      attempt.endpoint.id,
      attempt.webhookMessageId,
      attempt.attempt,
      new Date(attempt.startedAt),
      attempt.latencyMs,
      attempt.statusCode,
      attempt.outcome,
      attempt.statusCode === null ? 'timeout' : null,
      attempt.statusCode === null ? null : `HTTP ${attempt.statusCode}`,
      attempt.nextAttemptAt === undefined ? null : new Date(attempt.nextAttemptAt),
    ],
  );
}

interface QueuedDelivery {
  webhook_message_id: string;
  source: string;
  status: string;
  next_attempt_at: Date | null;
}

/** The endpoint's resend and recover deliveries, in the order the dispatcher would take them. */
async function enqueued(pool: Pool, endpointId: string): Promise<QueuedDelivery[]> {
  const { rows } = await pool.query<QueuedDelivery>(
    `SELECT webhook_message_id, source, status, next_attempt_at FROM webhook_deliveries
      WHERE endpoint_id = $1 AND source <> 'event' ORDER BY id`,
    [endpointId],
  );
  return rows;
}

test('an endpoint is created enabled with an ep_ id, and only its tenant finds it', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const created = await createWebhookEndpoint(
    pool,
    endpointOf(tenantId, {
      description: 'orders',
      eventTypes: ['message.delivered', 'message.*'],
      headers: { 'X-Team': 'billing' },
      ordered: true,
      maxConcurrency: 3,
    }),
  );
  t.regex(created.id, /^ep_[0-9a-f]{24}$/);
  t.like(created, {
    tenantId,
    url: 'https://hooks.example.com/herald',
    description: 'orders',
    eventTypes: ['message.delivered', 'message.*'],
    headers: { 'X-Team': 'billing' },
    ordered: true,
    maxConcurrency: 3,
    enabled: true,
    disabledReason: null,
    failingSince: null,
    secret: SECRET,
    previousSecret: null,
  });
  t.deepEqual(await findWebhookEndpoint(pool, tenantId, created.id), created);
  t.is(await findWebhookEndpoint(pool, newTenant(), created.id), null);
  t.false(await deleteWebhookEndpoint(pool, newTenant(), created.id), "another tenant can't delete it");
  t.is(
    await updateWebhookEndpoint(pool, newTenant(), created.id, { enabled: false }, NOW),
    null,
    "another tenant can't change it",
  );
});

test('endpoints are listed newest first, page by page, without skipping or repeating', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const ids: string[] = [];
  for (let index = 0; index < 5; index++)
    ids.push((await createWebhookEndpoint(pool, endpointOf(tenantId))).id);
  await createWebhookEndpoint(pool, endpointOf(newTenant()));
  const seen: string[] = [];
  let page = await listWebhookEndpoints(pool, tenantId, { limit: 2 });
  seen.push(...page.endpoints.map((endpoint) => endpoint.id));
  while (page.next) {
    page = await listWebhookEndpoints(pool, tenantId, { limit: 2, after: page.next });
    seen.push(...page.endpoints.map((endpoint) => endpoint.id));
  }
  t.deepEqual(seen, [...ids].reverse());
});

test('disabling records manual and when; re-enabling clears the reason and the failure window', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const endpoint = await createWebhookEndpoint(pool, endpointOf(tenantId));
  const disabled = await updateWebhookEndpoint(pool, tenantId, endpoint.id, { enabled: false }, NOW);
  t.like(disabled, { enabled: false, disabledReason: 'manual', disabledAt: NOW, updatedAt: NOW });

  // The dispatcher disabled it because it answered 410 while failing: the tenant re-enables it.
  await pool.query(
    `UPDATE webhook_endpoints SET disabled_reason = 'gone', disabled_detail = 'HTTP 410',
            disabled_at = $2, failing_since = $2 WHERE id = $1`,
    [endpoint.id, new Date(NOW - 60_000)],
  );
  const again = await updateWebhookEndpoint(pool, tenantId, endpoint.id, { enabled: false }, NOW);
  t.like(again, { disabledReason: 'gone', disabledDetail: 'HTTP 410', disabledAt: NOW - 60_000 });
  const enabled = await updateWebhookEndpoint(pool, tenantId, endpoint.id, { enabled: true }, NOW + 1000);
  t.like(enabled, {
    enabled: true,
    disabledReason: null,
    disabledDetail: null,
    disabledAt: null,
    failingSince: null,
    updatedAt: NOW + 1000,
  });
});

test('a patch changes only the fields it names', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const endpoint = await createWebhookEndpoint(
    pool,
    endpointOf(tenantId, { description: 'keep me', eventTypes: ['*'] }),
  );
  const patched = await updateWebhookEndpoint(
    pool,
    tenantId,
    endpoint.id,
    { url: 'https://other.example.com/', headers: { 'X-A': '1' }, maxConcurrency: 1, ordered: true },
    NOW,
  );
  t.like(patched, {
    url: 'https://other.example.com/',
    headers: { 'X-A': '1' },
    maxConcurrency: 1,
    ordered: true,
    description: 'keep me',
    eventTypes: ['*'],
    enabled: true,
    secret: SECRET,
  });
  const cleared = await updateWebhookEndpoint(
    pool,
    tenantId,
    endpoint.id,
    { description: null, eventTypes: [] },
    NOW,
  );
  t.like(cleared, { description: null, eventTypes: [], url: 'https://other.example.com/' });
});

test('rotation keeps the previous secret for the grace period; no grace keeps none', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const endpoint = await createWebhookEndpoint(pool, endpointOf(tenantId));
  const rotated = await rotateWebhookEndpointSecret(pool, tenantId, endpoint.id, {
    secret: NEW_SECRET,
    graceSeconds: 3600,
    now: NOW,
  });
  t.like(rotated, { secret: NEW_SECRET, previousSecret: SECRET, previousSecretExpiresAt: NOW + 3_600_000 });
  const immediate = await rotateWebhookEndpointSecret(pool, tenantId, endpoint.id, {
    secret: SECRET,
    graceSeconds: 0,
    now: NOW,
  });
  t.like(immediate, { secret: SECRET, previousSecret: null, previousSecretExpiresAt: null });
  t.is(
    await rotateWebhookEndpointSecret(pool, newTenant(), endpoint.id, {
      secret: NEW_SECRET,
      graceSeconds: 0,
      now: NOW,
    }),
    null,
  );
});

test('deleting an endpoint deletes its deliveries and attempt log', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const endpoint = await createWebhookEndpoint(pool, endpointOf(tenantId));
  const messageId = randomUUID();
  const webhookMessageId = await addWebhookMessage(pool, {
    tenantId,
    messageId,
    eventType: 'message.sent',
    occurredAt: NOW,
  });
  const deliveryId = await addDelivery(pool, { endpoint, webhookMessageId, messageId, nextAttemptAt: NOW });
  await addAttempt(pool, {
    deliveryId,
    endpoint,
    webhookMessageId,
    attempt: 1,
    startedAt: NOW,
    latencyMs: 5,
    statusCode: 500,
    outcome: 'retry',
    nextAttemptAt: NOW + 5000,
  });
  t.true(await deleteWebhookEndpoint(pool, tenantId, endpoint.id));
  const { rows } = await pool.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1)
          + (SELECT count(*) FROM webhook_attempts WHERE endpoint_id = $1) AS n`,
    [endpoint.id],
  );
  t.is(Number(rows[0]?.n), 0);
  t.is(await findWebhookEndpoint(pool, tenantId, endpoint.id), null);
});

/** An endpoint with a log: message A delivered at the second attempt, message B failing. */
async function endpointWithLog(pool: Pool) {
  const tenantId = newTenant();
  const endpoint = await createWebhookEndpoint(pool, endpointOf(tenantId));
  const other = await createWebhookEndpoint(pool, endpointOf(tenantId));
  const a = randomUUID();
  const b = randomUUID();
  const sentA = await addWebhookMessage(pool, {
    tenantId,
    messageId: a,
    eventType: 'message.sent',
    occurredAt: at('10:00:00'),
  });
  const failedB = await addWebhookMessage(pool, {
    tenantId,
    messageId: b,
    eventType: 'message.failed',
    occurredAt: at('10:30:00'),
  });
  const deliveryA = await addDelivery(pool, {
    endpoint,
    webhookMessageId: sentA,
    messageId: a,
    nextAttemptAt: null,
  });
  const deliveryB = await addDelivery(pool, {
    endpoint,
    webhookMessageId: failedB,
    messageId: b,
    nextAttemptAt: at('13:00:00'),
  });
  const base = { endpoint, webhookMessageId: sentA, deliveryId: deliveryA };
  await addAttempt(pool, {
    ...base,
    attempt: 1,
    startedAt: at('10:00:01'),
    latencyMs: 10,
    statusCode: null,
    outcome: 'retry',
    nextAttemptAt: at('10:00:06'),
  });
  await addAttempt(pool, {
    ...base,
    attempt: 2,
    startedAt: at('10:00:06'),
    latencyMs: 20,
    statusCode: 200,
    outcome: 'delivered',
  });
  const failing = { endpoint, webhookMessageId: failedB, deliveryId: deliveryB };
  await addAttempt(pool, {
    ...failing,
    attempt: 1,
    startedAt: at('10:30:01'),
    latencyMs: 30,
    statusCode: 503,
    outcome: 'retry',
    nextAttemptAt: at('10:30:06'),
  });
  await addAttempt(pool, {
    ...failing,
    attempt: 2,
    startedAt: at('10:30:06'),
    latencyMs: 40,
    statusCode: 500,
    outcome: 'retry',
    nextAttemptAt: at('13:00:00'),
  });
  // Another endpoint's attempt, which neither the log nor the stats of the first may show.
  const otherDelivery = await addDelivery(pool, {
    endpoint: other,
    webhookMessageId: sentA,
    messageId: a,
    nextAttemptAt: NOW,
  });
  await addAttempt(pool, {
    endpoint: other,
    webhookMessageId: sentA,
    deliveryId: otherDelivery,
    attempt: 1,
    startedAt: at('10:00:02'),
    latencyMs: 999,
    statusCode: 200,
    outcome: 'delivered',
  });
  return { tenantId, endpoint, a, b, sentA, failedB };
}

test('the attempt log is newest first, with the message, event type and next attempt', async (t) => {
  const { pool } = t.context;
  const { tenantId, endpoint, a, b, sentA, failedB } = await endpointWithLog(pool);
  const first = await listWebhookAttempts(pool, tenantId, endpoint.id, { limit: 3 });
  t.true(first.hasMore);
  t.deepEqual(
    first.attempts.map((attempt) => [attempt.webhookMessageId, attempt.attempt]),
    [
      [failedB, 2],
      [failedB, 1],
      [sentA, 2],
    ],
  );
  t.like(first.attempts[0], {
    messageId: b,
    eventType: 'message.failed',
    startedAt: at('10:30:06'),
    statusCode: 500,
    latencyMs: 40,
    outcome: 'retry',
    responseExcerpt: 'HTTP 500',
    nextAttemptAt: at('13:00:00'),
  });
  const last = first.attempts[2];
  if (last === undefined) return t.fail('no third attempt');
  const second = await listWebhookAttempts(pool, tenantId, endpoint.id, { limit: 3, before: last.id });
  t.false(second.hasMore);
  t.deepEqual(
    second.attempts.map((attempt) => [attempt.messageId, attempt.attempt, attempt.statusCode, attempt.error]),
    [[a, 1, null, 'timeout']],
  );
  const delivered = await listWebhookAttempts(pool, tenantId, endpoint.id, {
    limit: 10,
    outcome: 'delivered',
  });
  t.deepEqual(
    delivered.attempts.map((attempt) => attempt.latencyMs),
    [20],
  );
  t.deepEqual((await listWebhookAttempts(pool, newTenant(), endpoint.id, { limit: 10 })).attempts, []);
});

test('stats count outcomes in the range, interpolate latency percentiles and report the backlog', async (t) => {
  const { pool } = t.context;
  const { tenantId, endpoint } = await endpointWithLog(pool);
  const stats = await webhookEndpointStats(pool, tenantId, endpoint.id, {
    since: at('00:00:00'),
    until: NOW,
  });
  const { p50, p95, p99 } = stats.latencyMs;
  // percentile_cont interpolates over 10, 20, 30 and 40 ms.
  t.deepEqual(
    [p50, p95, p99].map((value) => (value === null ? null : Math.round(value * 1000) / 1000)),
    [25, 38.5, 39.7],
  );
  t.deepEqual(stats, {
    attempts: { delivered: 1, retry: 3, gone: 0, failed: 0 },
    latencyMs: { p50, p95, p99 },
    pending: 1,
    oldestPendingNextAttemptAt: at('13:00:00'),
    lastSuccessAt: at('10:00:06'),
    lastFailureAt: at('10:30:06'),
  });
  const later = await webhookEndpointStats(pool, tenantId, endpoint.id, {
    since: at('10:30:00'),
    until: NOW,
  });
  t.like(later, {
    attempts: { delivered: 0, retry: 2, gone: 0, failed: 0 },
    latencyMs: { p50: 35 },
    lastSuccessAt: at('10:00:06'),
  });
  const none = await webhookEndpointStats(pool, tenantId, endpoint.id, { since: NOW, until: NOW + 1000 });
  t.deepEqual(none.latencyMs, { p50: null, p95: null, p99: null });
  t.is(none.pending, 1, 'the backlog does not depend on the range');
});

test('a resend enqueues, due now, each webhook of the message the filters match, in order', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const endpoint = await createWebhookEndpoint(
    pool,
    endpointOf(tenantId, { eventTypes: ['message.sent', 'message.failed'] }),
  );
  const messageId = randomUUID();
  const add = (eventType: string, time: string) =>
    addWebhookMessage(pool, { tenantId, messageId, eventType, occurredAt: at(time) });
  const failed = await add('message.failed', '10:00:02');
  await add('message.accepted', '10:00:00');
  const sent = await add('message.sent', '10:00:01');

  t.deepEqual(await enqueueWebhookResend(pool, { tenantId, endpointId: endpoint.id, messageId, now: NOW }), {
    found: true,
    enqueued: 2,
  });
  t.deepEqual(await enqueued(pool, endpoint.id), [
    { webhook_message_id: sent, source: 'resend', status: 'pending', next_attempt_at: new Date(NOW) },
    { webhook_message_id: failed, source: 'resend', status: 'pending', next_attempt_at: new Date(NOW) },
  ]);

  const unmatched = await createWebhookEndpoint(
    pool,
    endpointOf(tenantId, { eventTypes: ['message.delivered'] }),
  );
  t.deepEqual(await enqueueWebhookResend(pool, { tenantId, endpointId: unmatched.id, messageId, now: NOW }), {
    found: true,
    enqueued: 0,
  });
  t.deepEqual(
    await enqueueWebhookResend(pool, {
      tenantId,
      endpointId: endpoint.id,
      messageId: randomUUID(),
      now: NOW,
    }),
    { found: false, enqueued: 0 },
  );
  const stranger = newTenant();
  const theirs = await createWebhookEndpoint(pool, endpointOf(stranger));
  t.deepEqual(
    await enqueueWebhookResend(pool, { tenantId: stranger, endpointId: theirs.id, messageId, now: NOW }),
    { found: false, enqueued: 0 },
    "another tenant's message is not found",
  );
  t.deepEqual(
    await enqueueWebhookResend(pool, { tenantId: stranger, endpointId: endpoint.id, messageId, now: NOW }),
    { found: false, enqueued: 0 },
    "another tenant's endpoint gets nothing",
  );
});

test('group and wildcard filters match as @herald/webhooks matches them', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const messageId = randomUUID();
  for (const [eventType, time] of [
    ['message.sent', '10:00:00'],
    ['message.delivered', '10:00:01'],
  ] as const)
    await addWebhookMessage(pool, { tenantId, messageId, eventType, occurredAt: at(time) });
  const counts: Record<string, number> = {};
  for (const filters of [[], ['*'], ['message.*'], ['message.delivered'], ['message.read']]) {
    const endpoint = await createWebhookEndpoint(pool, endpointOf(tenantId, { eventTypes: filters }));
    const result = await enqueueWebhookResend(pool, {
      tenantId,
      endpointId: endpoint.id,
      messageId,
      now: NOW,
    });
    counts[filters.join(',') || '(none)'] = result.enqueued;
  }
  t.deepEqual(counts, { '(none)': 2, '*': 2, 'message.*': 2, 'message.delivered': 1, 'message.read': 0 });
});

test('recover enqueues every matching webhook of the tenant in [since, until), oldest first', async (t) => {
  const { pool } = t.context;
  const tenantId = newTenant();
  const endpoint = await createWebhookEndpoint(
    pool,
    endpointOf(tenantId, { eventTypes: ['message.delivered'] }),
  );
  const add = (eventType: string, time: string, tenant = tenantId) =>
    addWebhookMessage(pool, { tenantId: tenant, messageId: randomUUID(), eventType, occurredAt: at(time) });
  await add('message.delivered', '09:59:59');
  const second = await add('message.delivered', '10:00:30');
  const first = await add('message.delivered', '10:00:00');
  await add('message.sent', '10:00:10');
  await add('message.delivered', '10:00:20', newTenant());
  await add('message.delivered', '11:00:00');

  const count = await enqueueWebhookRecovery(pool, {
    tenantId,
    endpointId: endpoint.id,
    since: at('10:00:00'),
    until: at('11:00:00'),
    now: NOW,
  });
  t.is(count, 2);
  t.deepEqual(
    (await enqueued(pool, endpoint.id)).map((delivery) => [delivery.webhook_message_id, delivery.source]),
    [
      [first, 'recover'],
      [second, 'recover'],
    ],
  );
});
