import { randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { Kafka, logLevel } from 'kafkajs';
import type { InfraEndpoints } from '../src/index.js';
import { ensureInfrastructure, infrastructureStatus } from '../src/index.js';

const test = anyTest as TestFn<{ endpoints: InfraEndpoints }>;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

test.before(async (t) => {
  t.context.endpoints = await ensureInfrastructure({ log: (line) => t.log(line) });
});

test('kafka: a record produced with acks=-1 to a new topic is consumed back', async (t) => {
  const kafka = new Kafka({
    clientId: 'infra-test',
    brokers: t.context.endpoints.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = `infra-test-${randomUUID()}`;
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const consumer = kafka.consumer({ groupId: `infra-test-${randomUUID()}` });
  t.teardown(async () => {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  await admin.connect();
  t.true(
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    }),
  );

  await producer.connect();
  const [written] = await producer.send({ topic, acks: -1, messages: [{ key: 'greeting', value: 'hello' }] });
  t.is(written?.errorCode, 0);

  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received = new Promise<{ key: string; value: string; offset: string }>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) =>
          resolve({ key: String(message.key), value: String(message.value), offset: message.offset }),
      })
      .catch(reject);
  });
  t.deepEqual(await within(received, 30_000, 'no record consumed'), {
    key: 'greeting',
    value: 'hello',
    offset: '0',
  });
});

test('registry: BACKWARD is global and refuses an incompatible Avro change with 409', async (t) => {
  const url = t.context.endpoints.schemaRegistryUrl;
  const subject = `infra-test-${randomUUID()}-value`;
  t.teardown(async () => {
    await call(url, `/subjects/${subject}`, 'DELETE');
    await call(url, `/subjects/${subject}?permanent=true`, 'DELETE');
  });

  t.like((await call(url, '/config')).body, { compatibilityLevel: 'BACKWARD' });

  const id = { name: 'id', type: 'string' };
  const first = await register(url, subject, [id]);
  t.is(first.status, 200);

  const requiredWithoutDefault = await register(url, subject, [id, { name: 'channel', type: 'string' }]);
  t.is(requiredWithoutDefault.status, 409, JSON.stringify(requiredWithoutDefault.body));

  const optionalWithDefault = await register(url, subject, [
    id,
    { name: 'note', type: ['null', 'string'], default: null },
  ]);
  t.is(optionalWithDefault.status, 200, JSON.stringify(optionalWithDefault.body));

  t.deepEqual((await call(url, `/subjects/${subject}/versions`)).body, [1, 2]);
});

test('ensureInfrastructure a second time is harmless and fast', async (t) => {
  const before = await infrastructureStatus();
  const started = performance.now();
  const again = await ensureInfrastructure({ log: (line) => t.log(line) });
  const elapsedMs = performance.now() - started;
  const after = await infrastructureStatus();

  t.deepEqual(again, t.context.endpoints);
  t.true(elapsedMs < 5_000, `took ${Math.round(elapsedMs)} ms`);
  t.deepEqual(
    after.map((service) => [service.name, service.pid]),
    before.map((service) => [service.name, service.pid]),
    'the same processes keep running',
  );
  t.true(after.every((service) => service.ready));
});

function register(
  url: string,
  subject: string,
  fields: unknown[],
): Promise<{ status: number; body: unknown }> {
  const schema = { type: 'record', name: 'Probe', namespace: 'dev.herald.infra.test', fields };
  return call(url, `/subjects/${subject}/versions`, 'POST', { schema: JSON.stringify(schema) });
}

async function call(
  url: string,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { Accept: CONTENT_TYPE, 'Content-Type': CONTENT_TYPE },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** Fails instead of hanging when the condition never comes. */
async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
