import anyTest from 'ava';
import type { TestFn } from 'ava';
import { Hono } from 'hono';
import { addProviderHealth, createPool, migrate } from '@herald/store';
import type { Pool, ProviderHealthRow } from '@herald/store';
import { createTestDatabase, requireServices } from '@herald/testkit';
import { renderProblem, toProblem } from '../src/problems.js';
import { adminProviderHealthRoutes } from '../src/routes/admin-provider-health.js';

const test = anyTest as TestFn<{ pool: Pool; drop: () => Promise<void>; app: Hono }>;

const TOKEN = 'hadm_provider-health-token-0123456789';
const NOW = Date.parse('2026-11-22T12:00:30Z');
const PATH = '/v1/admin/providers/health';
const at = (time: string) => Date.parse(`2026-11-22T${time}:00Z`);
const row = (providerId: string, time: string, figures: Partial<ProviderHealthRow>): ProviderHealthRow => ({
  providerId,
  minute: at(time),
  sent: 0,
  failed: 0,
  delivered: 0,
  undelivered: 0,
  latencyMsSum: 0,
  latencyMsMax: 0,
  ...figures,
});

// The default range, the hour before NOW, holds the minutes 11:01 to 12:00.
const ROWS = [
  row('twilio', '11:00', { sent: 7, latencyMsSum: 700, latencyMsMax: 100 }),
  row('twilio', '11:01', {
    sent: 3,
    failed: 1,
    delivered: 2,
    undelivered: 1,
    latencyMsSum: 100,
    latencyMsMax: 50,
  }),
  row('smpp', '11:01', { delivered: 4 }),
  row('smpp', '12:00', { failed: 2 }),
  row('twilio', '12:00', { sent: 2, latencyMsSum: 91, latencyMsMax: 60 }),
  row('twilio', '12:01', { sent: 1, latencyMsSum: 10, latencyMsMax: 10 }),
];

test.before(async (t) => {
  const database = await createTestDatabase(await requireServices());
  const pool = createPool(database.url, 2);
  // An idle connection the server closes (dropping the throwaway database) must not crash the run.
  pool.on('error', () => undefined);
  await migrate(pool);
  const client = await pool.connect();
  try {
    await addProviderHealth(client, ROWS);
  } finally {
    client.release();
  }
  const app = new Hono();
  app.onError((error, c) => renderProblem(c, toProblem(error)));
  app.route(PATH, adminProviderHealthRoutes({ pool, adminToken: TOKEN, clock: () => NOW }));
  t.context = { pool, drop: database.drop, app };
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.drop?.();
});

interface Figures {
  sent: number;
  failed: number;
  delivered: number;
  undelivered: number;
  attempts: number;
  failure_rate: number | null;
  latency_ms: { avg: number | null; max: number | null };
}
interface HealthPage {
  from: string;
  to: string;
  data: (Figures & { provider_id: string; minute: string })[];
  totals: (Figures & { provider_id: string })[];
}

async function get(app: Hono, query = '', token: string | null = TOKEN) {
  return app.request(`${PATH}${query}`, {
    headers: token === null ? {} : { Authorization: `Bearer ${token}` },
  });
}

async function page(app: Hono, query = ''): Promise<HealthPage> {
  const response = await get(app, query);
  if (response.status !== 200) throw new Error(`${query}: ${response.status} ${await response.text()}`);
  return (await response.json()) as HealthPage;
}

const minutes = (health: HealthPage) =>
  health.data.map((item) => `${item.provider_id} ${item.minute.slice(11, 16)}`);

test('the admin token is required', async (t) => {
  const anonymous = await get(t.context.app, '', null);
  t.is(anonymous.status, 401);
  t.is(((await anonymous.json()) as { code: string }).code, 'unauthenticated');
  t.is((await get(t.context.app, '', 'hk_a-tenant-key')).status, 403);
});

