import { createHmac, randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import type { Hono } from 'hono';
import { BatchingProducer, SchemaCatalog, createKafka } from '@herald/kafka';
import { addApiKey, createPool, ensureTenant, generateApiKey, migrate } from '@herald/store';
import type { Pool } from '@herald/store';
import { createLogger, createMetricsRegistry } from '@herald/telemetry';
import { createTestDatabase, requireServices } from '@herald/testkit';
import { parseAllowList } from '@herald/webhooks';
import type { Lookup } from '@herald/webhooks';
import { createIngressApp } from '../src/app.js';
import type { WebhookSettings } from '../src/routes/webhooks.js';
import {
  attemptPageSchema,
  createdEndpointSchema,
  endpointPageSchema,
  endpointSchema,
  endpointSecretSchema,
  statsSchema,
} from '../src/webhook-schemas.js';

// Tests run concurrently: `lister` is the listing test's alone, so its pages hold only its endpoints.
type Tenant = 'acme' | 'other' | 'lister';

interface Context {
  pool: Pool;
  drop: () => Promise<void>;
  app: Hono;
  keys: Record<Tenant, string>;
}

const test = anyTest as TestFn<Context>;

const NOW = Date.parse('2026-11-22T12:00:00Z');
const MASTER = 'test-callback-master-secret-0123456789abcdef';

// The resolver the tests control: names map to addresses; anything else does not resolve.
const DNS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'sneaky.example.com': ['93.184.216.34', '192.168.1.20'],
  'metadata.example.com': ['169.254.169.254'],
  'v6.example.com': ['fd12:3456::1'],
  'internal.hooks.test': ['10.9.0.4'],
  'lab.example.com': ['10.1.2.3'],
};
const lookup: Lookup = async (hostname) => {
  const addresses = DNS[hostname];
  if (addresses === undefined)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

// Production-like: nothing private allowed but the configured host name and range.
const WEBHOOKS: WebhookSettings = {
  allow: parseAllowList(['internal.hooks.test', '10.1.0.0/16']),
  lookup,
  callbackSigningSecret: MASTER,
};

function buildApp(pool: Pool): Hono {
  const log = createLogger('test', 'silent');
  // Kafka and the registry are never reached by these routes: clients that never connect.
  const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'webhooks-test', log });
  return createIngressApp({
    pool,
    producer: new BatchingProducer(kafka.producer(), { maxBatchRecords: 1, lingerMs: 0 }),
    catalog: new SchemaCatalog('http://127.0.0.1:1'),
    topics: { requested: 'requested', events: 'events' },
    providers: [],
    publicUrl: 'http://127.0.0.1:8080',
    maxBodyBytes: 64 * 1024,
    log,
    metrics: createMetricsRegistry('test'),
    ready: async () => [],
    clock: () => NOW,
    auth: { adminToken: undefined, jwt: null, rateLimit: { ratePerSecond: 1e6, burst: 1e6 } },
    webhooks: WEBHOOKS,
  });
}

test.before(async (t) => {
  const database = await createTestDatabase(await requireServices());
  const pool = createPool(database.url, 4);
  // An idle connection the server closes (dropping the throwaway database) must not crash the run.
  pool.on('error', () => undefined);
  await migrate(pool);
  const keys = { acme: generateApiKey(), other: generateApiKey(), lister: generateApiKey() };
  for (const [tenant, key] of Object.entries(keys)) {
    await ensureTenant(pool, tenant, tenant);
    await addApiKey(pool, tenant, key);
  }
  t.context = { pool, drop: database.drop, app: buildApp(pool), keys };
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.drop?.();
});

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

