import { createHmac } from 'node:crypto';
import test from 'ava';
import pg from 'pg';
import type { ProviderConfig } from '@herald/config';
import { BatchingProducer, SchemaCatalog, createKafka } from '@herald/kafka';
import { createLogger, createMetricsRegistry } from '@herald/telemetry';
import { validate } from '@readme/openapi-parser';
import { createIngressApp } from '../src/app.js';
import { buildOpenApiDocument, openApiPath } from '../src/openapi.js';
import { whatsappCallbackOperations } from '../src/routes/whatsapp-callbacks.js';

const SECRET = 'test-app-secret';
const OTHER_SECRET = 'second-app-secret';
const VERIFY_TOKEN = 'test-verify-token';

const whatsapp = (id: string, phoneNumberId: string, appSecret: string): ProviderConfig => ({
  id,
  kind: 'whatsapp-cloud',
  channel: 'whatsapp',
  weight: 1,
  options: {
    baseUrl: 'http://127.0.0.1:1',
    apiVersion: 'v23.0',
    phoneNumberId,
    accessToken: 'token',
    appSecret,
    verifyToken: VERIFY_TOKEN,
    timeoutMs: 1000,
  },
});

/**
 * The real ingress app with clients that never connect (nothing listens on port 1). Every request
 * here is refused, or accepted without anything to record, before Postgres or Kafka would be used.
 */
function offlineApp() {
  const log = createLogger('test', 'silent');
  const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'offline-test', log });
  return createIngressApp({
    pool: new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }),
    producer: new BatchingProducer(kafka.producer(), { maxBatchRecords: 1, lingerMs: 0 }),
    catalog: new SchemaCatalog('http://127.0.0.1:1'),
    topics: { requested: 'requested', events: 'events' },
    providers: [
      whatsapp('wa-one', '111111111111111', SECRET),
      whatsapp('wa-two', '222222222222222', OTHER_SECRET),
    ],
    publicUrl: 'http://127.0.0.1:8080',
    maxBodyBytes: 64 * 1024,
    log,
    metrics: createMetricsRegistry('test'),
    ready: async () => [],
  });
}

const app = offlineApp();

/** Meta's signature, computed here with node:crypto, independently of the code under test. */
const sign = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

function statusWebhook(phoneNumberId: string, status: string): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000003', phone_number_id: phoneNumberId },
              statuses: [{ id: 'wamid.TEST', status, timestamp: '1750263773', recipient_id: '15558675310' }],
            },
          },
        ],
      },
    ],
  });
}

const post = (body: string, headers: Record<string, string> = {}) =>
  app.request('/providers/whatsapp/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

/** The stable code of a problem-details answer; throws when the answer is not one. */
async function problemCode(response: Response): Promise<string | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected problem+json, got ${type}`);
  return ((await response.json()) as { code?: string }).code;
}

test('GET with the verify token echoes hub.challenge as plain text', async (t) => {
  const response = await app.request(
    `/providers/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
  );
  t.is(response.status, 200);
  t.regex(response.headers.get('content-type') ?? '', /^text\/plain/);
  t.is(await response.text(), '1158201444');
});

for (const [what, query] of [
  ['a wrong verify token', `hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`],
  ['no verify token', `hub.mode=subscribe&hub.challenge=1`],
  ['another mode', `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
] as const) {
  test(`GET with ${what} is refused with 403 and no challenge`, async (t) => {
    const response = await app.request(`/providers/whatsapp/webhook?${query}`);
    t.is(response.status, 403);
    t.is(await problemCode(response), 'webhook_verification_failed');
  });
}

test('GET without hub.challenge is a 400', async (t) => {
  const response = await app.request(
    `/providers/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`,
  );
  t.is(response.status, 400);
  t.is(await problemCode(response), 'validation_failed');
});

test('a webhook signed with the app secret is accepted with 200', async (t) => {
  // A `sent` status records nothing, so this succeeds without Postgres or Kafka.
  const body = statusWebhook('111111111111111', 'sent');
  const response = await post(body, { 'x-hub-signature-256': sign(SECRET, body) });
  t.is(response.status, 200);
});

test("a webhook signed with the second app's secret is accepted too", async (t) => {
  const body = statusWebhook('222222222222222', 'sent');
  t.is((await post(body, { 'x-hub-signature-256': sign(OTHER_SECRET, body) })).status, 200);
});

test('a webhook without a signature gets 401 signature_missing', async (t) => {
  const response = await post(statusWebhook('111111111111111', 'delivered'));
  t.is(response.status, 401);
  t.is(await problemCode(response), 'signature_missing');
});

test('a tampered body gets 403 signature_invalid', async (t) => {
  const signed = statusWebhook('111111111111111', 'sent');
  const tampered = signed.replace('"sent"', '"read"');
  const response = await post(tampered, { 'x-hub-signature-256': sign(SECRET, signed) });
  t.is(response.status, 403);
  t.is(await problemCode(response), 'signature_invalid');
});

test('the signature covers the raw bytes: the same JSON re-serialized is refused', async (t) => {
  const signed = statusWebhook('111111111111111', 'sent');
  const reformatted = JSON.stringify(JSON.parse(signed), null, 2);
  const response = await post(reformatted, { 'x-hub-signature-256': sign(SECRET, signed) });
  t.is(response.status, 403);
});

test('a signature made with an unknown secret gets 403', async (t) => {
  const body = statusWebhook('111111111111111', 'delivered');
  const response = await post(body, { 'x-hub-signature-256': sign('someone-else', body) });
  t.is(response.status, 403);
  t.is(await problemCode(response), 'signature_invalid');
});

test('the signature is checked before the body is parsed', async (t) => {
  t.is((await post('not json at all')).status, 401);
  t.is((await post('not json at all', { 'x-hub-signature-256': sign('x', 'y') })).status, 403);
});

test('a signed body that is not JSON gets 400 malformed_json', async (t) => {
  const response = await post('{"object":', { 'x-hub-signature-256': sign(SECRET, '{"object":') });
  t.is(response.status, 400);
  t.is(await problemCode(response), 'malformed_json');
});

test('a signed body that is not a WhatsApp webhook gets 400 validation_failed', async (t) => {
  const body = JSON.stringify({ object: 'page', entry: [] });
  const response = await post(body, { 'x-hub-signature-256': sign(SECRET, body) });
  t.is(response.status, 400);
  t.is(await problemCode(response), 'validation_failed');
});

test("a status about a number another app owns is not recorded from this app's signature", async (t) => {
  // Signed by wa-one's secret but naming wa-two's number: ignored (nothing recorded, so no Postgres).
  const body = statusWebhook('222222222222222', 'delivered');
  t.is((await post(body, { 'x-hub-signature-256': sign(SECRET, body) })).status, 200);
});

test('the OpenAPI entries of these routes are valid and cover exactly what the app serves under /providers/whatsapp', async (t) => {
  const document = buildOpenApiDocument(
    { title: 'test', version: '1', description: 'test' },
    whatsappCallbackOperations,
  );
  const result = await validate(structuredClone(document) as Parameters<typeof validate>[0]);
  t.true(result.valid, JSON.stringify('errors' in result ? result.errors : []));
  const served = app.routes
    .filter((route) => route.method !== 'ALL' && route.path.startsWith('/providers/whatsapp'))
    .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`);
  t.deepEqual(
    served.sort(),
    whatsappCallbackOperations.map((op) => `${op.method} ${openApiPath(op.path)}`).sort(),
  );
});