test('by default: the last 60 minutes, by minute then provider, with derived figures', async (t) => {
  const health = await page(t.context.app);
  t.is(health.from, '2026-11-22T11:00:30.000Z');
  t.is(health.to, '2026-11-22T12:00:30.000Z');
  t.deepEqual(minutes(health), ['smpp 11:01', 'twilio 11:01', 'smpp 12:00', 'twilio 12:00']);
  t.deepEqual(health.data[1], {
    provider_id: 'twilio',
    minute: '2026-11-22T11:01:00.000Z',
    sent: 3,
    failed: 1,
    delivered: 2,
    undelivered: 1,
    attempts: 4,
    failure_rate: 0.25,
    latency_ms: { avg: 33.3, max: 50 },
  });
  t.like(health.data[0], { attempts: 0, failure_rate: null, latency_ms: { avg: null, max: null } });
  t.like(health.data[2], { attempts: 2, failure_rate: 1, latency_ms: { avg: null, max: null } });
  t.like(health.data[3], { failure_rate: 0, latency_ms: { avg: 45.5, max: 60 } });
});

test('totals sum each provider over the range', async (t) => {
  const { totals } = await page(t.context.app);
  t.deepEqual(totals, [
    {
      provider_id: 'smpp',
      sent: 0,
      failed: 2,
      delivered: 4,
      undelivered: 0,
      attempts: 2,
      failure_rate: 1,
      latency_ms: { avg: null, max: null },
    },
    {
      provider_id: 'twilio',
      sent: 5,
      failed: 1,
      delivered: 2,
      undelivered: 1,
      attempts: 6,
      failure_rate: 1 / 6,
      latency_ms: { avg: 38.2, max: 60 },
    },
  ]);
});

test('an explicit range includes minutes from `from` and stops before `to`; offsets are honoured', async (t) => {
  const health = await page(t.context.app, '?from=2026-11-22T13:00:00%2B02:00&to=2026-11-22T12:01:00Z');
  t.is(health.from, '2026-11-22T11:00:00.000Z');
  t.is(health.to, '2026-11-22T12:01:00.000Z');
  t.deepEqual(minutes(health), ['twilio 11:00', 'smpp 11:01', 'twilio 11:01', 'smpp 12:00', 'twilio 12:00']);
  t.like(health.totals[1], { provider_id: 'twilio', sent: 12, latency_ms: { avg: 74.3, max: 100 } });

  const only = await page(t.context.app, '?from=2026-11-22T11:00:00Z&to=2026-11-22T11:01:00Z');
  t.deepEqual(minutes(only), ['twilio 11:00']);
  const latest = await page(t.context.app, '?to=2026-11-22T12:02:00Z');
  t.is(latest.from, '2026-11-22T11:02:00.000Z', '`from` defaults to 60 minutes before `to`');
  t.deepEqual(minutes(latest), ['smpp 12:00', 'twilio 12:00', 'twilio 12:01']);
});

test('`provider` keeps one provider; an unknown one has no figures', async (t) => {
  const smpp = await page(t.context.app, '?provider=smpp');
  t.deepEqual(minutes(smpp), ['smpp 11:01', 'smpp 12:00']);
  t.deepEqual(
    smpp.totals.map((total) => total.provider_id),
    ['smpp'],
  );
  const unknown = await page(t.context.app, '?provider=nobody');
  t.deepEqual([unknown.data, unknown.totals], [[], []]);
});

test('a range of exactly 24 hours is accepted', async (t) => {
  const health = await page(t.context.app, '?from=2026-11-21T12:00:00Z&to=2026-11-22T12:00:00Z');
  t.deepEqual(minutes(health), ['twilio 11:00', 'smpp 11:01', 'twilio 11:01']);
});

const invalid: [string, string, string][] = [
  ['a time that is not ISO 8601', '?from=yesterday', 'from'],
  ['a day that does not exist', '?to=2026-02-30T00:00:00Z', 'to'],
  ['from equal to to', '?from=2026-11-22T11:00:00Z&to=2026-11-22T11:00:00Z', 'from'],
  ['from after to', '?from=2026-11-22T12:00:00Z&to=2026-11-22T11:00:00Z', 'from'],
  ['more than 24 hours', '?from=2026-11-21T11:59:00Z&to=2026-11-22T12:00:00Z', 'from'],
  ['an unknown parameter', '?provider_id=smpp', '(query)'],
];

for (const [name, query, field] of invalid) {
  test(`400 validation_failed for ${name}`, async (t) => {
    const response = await get(t.context.app, query);
    t.is(response.status, 400);
    t.is(response.headers.get('content-type'), 'application/problem+json');
    const problem = (await response.json()) as { code: string; errors: { field: string }[] };
    t.is(problem.code, 'validation_failed');
    t.deepEqual(
      problem.errors.map((error) => error.field),
      [field],
    );
  });
}