interface Problem {
  code: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

async function call(
  t: { context: Context },
  method: string,
  path: string,
  options: { body?: unknown; tenant?: Tenant; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await t.context.app.request(`/v1/webhooks${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${t.context.keys[options.tenant ?? 'acme']}`,
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const problemOf = (answer: Answer) => answer.json as unknown as Problem;
const fields = (answer: Answer) => (problemOf(answer).errors ?? []).map((error) => error.field);

async function createEndpoint(t: { context: Context }, body: Record<string, unknown> = {}, tenant?: Tenant) {
  const answer = await call(t, 'POST', '/endpoints', {
    body: { url: 'https://hooks.example.com/herald', ...body },
    ...(tenant ? { tenant } : {}),
  });
  if (answer.status !== 201)
    throw new Error(`create answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  return createdEndpointSchema.parse(answer.json);
}

test('an endpoint is created with its secret; reading it never shows the secret', async (t) => {
  const answer = await call(t, 'POST', '/endpoints', {
    body: {
      url: 'https://hooks.example.com/herald',
      description: 'orders',
      event_types: ['message.delivered', 'message.*', 'message.delivered'],
      headers: { 'X-Team': 'billing' },
      ordered: true,
      max_concurrency: 4,
    },
  });
  t.is(answer.status, 201);
  const created = createdEndpointSchema.parse(answer.json);
  t.regex(created.id, /^ep_[0-9a-f]{24}$/);
  t.regex(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  t.is(answer.headers.get('location'), `/v1/webhooks/endpoints/${created.id}`);
  t.like(created, {
    url: 'https://hooks.example.com/herald',
    description: 'orders',
    event_types: ['message.delivered', 'message.*'],
    headers: { 'X-Team': 'billing' },
    ordered: true,
    max_concurrency: 4,
    enabled: true,
    disabled_reason: null,
    disabled_detail: null,
    disabled_at: null,
    failing_since: null,
    previous_secret_expires_at: null,
  });

  const read = await call(t, 'GET', `/endpoints/${created.id}`);
  t.is(read.status, 200);
  const { secret, ...withoutSecret } = created;
  t.deepEqual(endpointSchema.parse(read.json), withoutSecret);
  t.false(JSON.stringify(read.json).includes(secret));
  const secretAnswer = await call(t, 'GET', `/endpoints/${created.id}/secret`);
  t.deepEqual(secretAnswer.json, { secret, previous_secret_expires_at: null });
});

test('defaults: every event type, no headers, unordered, 10 at once; a secret may be brought', async (t) => {
  const own = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
  const created = await createEndpoint(t, { secret: own });
  t.like(created, {
    event_types: [],
    headers: {},
    ordered: false,
    max_concurrency: 10,
    description: null,
    secret: own,
  });
});

const invalidBodies: [string, Record<string, unknown>, string[]][] = [
  ['an unknown event type', { event_types: ['message.delivered', 'message.bounced'] }, ['event_types.1']],
  ['a group with no event type', { event_types: ['user.*'] }, ['event_types.0']],
  [
    'a header that overrides the content type',
    { headers: { 'Content-Type': 'text/plain' } },
    ['headers.Content-Type'],
  ],
  [
    'a header that forges the signature',
    { headers: { 'Webhook-Signature': 'v1,x' } },
    ['headers.Webhook-Signature'],
  ],
  ['a Host header', { headers: { host: 'internal' } }, ['headers.host']],
  ['a header name that is no HTTP token', { headers: { 'X Team': 'a' } }, ['headers.X Team']],
  ['a header value with a line break', { headers: { 'X-A': 'a\r\nHost: evil' } }, ['headers.X-A']],
  ['the same header twice', { headers: { 'X-A': '1', 'x-a': '2' } }, ['headers.x-a']],
  [
    'more than 20 headers',
    { headers: Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`X-H${index}`, 'v'])) },
    ['headers'],
  ],
  ['max_concurrency 0', { max_concurrency: 0 }, ['max_concurrency']],
  ['max_concurrency 101', { max_concurrency: 101 }, ['max_concurrency']],
  ['a secret without whsec_', { secret: Buffer.alloc(32).toString('base64') }, ['secret']],
  ['a secret of 16 bytes', { secret: `whsec_${Buffer.alloc(16).toString('base64')}` }, ['secret']],
  ['an unknown field', { retries: 3 }, ['(body)']],
  ['a URL that is no URL', { url: 'hooks.example.com/herald' }, ['url']],
];

for (const [name, body, expected] of invalidBodies) {
  test(`400 validation_failed for ${name}`, async (t) => {
    const answer = await call(t, 'POST', '/endpoints', {
      body: { url: 'https://hooks.example.com/', ...body },
    });
    t.is(answer.status, 400, JSON.stringify(answer.json));
    t.is(problemOf(answer).code, 'validation_failed');
    t.deepEqual(fields(answer), expected);
  });
}

// The SSRF guard on the endpoint: every refusal names the reason.
const refusedUrls: [string, string, RegExp][] = [
  ['a private IPv4 address', 'http://10.0.0.5/hook', /^10\.0\.0\.5 is in 10\.0\.0\.0\/8 \(private network\)/],
  ['loopback', 'http://127.0.0.1:8080/hook', /127\.0\.0\.1 is in 127\.0\.0\.0\/8 \(loopback\)/],
  ['the cloud metadata service', 'http://169.254.169.254/latest', /\(cloud metadata service\)/],
  ['link-local', 'http://169.254.10.1/', /\(link-local\)/],
  ['carrier-grade NAT', 'http://100.64.0.1/', /\(carrier-grade NAT\)/],
  ['IPv6 loopback', 'http://[::1]/', /::1 is in ::1\/128 \(loopback\)/],
  ['IPv6 unique-local', 'https://v6.example.com/', /fd12:3456::1 is in fc00::\/7 \(unique local\)/],
  ['an IPv4-mapped private address', 'http://[::ffff:192.168.0.1]/', /\(private network\)/],
  [
    'a name resolving to a private address among public ones',
    'https://sneaky.example.com/',
    /192\.168\.1\.20 is in 192\.168\.0\.0\/16/,
  ],
  ['a name resolving to the metadata service', 'https://metadata.example.com/', /169\.254\.169\.254/],
  ['another scheme', 'ftp://hooks.example.com/', /only http and https/],
  ['credentials in the URL', 'https://user:pass@hooks.example.com/', /user name or password/],
];

for (const [name, url, detail] of refusedUrls) {
  test(`422 webhook_url_not_allowed for ${name}`, async (t) => {
    const answer = await call(t, 'POST', '/endpoints', { body: { url } });
    t.is(answer.status, 422);
    const problem = problemOf(answer);
    t.is(problem.code, 'webhook_url_not_allowed');
    t.regex(problem.detail ?? '', detail);
    t.deepEqual(fields(answer), ['url']);
  });
}

test('422 webhook_url_unresolvable when the name does not resolve', async (t) => {
  const answer = await call(t, 'POST', '/endpoints', { body: { url: 'https://nowhere.example.com/' } });
  t.is(answer.status, 422);
  t.is(problemOf(answer).code, 'webhook_url_unresolvable');
  t.regex(problemOf(answer).detail ?? '', /nowhere\.example\.com could not be resolved/);
});

test('the allowlist admits its host names and ranges, and nothing else private', async (t) => {
  const named = await call(t, 'POST', '/endpoints', { body: { url: 'HTTP://Internal.Hooks.TEST:9000' } });
  t.is(named.status, 201);
  t.is(named.json.url, 'http://internal.hooks.test:9000/', 'stored as it will be called');
  t.is((await call(t, 'POST', '/endpoints', { body: { url: 'https://lab.example.com/' } })).status, 201);
  t.is((await call(t, 'POST', '/endpoints', { body: { url: 'http://10.1.200.7/' } })).status, 201);
  t.is((await call(t, 'POST', '/endpoints', { body: { url: 'http://10.2.0.1/' } })).status, 422);
});

test('a new URL is checked like a new endpoint: a refused one changes nothing', async (t) => {
  const created = await createEndpoint(t);
  const refused = await call(t, 'PATCH', `/endpoints/${created.id}`, {
    body: { url: 'http://192.168.0.10/' },
  });
  t.is(refused.status, 422);
  t.regex(problemOf(refused).detail ?? '', /192\.168\.0\.10 is in 192\.168\.0\.0\/16 \(private network\)/);
  const read = await call(t, 'GET', `/endpoints/${created.id}`);
  t.is(read.json.url, 'https://hooks.example.com/herald');
  const changed = await call(t, 'PATCH', `/endpoints/${created.id}`, {
    body: { url: 'https://lab.example.com/new', description: 'moved', event_types: ['message.failed'] },
  });
  t.is(changed.status, 200);
  t.like(endpointSchema.parse(changed.json), {
    url: 'https://lab.example.com/new',
    description: 'moved',
    event_types: ['message.failed'],
    max_concurrency: 10,
  });
  const empty = await call(t, 'PATCH', `/endpoints/${created.id}`, { body: {} });
  t.is(empty.status, 400);
});

test('disabling and re-enabling: the tenant sees why and since when', async (t) => {
  const created = await createEndpoint(t);
  const disabled = await call(t, 'PATCH', `/endpoints/${created.id}`, { body: { enabled: false } });
  t.like(endpointSchema.parse(disabled.json), {
    enabled: false,
    disabled_reason: 'manual',
    disabled_at: new Date(NOW).toISOString(),
  });
  // As the dispatcher leaves it after failing for its window.
  await t.context.pool.query(
    `UPDATE webhook_endpoints SET disabled_reason = 'failing', disabled_detail = 'failing since 2026-11-17',
            failing_since = '2026-11-17T12:00:00Z' WHERE id = $1`,
    [created.id],
  );
  const failing = endpointSchema.parse((await call(t, 'GET', `/endpoints/${created.id}`)).json);
  t.like(failing, {
    enabled: false,
    disabled_reason: 'failing',
    disabled_detail: 'failing since 2026-11-17',
    failing_since: '2026-11-17T12:00:00.000Z',
  });
  const enabled = await call(t, 'PATCH', `/endpoints/${created.id}`, { body: { enabled: true } });
  t.like(endpointSchema.parse(enabled.json), {
    enabled: true,
    disabled_reason: null,
    disabled_detail: null,
    disabled_at: null,
    failing_since: null,
  });
});

test('endpoints are listed newest first with a cursor, and only the tenant’s own', async (t) => {
  const mine: string[] = [];
  for (let index = 0; index < 3; index++) mine.push((await createEndpoint(t, {}, 'lister')).id);
  const first = endpointPageSchema.parse(
    (await call(t, 'GET', '/endpoints?limit=2', { tenant: 'lister' })).json,
  );
  t.deepEqual(
    first.data.map((endpoint) => endpoint.id),
    [mine[2], mine[1]],
  );
  t.truthy(first.next_cursor);
  const second = endpointPageSchema.parse(
    (await call(t, 'GET', `/endpoints?limit=2&cursor=${first.next_cursor}`, { tenant: 'lister' })).json,
  );
  t.deepEqual(
    second.data.map((endpoint) => endpoint.id),
    [mine[0]],
  );
  t.is(second.next_cursor, null);
  const acme = endpointPageSchema.parse(
    (await call(t, 'GET', '/endpoints?limit=200', { tenant: 'other' })).json,
  );
  t.false(acme.data.some((endpoint) => mine.includes(endpoint.id)));
  t.false(JSON.stringify(acme).includes('whsec_'));
  const bad = await call(t, 'GET', '/endpoints?cursor=bm9wZQ');
  t.is(bad.status, 400);
  t.deepEqual(fields(bad), ['cursor']);
});

test('another tenant’s endpoint is 404 on every route', async (t) => {
  const { id } = await createEndpoint(t);
  const routes: [string, string, unknown?][] = [
    ['GET', `/endpoints/${id}`],
    ['PATCH', `/endpoints/${id}`, { description: 'mine now' }],
    ['GET', `/endpoints/${id}/secret`],
    ['POST', `/endpoints/${id}/secret/rotate`, {}],
    ['GET', `/endpoints/${id}/attempts`],
    ['GET', `/endpoints/${id}/stats`],
    ['POST', `/endpoints/${id}/messages/${randomUUID()}/resend`],
    ['POST', `/endpoints/${id}/recover`, { since: '2026-11-22T00:00:00Z' }],
    ['DELETE', `/endpoints/${id}`],
  ];
  for (const [method, path, body] of routes) {
    const answer = await call(t, method, path, { tenant: 'other', ...(body === undefined ? {} : { body }) });
    t.is(answer.status, 404, `${method} ${path}`);
    t.is(problemOf(answer).code, 'not_found');
  }
  t.is((await call(t, 'GET', `/endpoints/${id}`)).json.description, null, 'unchanged');
});

test('rotation: the previous secret signs for the grace period, a day by default', async (t) => {
  const created = await createEndpoint(t);
  const rotated = await call(t, 'POST', `/endpoints/${created.id}/secret/rotate`);
  t.is(rotated.status, 200);
  const first = endpointSecretSchema.parse(rotated.json);
  t.not(first.secret, created.secret);
  t.regex(first.secret, /^whsec_/);
  t.is(first.previous_secret_expires_at, new Date(NOW + 86_400_000).toISOString());
  t.deepEqual((await call(t, 'GET', `/endpoints/${created.id}/secret`)).json, first);
  t.is(
    (await call(t, 'GET', `/endpoints/${created.id}`)).json.previous_secret_expires_at,
    first.previous_secret_expires_at,
  );

  const own = `whsec_${Buffer.alloc(48, 9).toString('base64')}`;
  const second = await call(t, 'POST', `/endpoints/${created.id}/secret/rotate`, {
    body: { secret: own, grace_seconds: 0 },
  });
  t.deepEqual(second.json, { secret: own, previous_secret_expires_at: null });
  const { rows } = await t.context.pool.query<{ previous_secret: string | null }>(
    'SELECT previous_secret FROM webhook_endpoints WHERE id = $1',
    [created.id],
  );
  t.is(rows[0]?.previous_secret, null, 'no grace: the old secret stops signing at once');

  const tooLong = await call(t, 'POST', `/endpoints/${created.id}/secret/rotate`, {
    body: { grace_seconds: 604_801 },
  });
  t.is(tooLong.status, 400);
  t.deepEqual(fields(tooLong), ['grace_seconds']);
});

test('the callback secret is the tenant’s HMAC of the master secret, different per tenant', async (t) => {
  const expected = (tenant: string) =>
    `whsec_${createHmac('sha256', MASTER).update(`herald-callback:${tenant}`).digest('base64')}`;
  const acme = await call(t, 'GET', '/callback-secret');
  t.is(acme.status, 200);
  t.deepEqual(acme.json, { secret: expected('acme') });
  t.deepEqual((await call(t, 'GET', '/callback-secret', { tenant: 'other' })).json, {
    secret: expected('other'),
  });
});

test('a deleted endpoint is gone', async (t) => {
  const created = await createEndpoint(t);
  t.is((await call(t, 'DELETE', `/endpoints/${created.id}`)).status, 204);
  t.is((await call(t, 'GET', `/endpoints/${created.id}`)).status, 404);
  t.is((await call(t, 'DELETE', `/endpoints/${created.id}`)).status, 404);
});

/** A webhook message about a Herald message, as the dispatcher stores it. */
async function addWebhookMessage(
  pool: Pool,
  tenantId: string,
  messageId: string,
  eventType: string,
  occurredAt: string,
) {
  const eventId = randomUUID();
  const id = `msg_${eventId.replaceAll('-', '')}`;
  await pool.query(
    `INSERT INTO webhook_messages (id, tenant_id, event_id, message_id, event_type, occurred_at, payload)
     VALUES ($1, $2, $3, $4, $5, $6, '{}')`,
    [id, tenantId, eventId, messageId, eventType, occurredAt],
  );
  return id;
}

test('the attempt log: newest first, by status, page by page', async (t) => {
  const { pool } = t.context;
  const endpoint = await createEndpoint(t);
  const messageId = randomUUID();
  const webhookMessageId = await addWebhookMessage(
    pool,
    'acme',
    messageId,
    'message.delivered',
    '2026-11-22T11:00:00Z',
  );
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (tenant_id, endpoint_id, webhook_message_id, message_id, source, status,
       attempts, next_attempt_at)
     VALUES ('acme', $1, $2, $3, 'event', 'delivered', 3, NULL) RETURNING id`,
    [endpoint.id, webhookMessageId, messageId],
  );
  const attempts: [number, string, number | null, string, string | null, string | null][] = [
    [1, '11:00:01', null, 'retry', 'timeout after 15000 ms', '11:00:06'],
    [2, '11:00:06', 503, 'retry', null, '11:05:06'],
    [3, '11:05:06', 200, 'delivered', null, null],
  ];
  for (const [attempt, started, statusCode, outcome, error, next] of attempts)
    await pool.query(
      `INSERT INTO webhook_attempts (delivery_id, tenant_id, endpoint_id, webhook_message_id, attempt, started_at,
         latency_ms, status_code, outcome, error, response_excerpt, next_attempt_at)
       VALUES ($1, 'acme', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        rows[0]?.id,
        endpoint.id,
        webhookMessageId,
        attempt,
        `2026-11-22T${started}Z`,
        attempt * 100,
        statusCode,
        outcome,
        error,
        statusCode === null ? null : `{"status":${statusCode}}`,
        next === null ? null : `2026-11-22T${next}Z`,
      ],
    );

  const page = await call(t, 'GET', `/endpoints/${endpoint.id}/attempts?limit=2`);
  t.is(page.status, 200);
  const first = attemptPageSchema.parse(page.json);
  t.deepEqual(
    first.data.map((attempt) => attempt.attempt),
    [3, 2],
  );
  t.like(first.data[0], {
    webhook_message_id: webhookMessageId,
    message_id: messageId,
    event_type: 'message.delivered',
    started_at: '2026-11-22T11:05:06.000Z',
    status_code: 200,
    latency_ms: 300,
    outcome: 'delivered',
    error: null,
    response_excerpt: '{"status":200}',
    next_attempt_at: null,
  });
  t.like(first.data[1], { status_code: 503, next_attempt_at: '2026-11-22T11:05:06.000Z' });
  const rest = attemptPageSchema.parse(
    (await call(t, 'GET', `/endpoints/${endpoint.id}/attempts?limit=2&cursor=${first.next_cursor}`)).json,
  );
  t.like(rest, {
    next_cursor: null,
    data: [{ attempt: 1, status_code: null, error: 'timeout after 15000 ms' }],
  });
  const retries = attemptPageSchema.parse(
    (await call(t, 'GET', `/endpoints/${endpoint.id}/attempts?status=retry`)).json,
  );
  t.deepEqual(
    retries.data.map((attempt) => attempt.attempt),
    [2, 1],
  );
  t.is((await call(t, 'GET', `/endpoints/${endpoint.id}/attempts?status=pending`)).status, 400);

  const stats = statsSchema.parse((await call(t, 'GET', `/endpoints/${endpoint.id}/stats`)).json);
  t.deepEqual(stats, {
    since: '2026-11-21T12:00:00.000Z',
    until: '2026-11-22T12:00:00.000Z',
    attempts: { total: 3, delivered: 1, retry: 2, gone: 0, failed: 0 },
    success_rate: 1 / 3,
    latency_ms: { p50: 200, p95: 290, p99: 298 },
    pending: { deliveries: 0, oldest_next_attempt_at: null },
    last_success_at: '2026-11-22T11:05:06.000Z',
    last_failure_at: '2026-11-22T11:00:06.000Z',
  });
  const later = statsSchema.parse(
    (await call(t, 'GET', `/endpoints/${endpoint.id}/stats?since=2026-11-22T11:05:00Z`)).json,
  );
  t.like(later, {
    attempts: { total: 1, delivered: 1 },
    success_rate: 1,
    latency_ms: { p50: 300, p99: 300 },
  });
  const future = await call(t, 'GET', `/endpoints/${endpoint.id}/stats?since=2026-11-22T13:00:00Z`);
  t.is(future.status, 400);
  t.deepEqual(fields(future), ['since']);
});

test('an endpoint without attempts has empty stats', async (t) => {
  const endpoint = await createEndpoint(t);
  const stats = statsSchema.parse((await call(t, 'GET', `/endpoints/${endpoint.id}/stats`)).json);
  t.like(stats, {
    attempts: { total: 0 },
    success_rate: null,
    latency_ms: { p50: null, p95: null, p99: null },
    last_success_at: null,
    last_failure_at: null,
  });
});

interface Queued {
  webhook_message_id: string;
  source: string;
  status: string;
  next_attempt_at: Date;
}

const queued = async (pool: Pool, endpointId: string) =>
  (
    await pool.query<Queued>(
      `SELECT webhook_message_id, source, status, next_attempt_at FROM webhook_deliveries
        WHERE endpoint_id = $1 ORDER BY id`,
      [endpointId],
    )
  ).rows;

test('resend enqueues the message’s matching webhooks, due now; nothing is delivered by the API', async (t) => {
  const { pool } = t.context;
  const endpoint = await createEndpoint(t, { event_types: ['message.sent', 'message.delivered'] });
  const messageId = randomUUID();
  const sent = await addWebhookMessage(pool, 'acme', messageId, 'message.sent', '2026-11-22T11:00:01Z');
  await addWebhookMessage(pool, 'acme', messageId, 'message.accepted', '2026-11-22T11:00:00Z');
  const delivered = await addWebhookMessage(
    pool,
    'acme',
    messageId,
    'message.delivered',
    '2026-11-22T11:00:02Z',
  );

  const answer = await call(t, 'POST', `/endpoints/${endpoint.id}/messages/${messageId}/resend`);
  t.is(answer.status, 202);
  t.deepEqual(answer.json, { enqueued: 2 });
  t.deepEqual(await queued(pool, endpoint.id), [
    { webhook_message_id: sent, source: 'resend', status: 'pending', next_attempt_at: new Date(NOW) },
    { webhook_message_id: delivered, source: 'resend', status: 'pending', next_attempt_at: new Date(NOW) },
  ]);

  const unknown = await call(t, 'POST', `/endpoints/${endpoint.id}/messages/${randomUUID()}/resend`);
  t.is(unknown.status, 404);
  t.is(problemOf(unknown).code, 'not_found');
  t.is((await call(t, 'POST', `/endpoints/${endpoint.id}/messages/not-a-uuid/resend`)).status, 404);
  const theirs = await createEndpoint(t, {}, 'other');
  const foreign = await call(t, 'POST', `/endpoints/${theirs.id}/messages/${messageId}/resend`, {
    tenant: 'other',
  });
  t.is(foreign.status, 404, 'another tenant’s message has no webhooks for this tenant');
  t.deepEqual(await queued(pool, theirs.id), []);
});

test('recover enqueues every matching webhook in [since, until); at most 30 days back', async (t) => {
  const { pool } = t.context;
  const endpoint = await createEndpoint(t, { event_types: ['message.failed'] });
  const add = (type: string, at: string) => addWebhookMessage(pool, 'acme', randomUUID(), type, at);
  await add('message.failed', '2026-11-20T09:59:59Z');
  const first = await add('message.failed', '2026-11-20T10:00:00Z');
  await add('message.sent', '2026-11-20T10:30:00Z');
  const second = await add('message.failed', '2026-11-21T08:00:00Z');
  await add('message.failed', '2026-11-21T09:00:00Z');

  const answer = await call(t, 'POST', `/endpoints/${endpoint.id}/recover`, {
    body: { since: '2026-11-20T10:00:00Z', until: '2026-11-21T09:00:00Z' },
  });
  t.is(answer.status, 202);
  t.deepEqual(answer.json, { enqueued: 2 });
  t.deepEqual(
    (await queued(pool, endpoint.id)).map((row) => [row.webhook_message_id, row.source, row.status]),
    [
      [first, 'recover', 'pending'],
      [second, 'recover', 'pending'],
    ],
  );
  const untilNow = await call(t, 'POST', `/endpoints/${endpoint.id}/recover`, {
    body: { since: '2026-11-21T08:30:00+01:00' },
  });
  t.deepEqual(untilNow.json, { enqueued: 2 }, 'until defaults to now; offsets are honoured');

  const tooOld = await call(t, 'POST', `/endpoints/${endpoint.id}/recover`, {
    body: { since: '2026-10-23T11:59:59Z' },
  });
  t.is(tooOld.status, 400);
  t.deepEqual(fields(tooOld), ['since']);
  const thirtyDays = await call(t, 'POST', `/endpoints/${endpoint.id}/recover`, {
    body: { since: '2026-10-23T12:00:00Z' },
  });
  t.is(thirtyDays.status, 202);
  const backwards = await call(t, 'POST', `/endpoints/${endpoint.id}/recover`, {
    body: { since: '2026-11-21T00:00:00Z', until: '2026-11-20T00:00:00Z' },
  });
  t.is(backwards.status, 400);
  const notATime = await call(t, 'POST', `/endpoints/${endpoint.id}/recover`, {
    body: { since: 'yesterday' },
  });
  t.deepEqual(fields(notATime), ['since']);
});

test('resend and recover refuse a disabled endpoint: 409, nothing enqueued', async (t) => {
  const { pool } = t.context;
  const endpoint = await createEndpoint(t);
  const messageId = randomUUID();
  await addWebhookMessage(pool, 'acme', messageId, 'message.sent', '2026-11-22T11:00:00Z');
  await call(t, 'PATCH', `/endpoints/${endpoint.id}`, { body: { enabled: false } });
  const resend = await call(t, 'POST', `/endpoints/${endpoint.id}/messages/${messageId}/resend`);
  t.is(resend.status, 409);
  t.is(problemOf(resend).code, 'webhook_endpoint_disabled');
  const recover = await call(t, 'POST', `/endpoints/${endpoint.id}/recover`, {
    body: { since: '2026-11-22T00:00:00Z' },
  });
  t.is(recover.status, 409);
  t.deepEqual(await queued(pool, endpoint.id), []);
});

test('an Idempotency-Key replays the creation instead of creating a second endpoint', async (t) => {
  const headers = { 'Idempotency-Key': randomUUID() };
  const body = { url: 'https://hooks.example.com/idempotent' };
  const first = await call(t, 'POST', '/endpoints', { body, headers });
  const again = await call(t, 'POST', '/endpoints', { body, headers });
  t.is(again.status, 201);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(again.json, first.json);
  const { rows } = await t.context.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM webhook_endpoints WHERE url = 'https://hooks.example.com/idempotent'",
  );
  t.is(rows[0]?.n, 1);
});
