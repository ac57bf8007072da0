// Issue 7's metrics acceptance: a whole Herald (with the webhooks dispatcher) takes a known load,
// including provider failures, webhook retries and one poison record, and every app's /metrics is
// then checked against what Kafka, the event store, the read models and the ledger say happened.
// A second test checks that every metric the Grafana dashboard queries is exposed by some app.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import pg from 'pg';
import { topics as topicNames } from '@herald/contracts';
import type { Topics } from '@herald/contracts';
import { createKafka } from '@herald/kafka';
import { createLogger } from '@herald/telemetry';
import {
  freePort,
  repoRoot,
  requireServices,
  samplesOf,
  scrapeMetrics,
  startApp,
  startStack,
  sumOf,
  waitFor,
  waitUntilReady,
} from '@herald/testkit';
import type { MetricsExposition, TestServices, TestStack } from '@herald/testkit';

const APPS = ['ingress', 'router', 'sender', 'projector', 'webhooks'] as const;
type App = (typeof APPS)[number];
type Scrape = Record<App, MetricsExposition>;

interface Context {
  services: TestServices;
  stack: TestStack;
  db: pg.Pool;
  receiver: Server;
  metricsUrls: Record<App, string>;
  topics: Topics;
}

const test = anyTest as TestFn<Context>;
const MESSAGES = 40;
// The lag gauge is cached this long (ConsumerLag's default) and more: counters unchanged over it,
// with lag 0 everywhere, means nothing is in flight any more.
const QUIET_MS = 6000;

