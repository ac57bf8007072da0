import test from 'ava';
import pg from 'pg';
import type { ProviderConfig } from '@herald/config';
import { BatchingProducer, SchemaCatalog, createKafka } from '@herald/kafka';
import { createLogger, createMetricsRegistry } from '@herald/telemetry';
import { validate } from '@readme/openapi-parser';
import { createIngressApp } from '../src/app.js';
import { buildOpenApiDocument, openApiPath } from '../src/openapi.js';
import { telegramCallbackOperations } from '../src/routes/telegram-callbacks.js';

const SECRET = 'test-telegram-secret_1';

const bot: ProviderConfig = {
  id: 'telegram-bot',
  kind: 'telegram',
  channel: 'telegram',
  weight: 1,
  options: { baseUrl: 'http://127.0.0.1:1', botToken: '1:abc', webhookSecretToken: SECRET, timeoutMs: 1000 },
};

/** The real ingress app with clients that never connect: nothing here may need Postgres or Kafka. */
function offlineApp() {
  const log = createLogger('test', 'silent');
  const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'offline-test', log });
  return createIngressApp({
    pool: new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }),
    producer: new BatchingProducer(kafka.producer(), { maxBatchRecords: 1, lingerMs: 0 }),
    catalog: new SchemaCatalog('http://127.0.0.1:1'),
    topics: { requested: 'requested', events: 'events' },
    providers: [bot],
    publicUrl: 'http://127.0.0.1:8080',
    maxBodyBytes: 64 * 1024,
    log,
    metrics: createMetricsRegistry('test'),
    ready: async () => [],
  });
}

const app = offlineApp();

const update = (text: string) =>
  JSON.stringify({
    update_id: 123456,
    message: {
      message_id: 7,
      from: { id: 42, is_bot: false, first_name: 'A' },
      chat: { id: 42, type: 'private' },
      date: 1,
      text,
    },
  });

const post = (body: string, headers: Record<string, string> = {}, query = '') =>
  app.request(`/providers/telegram/webhook${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

async function problemCode(response: Response): Promise<string | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected problem+json, got ${type}`);
  return ((await response.json()) as { code?: string }).code;
}

test('an update with the secret token is accepted with 200', async (t) => {
  t.is((await post(update('hello'), { 'x-telegram-bot-api-secret-token': SECRET })).status, 200);
});

test('an update without the secret token gets 401 signature_missing', async (t) => {
  const response = await post(update('hello'));
  t.is(response.status, 401);
  t.is(await problemCode(response), 'signature_missing');
});

for (const token of ['wrong', `${SECRET}x`, SECRET.slice(0, -1), SECRET.toUpperCase()]) {
  test(`an update with the secret token '${token}' gets 403 signature_invalid`, async (t) => {
    const response = await post(update('hello'), { 'x-telegram-bot-api-secret-token': token });
    t.is(response.status, 403);
    t.is(await problemCode(response), 'signature_invalid');
  });
}

test('the token is checked before the body is read', async (t) => {
  t.is((await post('garbage')).status, 401);
  t.is((await post('garbage', { 'x-telegram-bot-api-secret-token': 'wrong' })).status, 403);
});

test('an authentic body that is not JSON gets 400 malformed_json', async (t) => {
  const response = await post('{"update_id":', { 'x-telegram-bot-api-secret-token': SECRET });
  t.is(response.status, 400);
  t.is(await problemCode(response), 'malformed_json');
});

test('an authentic body that is not an Update gets 400 validation_failed', async (t) => {
  const response = await post('{"message":{}}', { 'x-telegram-bot-api-secret-token': SECRET });
  t.is(response.status, 400);
  t.is(await problemCode(response), 'validation_failed');
});

test('updates that carry no keyword are answered 200 without touching the opt-out list', async (t) => {
  // Postgres is unreachable here: a lookup or write would answer 500.
  const headers = { 'x-telegram-bot-api-secret-token': SECRET };
  t.is((await post(update('what time is it?'), headers, '?tenant_id=demo')).status, 200);
  t.is(
    (await post('{"update_id":9,"edited_message":{"chat":{"id":1},"text":"x"}}', headers, '?tenant_id=demo'))
      .status,
    200,
  );
  t.is(
    (await post(update('/stop'), headers)).status,
    200,
    'without a tenant in the URL, STOP is only logged',
  );
});

test('the OpenAPI entries of these routes are valid and cover exactly what the app serves under /providers/telegram', async (t) => {
  const document = buildOpenApiDocument(
    { title: 'test', version: '1', description: 'test' },
    telegramCallbackOperations,
  );
  const result = await validate(structuredClone(document) as Parameters<typeof validate>[0]);
  t.true(result.valid, JSON.stringify('errors' in result ? result.errors : []));
  const served = app.routes
    .filter((route) => route.method !== 'ALL' && route.path.startsWith('/providers/telegram'))
    .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`);
  t.deepEqual(
    served.sort(),
    telegramCallbackOperations.map((op) => `${op.method} ${openApiPath(op.path)}`).sort(),
  );
});
