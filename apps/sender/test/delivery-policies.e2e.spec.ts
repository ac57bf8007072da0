import anyTest from 'ava';
import type { TestFn } from 'ava';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { freePort, requireServices, startApp, startStack, waitFor, waitUntilReady } from '@herald/testkit';
import type { AppProcess, TestStack } from '@herald/testkit';

interface Context {
  stack: TestStack;
  fake: { server: Server; arrivals: number[] };
  db: pg.Pool;
}
const test = anyTest as TestFn<Context>;

const RETRY_DELAYS = [300, 1500, 3000]; // above the simulator's Retry-After of 1 s from the second tier on
const ADMIN_TOKEN = `hadm_${randomBytes(24).toString('base64url')}`;
const MAX_ATTEMPTS = 4;
const METERED_MPS = 20;

async function startSimulator(env: Record<string, string>): Promise<{ app: AppProcess; url: string }> {
  const port = await freePort();
  const app = startApp('provider-sim', {
    SIM_HTTP_PORT: String(port),
    SIM_SMPP_PORT: '0',
    SIM_LOG_LEVEL: 'warn',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(app, `${url}/healthz`);
  return { app, url };
}

/** A Twilio-shaped endpoint that only answers 201 and notes when each request arrived. */
async function startFakeTwilio(): Promise<{ server: Server; arrivals: number[]; url: string }> {
  const arrivals: number[] = [];
  const server = createServer((request, response) => {
    arrivals.push(performance.now());
    request.resume();
    request.on('end', () => {
      response.writeHead(201, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ sid: `SM${randomBytes(16).toString('hex')}`, status: 'queued' }));
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, arrivals, url: `http://127.0.0.1:${port}` };
}

function twilio(id: string, baseUrl: string, extra: Record<string, unknown>) {
  return {
    id,
    kind: 'twilio',
    channel: 'sms',
    weight: 1,
    options: {
      baseUrl,
      accountSid: 'ACherald0000000000000000000000000',
      authToken: 'dev-twilio-auth-token',
      from: '+15550000009',
    },
    ...extra,
  };
}

let pendingCleanup: (() => Promise<void>) | undefined;

test.before(async (t) => {
  const services = await requireServices();
  const started = Promise.all([
    startSimulator({ SIM_TEMPORARY_FAILURE_RATE: '1', SIM_SEED: '1' }),
    startSimulator({ SIM_PERMANENT_FAILURE_RATE: '1', SIM_SEED: '2' }),
    startSimulator({ SIM_TEMPORARY_FAILURE_RATE: '0.6', SIM_SEED: '7' }),
    startFakeTwilio(),
  ]);
  // Cleaned up by after.always even if the stack below fails to start.
  pendingCleanup = async () => {
    const [flakySim, refusingSim, recoveringSim, fakeServer] = await started;
    await Promise.all([flakySim.app.stop(), refusingSim.app.stop(), recoveringSim.app.stop()]);
    fakeServer.server.close();
  };
  const [flaky, refusing, recovering, fake] = await started;
  // Destination prefixes steer each scenario to its providers deterministically.
  const file = join(mkdtempSync(join(tmpdir(), 'herald-providers-')), 'providers.json');
  const healthy = '${HERALD_TWILIO_BASE_URL}';
  writeFileSync(
    file,
    JSON.stringify({
      providers: [
        twilio('healthy', healthy, { prefixes: ['+1'] }),
        twilio('flaky', flaky.url, { prefixes: ['+44'] }),
        twilio('refusing', refusing.url, { prefixes: ['+33'] }),
        // Its failures are the point of its test: its breaker must not open.
        twilio('recovering', recovering.url, {
          prefixes: ['+61'],
          circuit: { consecutiveFailures: 1000, failureRate: 1 },
        }),
        twilio('dead-49', flaky.url, { prefixes: ['+49'], weight: 9 }),
        twilio('healthy-49', healthy, { prefixes: ['+49'], weight: 1 }),
        twilio('metered', fake.url, { prefixes: ['+81'], mps: METERED_MPS }),
      ],
    }),
  );
  const stack = await startStack(services, {
    env: {
      HERALD_PROVIDERS_FILE: file,
      HERALD_RETRY_DELAYS_MS: RETRY_DELAYS.join(','),
      HERALD_RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      HERALD_RETRY_JITTER: '0',
      HERALD_CIRCUIT_CONSECUTIVE_FAILURES: '3',
      HERALD_CIRCUIT_OPEN_MS: '120000',
      HERALD_RATE_LIMIT_PER_SECOND: '1000',
      HERALD_RATE_LIMIT_BURST: '1000',
      HERALD_ADMIN_TOKEN: ADMIN_TOKEN,
    },
  });
  t.context = {
    stack,
    fake: { server: fake.server, arrivals: fake.arrivals },
    db: new pg.Pool({ connectionString: stack.databaseUrl, max: 3 }),
  };
});

test.after.always(async (t) => {
  await t.context.db?.end();
  await t.context.stack?.stop();
  await pendingCleanup?.();
});

async function send(stack: TestStack, to: string, text = 'policy test'): Promise<string> {
  const response = await fetch(`${stack.baseUrl}/v1/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ channel: 'sms', to, text }),
  });
  const body = (await response.json()) as { id: string };
  if (response.status !== 202) throw new Error(`send failed: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}

interface Row {
  id: string;
  status: string;
  provider_id: string | null;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
}

async function settled(db: pg.Pool, ids: string[], statuses: string[], timeoutMs = 60000): Promise<Row[]> {
  return waitFor(
    `${ids.length} messages to reach ${statuses.join('/')}`,
    async () => {
      const { rows } = await db.query<Row>(
        'SELECT id, status, provider_id, attempts, error_code, error_message FROM messages WHERE id = ANY($1::uuid[])',
        [ids],
      );
      return rows.length === ids.length && rows.every((row) => statuses.includes(row.status))
        ? rows
        : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

const number = (prefix: string, i: number) => `${prefix}${String(5550000 + i).padStart(9, '0')}`;

test('temporary failures are retried with growing delays and end delivered', async (t) => {
  const { stack, db } = t.context;
  // 30 messages at a 60% failure rate: the chance that none needs 3+ attempts and succeeds is below 0.1%.
  const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => send(stack, number('+61', i))));
  const rows = await settled(db, ids, ['delivered', 'failed']);
  const retried = rows.filter((row) => row.attempts >= 3 && row.status === 'delivered');
  t.true(retried.length > 0, 'some messages needed three attempts or more and were delivered');
  for (const row of retried) {
    const { rows: attempts } = await db.query<{
      attempt: number;
      occurred: string;
      not_before: string | null;
    }>(
      `SELECT (data->>'attempt')::int AS attempt, (data->>'occurredAt') AS occurred, (data->>'notBefore') AS not_before
         FROM events WHERE stream_id = $1 AND type = 'MessageRouted' ORDER BY (data->>'attempt')::int`,
      [row.id],
    );
    const waits = attempts.slice(1).map((a) => Number(a.not_before) - Number(a.occurred));
    // Each wait is its tier's delay, or longer when the provider's 429 said Retry-After: 1.
    const [first = 0, second = 0] = waits;
    t.true(first >= (RETRY_DELAYS[0] ?? 0) && second >= (RETRY_DELAYS[1] ?? 0), `waits ${waits.join(', ')}`);
    t.true(second > first, `delays grow: ${waits.join(', ')}`);
  }
  const exhausted = rows.filter((row) => row.status === 'failed');
  for (const row of exhausted) t.is(row.attempts, MAX_ATTEMPTS);
});

test('a message no provider serves (destination prefix) ends failed with no_route, without a provider call', async (t) => {
  const { stack, db } = t.context;
  const [row] = await settled(db, [await send(stack, number('+86', 1))], ['failed']);
  t.is(row?.error_code, 'no_route');
  t.is(row?.attempts, 0);
});

test('permanent failures end failed with the provider error code, without retries', async (t) => {
  const { stack, db } = t.context;
  const ids = await Promise.all([0, 1, 2].map((i) => send(stack, number('+33', i))));
  const rows = await settled(db, ids, ['failed']);
  for (const row of rows) {
    t.is(row.error_code, 'twilio_21211');
    t.is(row.attempts, 1);
    t.is(row.provider_id, 'refusing');
  }
});

test('exhausted retries end failed with the last error', async (t) => {
  const { stack, db } = t.context;
  const ids = await Promise.all([0, 1].map((i) => send(stack, number('+44', i))));
  const rows = await settled(db, ids, ['failed']);
  for (const row of rows) {
    t.is(row.attempts, MAX_ATTEMPTS);
    t.regex(row.error_message ?? '', /gave up after 4 attempts/);
  }
});

test('a failing provider opens its circuit and its traffic moves to the others', async (t) => {
  const { stack, db } = t.context;
  const first = await Promise.all(Array.from({ length: 10 }, (_, i) => send(stack, number('+49', i))));
  const firstRows = await settled(db, first, ['delivered']);
  t.true(
    firstRows.every((row) => row.provider_id === 'healthy-49'),
    'failed over to the healthy provider',
  );
  await waitFor('the circuit of dead-49 to be recorded open', async () => {
    const { rows } = await db.query(
      `SELECT 1 FROM provider_circuits WHERE provider_id = 'dead-49' AND state = 'open'`,
    );
    return rows.length > 0;
  });
  // The router reads open circuits every second; after that, new traffic goes straight to healthy-49.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const later = await Promise.all(Array.from({ length: 20 }, (_, i) => send(stack, number('+49', 100 + i))));
  const laterRows = await settled(db, later, ['delivered']);
  t.true(
    laterRows.every((row) => row.provider_id === 'healthy-49' && row.attempts === 1),
    'no attempt on the open circuit',
  );
});

test('per-provider messages per second are never exceeded (measured at the provider)', async (t) => {
  const { stack, db, fake } = t.context;
  const ids = await Promise.all(Array.from({ length: 80 }, (_, i) => send(stack, number('+81', i))));
  await settled(db, ids, ['sent']);
  const arrivals = [...fake.arrivals].sort((a, b) => a - b);
  t.is(arrivals.length, 80);
  // The fake provider runs in this test process, whose event loop a busy machine stalls too: arrivals
  // it records late look bunched. The windows allow for 100 ms of that (900 ms, not 1,000); the
  // gate's spacing itself is checked exactly in rate-gate.unit.spec.ts.
  const window = 900;
  let busiest = 0;
  for (let i = 0, j = 0; i < arrivals.length; i++) {
    while ((arrivals[i] ?? 0) - (arrivals[j] ?? 0) >= window) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  t.log(
    `busiest ${window} ms window: ${busiest} requests (limit ${METERED_MPS}/s); 80 took ${Math.round((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0))} ms`,
  );
  t.true(busiest <= METERED_MPS);
  // And the whole run never went faster than the limit.
  t.true((arrivals.length - 1) / (((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000) <= METERED_MPS);
});

test('a poison record goes to the DLQ with its reason and the sender keeps going', async (t) => {
  const { stack, db } = t.context;
  const kafka = new Kafka({ brokers: stack.env.KAFKA_BROKERS?.split(',') ?? [], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const dispatch = `${stack.topicPrefix}herald.message.dispatch.normal`;
  await producer.send({
    topic: dispatch,
    messages: [{ key: '+15550000777', value: Buffer.from('not avro at all') }],
  });
  await producer.disconnect();
  const id = await send(stack, number('+1', 777));
  await settled(db, [id], ['delivered']);
  const consumer = kafka.consumer({ groupId: `dlq-check-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topic: `${stack.topicPrefix}herald.message.dlq`, fromBeginning: true });
  const found = new Promise<Record<string, string>>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        if (headers['herald-dlq-source-topic'] === dispatch)
          resolve({ ...headers, value: String(message.value) });
      },
    });
  });
  const headers = await waitFor('the poison record in the DLQ', () =>
    Promise.race([found, new Promise<undefined>((r) => setTimeout(() => r(undefined), 500))]),
  );
  await consumer.disconnect();
  t.is(headers['herald-dlq-code'], 'not_confluent_wire_format');
  t.is(headers.value, 'not avro at all');
  t.truthy(headers['herald-dlq-reason']);

  // Operators see it with its reason, and can put it back on its source topic.
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  interface Letter {
    id: string;
    code: string;
    reason: string;
    source: { topic: string };
    value_excerpt: string;
    headers: Record<string, string>;
    replayed_at: string | null;
  }
  const list = async () =>
    (
      (await (await fetch(`${stack.baseUrl}/v1/admin/dlq`, { headers: admin })).json()) as { data: Letter[] }
    ).data.filter((letter) => letter.source.topic === dispatch);
  const [letter] = await waitFor('the dead letter in GET /v1/admin/dlq', async () => {
    const letters = await list();
    return letters.length > 0 ? letters : undefined;
  });
  t.like(letter, { code: 'not_confluent_wire_format', value_excerpt: 'not avro at all' });
  t.truthy(letter?.reason);
  t.is(
    (await fetch(`${stack.baseUrl}/v1/admin/dlq`, { headers: { Authorization: `Bearer ${stack.apiKey}` } }))
      .status,
    403,
  );
  const replay = await fetch(`${stack.baseUrl}/v1/admin/dlq/${letter?.id}/replay`, {
    method: 'POST',
    headers: admin,
  });
  t.is(replay.status, 202);
  // Still undecodable, it comes back to the DLQ, marked as a replay of the first.
  const again = await waitFor('the replayed record to be dead-lettered again', async () =>
    (await list()).find((l) => l.headers['herald-replayed-from'] === `dlq:${letter?.id}`),
  );
  t.is(again.code, 'not_confluent_wire_format');
  t.truthy((await list()).find((l) => l.id === letter?.id)?.replayed_at);
  t.is(
    (await fetch(`${stack.baseUrl}/v1/admin/dlq/999999999/replay`, { method: 'POST', headers: admin }))
      .status,
    404,
  );
});