test.before(async (t) => {
  const services = await requireServices();
  const stack = await startStack(services, {
    env: {
      HERALD_RETRY_DELAYS_MS: '100,200,400',
      HERALD_RETRY_MAX_ATTEMPTS: '8',
      HERALD_RATE_LIMIT_PER_SECOND: '1000',
      HERALD_RATE_LIMIT_BURST: '1000',
      HERALD_LOG_LEVEL: 'warn',
      // Failures are the point here, not circuits: every routed message must reach its provider.
      HERALD_CIRCUIT_FAILURE_RATE: '0.99',
      HERALD_CIRCUIT_CONSECUTIVE_FAILURES: '1000',
      HERALD_WEBHOOK_RETRY_SCHEDULE: '0,200ms,400ms,800ms',
      HERALD_WEBHOOK_POLL_MS: '50',
    },
    simulatorEnv: {
      SIM_TEMPORARY_FAILURE_RATE: '0.2',
      SIM_PERMANENT_FAILURE_RATE: '0.15',
      SIM_LATENCY_MS: '5',
      SIM_CALLBACK_DELAY_MS: '20',
      SIM_SEED: '7',
    },
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  // Before any traffic: the dispatcher starts at the log end, so it then sees every record.
  const webhooksOps = await freePort();
  const webhooks = startApp('webhooks', { ...stack.env, HERALD_WEBHOOKS_OPS_PORT: String(webhooksOps) });
  stack.apps.set('webhooks', webhooks);
  const ops = (port: string | undefined) => `http://127.0.0.1:${port}/metrics`;
  t.context = {
    services,
    stack,
    db,
    receiver: await startFlakyReceiver(),
    metricsUrls: {
      ingress: `${stack.baseUrl}/metrics`,
      router: ops(stack.env.HERALD_ROUTER_OPS_PORT),
      sender: ops(stack.env.HERALD_SENDER_OPS_PORT),
      projector: ops(stack.env.HERALD_PROJECTOR_OPS_PORT),
      webhooks: ops(String(webhooksOps)),
    },
    topics: topicNames(stack.topicPrefix),
  };
  await waitUntilReady(webhooks, `http://127.0.0.1:${webhooksOps}/readyz`, 90_000);
});

test.after.always(async (t) => {
  await t.context.db?.end();
  await new Promise((resolve) => t.context.receiver?.close(resolve));
  await t.context.stack?.stop();
});

/** A webhook endpoint that answers 500 to the first attempt of every third webhook and 200 otherwise. */
async function startFlakyReceiver(): Promise<Server> {
  const seen = new Set<string>();
  let count = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const id = String(request.headers['webhook-id'] ?? '');
      const first = !seen.has(id);
      seen.add(id);
      if (first && count++ % 3 === 0) response.writeHead(500).end('try again');
      else response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function scrapeAll(urls: Record<App, string>): Promise<Scrape> {
  const entries = await Promise.all(APPS.map(async (app) => [app, await scrapeMetrics(urls[app])] as const));
  return Object.fromEntries(entries) as Scrape;
}

const total = (scrape: Scrape, name: string, labels: Record<string, string> = {}) =>
  APPS.reduce((sum, app) => sum + sumOf(scrape[app], name, labels), 0);

/** Every group's consumer-lag series, as `group topic[partition] = lag`. */
function lagSeries(scrape: Scrape): Map<string, number> {
  const series = new Map<string, number>();
  for (const app of APPS)
    for (const sample of samplesOf(scrape[app], 'herald_kafka_consumer_lag'))
      series.set(`${sample.labels.group} ${sample.labels.topic}[${sample.labels.partition}]`, sample.value);
  return series;
}

/** Which topics each consumer group reads, as the apps configure them. */
function consumedTopics(topics: Topics, prefix: string): Record<string, string[]> {
  const messageTopics = [
    topics.requested,
    topics.dispatchExpress,
    topics.dispatchNormal,
    ...topics.retries,
    topics.events,
  ];
  return {
    [`${prefix}herald-router`]: [topics.requested],
    [`${prefix}herald-sender-express`]: [topics.dispatchExpress],
    [`${prefix}herald-sender`]: [topics.dispatchNormal, ...topics.retries],
    [`${prefix}herald-projector`]: messageTopics,
    [`${prefix}herald-dlq-projector`]: [topics.dlq],
    [`${prefix}herald-webhooks`]: messageTopics,
  };
}

async function rowsOf<T extends Record<string, unknown>>(db: pg.Pool, sql: string): Promise<T[]> {
  return (await db.query<T>(sql)).rows;
}

test.serial(
  'after a run, every app’s /metrics agrees with Kafka, the event store, the read models and the ledger',
  async (t) => {
    t.timeout(300_000);
    const { stack, db, receiver, metricsUrls, topics } = t.context;
    const auth = { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' };
    const { port } = receiver.address() as AddressInfo;
    const endpoint = await fetch(`${stack.baseUrl}/v1/webhooks/endpoints`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/hooks`, event_types: [] }),
    });
    t.is(endpoint.status, 201);

    for (let chunk = 0; chunk < MESSAGES / 10; chunk++) {
      const statuses = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const n = chunk * 10 + i;
          const response = await fetch(`${stack.baseUrl}/v1/messages`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({
              channel: 'sms',
              to: `+1415555${String(n).padStart(4, '0')}`,
              text: `metrics ${n}`,
            }),
          });
          await response.body?.cancel();
          return response.status;
        }),
      );
      t.deepEqual(
        statuses,
        Array.from({ length: 10 }, () => 202),
      );
    }
    // One record no consumer can decode, straight onto a consumed topic: the router dead-letters it.
    const kafka = createKafka({
      brokers: t.context.services.kafkaBrokers,
      clientId: 'metrics-e2e',
      log: createLogger('metrics-e2e', 'error'),
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.requested,
      messages: [{ key: '+14155559999', value: Buffer.from('poison') }],
    });
    await producer.disconnect();

    await waitFor(
      'every message to reach a terminal status',
      async () => {
        const [row] = await rowsOf<{ n: string }>(
          db,
          `SELECT count(*) AS n FROM messages WHERE status IN ('delivered', 'failed', 'undelivered')`,
        );
        return Number(row?.n) === MESSAGES;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );

    const groups = consumedTopics(topics, stack.topicPrefix);
    let quietSince = 0;
    let fingerprint = '';
    const scrape = await waitFor(
      'every group at lag 0, no webhook pending, and no counter moving for a while',
      async () => {
        const now = await scrapeAll(metricsUrls);
        const lags = lagSeries(now);
        const everyGroup = Object.keys(groups).every((group) =>
          [...lags.keys()].some((key) => key.startsWith(`${group} `)),
        );
        const settled =
          everyGroup &&
          [...lags.values()].every((lag) => lag === 0) &&
          sumOf(now.webhooks, 'herald_webhook_deliveries_pending') === 0;
        const current = JSON.stringify([
          total(now, 'herald_kafka_produced_records_total'),
          total(now, 'herald_kafka_consumed_records_total'),
          total(now, 'herald_webhook_attempts_total'),
        ]);
        if (!settled || current !== fingerprint) {
          fingerprint = current;
          quietSince = Date.now();
          return undefined;
        }
        return Date.now() - quietSince >= QUIET_MS ? now : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

    // HTTP: exactly one 202 per message, under the route pattern.
    t.is(
      sumOf(scrape.ingress, 'herald_http_requests_total', {
        method: 'POST',
        route: '/v1/messages',
        status: '202',
      }),
      MESSAGES,
    );
    t.is(
      sumOf(scrape.ingress, 'herald_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/messages',
      }),
      MESSAGES,
    );
    t.is(
      sumOf(scrape.ingress, 'herald_http_requests_total', { route: '/v1/webhooks/endpoints', status: '201' }),
      1,
    );

    // Produced and consumed: the ingress wrote one accepted record per message, and every group read
    // exactly what all apps produced on each of its topics (plus the poison record on requested).
    t.is(sumOf(scrape.ingress, 'herald_kafka_produced_records_total', { topic: topics.requested }), MESSAGES);
    for (const [group, groupTopics] of Object.entries(groups))
      for (const topic of groupTopics) {
        const produced = total(scrape, 'herald_kafka_produced_records_total', { topic });
        const expected = produced + (topic === topics.requested ? 1 : 0);
        t.is(
          total(scrape, 'herald_kafka_consumed_records_total', { group, topic }),
          expected,
          `${group} read ${topic}`,
        );
      }
    t.is(total(scrape, 'herald_kafka_produce_failed_records_total'), 0);

    // Lag: a series per partition of every topic of every group, all 0.
    const lags = lagSeries(scrape);
    const partitions = Number(stack.env.HERALD_PARTITIONS);
    const expectedSeries = Object.values(groups).reduce((sum, list) => sum + list.length * partitions, 0);
    t.is(lags.size, expectedSeries);
    t.deepEqual(
      [...lags].filter(([, lag]) => lag !== 0),
      [],
    );

    // DLQ: exactly the one poison record, dead-lettered by the router, recorded by the projector.
    const router = `${stack.topicPrefix}herald-router`;
    t.is(
      sumOf(scrape.router, 'herald_kafka_dead_lettered_records_total', {
        group: router,
        topic: topics.requested,
      }),
      1,
    );
    t.is(total(scrape, 'herald_kafka_dead_lettered_records_total'), 1);
    t.is(total(scrape, 'herald_kafka_produced_records_total', { topic: topics.dlq }), 1);
    t.is(sumOf(scrape.projector, 'herald_dlq_records', { state: 'pending' }), 1);
    t.is(sumOf(scrape.projector, 'herald_dlq_records', { state: 'replayed' }), 0);
    const [dead] = await rowsOf<{ n: string }>(db, 'SELECT count(*) AS n FROM dead_letters');
    t.is(Number(dead?.n), 1);
    // The projector and the dispatcher met it too, and only skipped it.
    for (const group of [`${stack.topicPrefix}herald-projector`, `${stack.topicPrefix}herald-webhooks`])
      t.is(total(scrape, 'herald_kafka_poison_records_total', { group, topic: topics.requested }), 1, group);

    // Providers: one attempt per routing decision in the event store, sends as the provider-health
    // read model counts them, failures the rest; every answered call timed.
    const routed = await rowsOf<{ provider: string; n: string }>(
      db,
      `SELECT data->>'providerId' AS provider, count(*) AS n FROM events WHERE type = 'MessageRouted' GROUP BY 1`,
    );
    const health = await rowsOf<{ provider: string; sent: string }>(
      db,
      'SELECT provider_id AS provider, sum(sent) AS sent FROM provider_health_minutely GROUP BY 1',
    );
    t.true(routed.length > 0);
    t.log(`routed per provider: ${JSON.stringify(routed)}; lag series: ${lags.size}`);
    for (const { provider, n } of routed) {
      const attempts = (outcome?: string) =>
        sumOf(scrape.sender, 'herald_provider_attempts_total', {
          provider,
          channel: 'sms',
          ...(outcome ? { outcome } : {}),
        });
      t.is(attempts(), Number(n), `${provider}: attempts`);
      t.is(
        attempts('sent'),
        Number(health.find((row) => row.provider === provider)?.sent ?? 0),
        `${provider}: sent`,
      );
      t.is(
        sumOf(scrape.sender, 'herald_provider_failures_total', { provider }),
        attempts() - attempts('sent'),
      );
      t.is(sumOf(scrape.sender, 'herald_provider_latency_seconds_count', { provider }), attempts());
    }
    t.true(
      total(scrape, 'herald_provider_attempts_total', { outcome: 'retryable_failure' }) > 0,
      'temporary failures happened',
    );
    t.true(
      total(scrape, 'herald_provider_attempts_total', { outcome: 'permanent_failure' }) > 0,
      'permanent failures happened',
    );
    const circuits = samplesOf(scrape.sender, 'herald_provider_circuit_state');
    t.true(circuits.some((sample) => sample.labels.provider === 'twilio-primary'));
    t.true(
      circuits.every((sample) => sample.value === 0),
      'no circuit opened',
    );

    // Webhooks: attempts by outcome as the attempt log has them, retries included.
    const logged = await rowsOf<{ outcome: string; n: string }>(
      db,
      'SELECT outcome, count(*) AS n FROM webhook_attempts GROUP BY 1',
    );
    t.log(`webhook attempts: ${JSON.stringify(logged)}`);
    t.true(
      logged.some((row) => row.outcome === 'retry'),
      'some webhooks were retried',
    );
    for (const { outcome, n } of logged)
      t.is(
        sumOf(scrape.webhooks, 'herald_webhook_attempts_total', { outcome }),
        Number(n),
        `webhook ${outcome}`,
      );
    t.is(
      sumOf(scrape.webhooks, 'herald_webhook_attempts_total'),
      logged.reduce((sum, row) => sum + Number(row.n), 0),
    );

    // Credits: captures and releases as the ledger has them; nothing held once every message ended.
    const ledger = await rowsOf<{ kind: string; amount: string }>(
      db,
      'SELECT kind, sum(amount) AS amount FROM ledger_entries WHERE message_id IS NOT NULL GROUP BY 1',
    );
    const amount = (kind: string) => Number(ledger.find((row) => row.kind === kind)?.amount ?? 0);
    t.true(amount('credits_captured') > 0);
    t.is(
      sumOf(scrape.projector, 'herald_credits_captured_micros_total', { channel: 'sms' }),
      amount('credits_captured'),
    );
    t.is(
      sumOf(scrape.projector, 'herald_credits_released_micros_total', { channel: 'sms' }),
      amount('credits_released'),
    );
    t.is(
      sumOf(scrape.projector, 'herald_credits_held_micros'),
      amount('credits_held') - amount('credits_captured') - amount('credits_released'),
    );
    t.is(sumOf(scrape.projector, 'herald_credits_held_micros'), 0);
    t.log(`ledger: ${JSON.stringify(ledger)}`);
  },
);

/** Metric names in a PromQL expression: every identifier of Herald's namespace. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\bherald_[a-zA-Z0-9_:]*/g)].map((match) => match[0]);
}

/** The family a sample name belongs to: histograms expose `_bucket`, `_sum` and `_count`. */
function familyOf(name: string, families: Map<string, string>): string | undefined {
  if (families.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const type = families.get(base);
  return type === 'histogram' || type === 'summary' ? base : undefined;
}

interface DashboardPanel {
  title: string;
  type: string;
  datasource?: { uid?: string };
  targets?: { expr: string }[];
}

test.serial('every metric the Grafana dashboard queries is exposed by some app', async (t) => {
  const dashboard = JSON.parse(
    readFileSync(join(repoRoot, 'infra', 'grafana', 'herald-dashboard.json'), 'utf8'),
  ) as {
    panels: DashboardPanel[];
    templating: { list: { name: string; type: string; query: string }[] };
  };
  t.like(
    dashboard.templating.list.find((variable) => variable.name === 'datasource'),
    { type: 'datasource', query: 'prometheus' },
    'the Prometheus datasource is a variable',
  );
  const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
  for (const panel of panels)
    t.is(panel.datasource?.uid, '${datasource}', `${panel.title} uses the variable`);

  const families = new Map<string, string>();
  for (const exposition of Object.values(await scrapeAll(t.context.metricsUrls)))
    for (const [name, type] of exposition.families) families.set(name, type);
  const referenced = new Set(
    panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricNames(target.expr))),
  );
  t.true(referenced.size >= 20, `the dashboard queries ${referenced.size} metrics`);
  const missing = [...referenced].filter((name) => familyOf(name, families) === undefined);
  t.deepEqual(missing, [], 'queried but exposed by no app');
});
