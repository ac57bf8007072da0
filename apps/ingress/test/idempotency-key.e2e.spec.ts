import { createHash, randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { createKafka } from '@herald/kafka';
import { createLogger } from '@herald/telemetry';
import type { TestStack } from '@herald/testkit';
import {
  batchResultSchema,
  broadcastAcceptedSchema,
  messageSchema,
  problemSchema,
} from '../src/response-schemas.js';
import { call, createTenant, query, startApiStack, uniqueNumber, untilStatus } from './support/api.js';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await startApiStack();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

const post = (stack: TestStack, path: string, body: unknown, key: string, apiKey?: string) =>
  call(stack, 'POST', path, { body, key: apiKey, headers: { 'Idempotency-Key': key } });

/** Records ever written to the requested topic: what a repeat must not add to. */
async function requestedRecords(stack: TestStack): Promise<number> {
  const kafka = createKafka({
    brokers: (stack.env.KAFKA_BROKERS ?? '').split(','),
    clientId: 'idempotency-test',
    log: createLogger('test', 'silent'),
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(`${stack.topicPrefix}herald.message.requested`);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

test.serial('a repeat with the same key and body replays the answer and creates nothing', async (t) => {
  const { stack } = t.context;
  const reference = randomUUID();
  const body = { channel: 'sms', to: uniqueNumber(), text: 'once', client_reference: reference };
  const key = randomUUID();
  const first = await post(stack, '/v1/messages', body, key);
  t.is(first.status, 202);
  t.is(first.headers.get('idempotent-replayed'), null);
  const written = await requestedRecords(stack);
  const repeat = await post(stack, '/v1/messages', body, key);
  t.is(repeat.status, 202);
  t.is(repeat.headers.get('idempotent-replayed'), 'true');
  t.is(repeat.headers.get('location'), first.headers.get('location'));
  t.deepEqual(repeat.json, first.json, 'the original answer, byte for byte');
  t.is(await requestedRecords(stack), written, 'nothing new in Kafka');
  const id = messageSchema.parse(first.json).id;
  await untilStatus(stack, id, (s) => s === 'delivered');
  const rows = await query<{ id: string }>(stack, 'SELECT id FROM messages WHERE client_reference = $1', [
    reference,
  ]);
  t.deepEqual(
    rows.map((row) => row.id),
    [id],
    'one message in the read model',
  );
});

test.serial('batch and broadcast repeats replay too', async (t) => {
  const { stack } = t.context;
  const batch = {
    messages: [
      { channel: 'sms', to: uniqueNumber(), text: 'b1' },
      { channel: 'sms', to: 'bad', text: 'b2' },
    ],
  };
  const broadcast = { channel: 'sms', recipients: [uniqueNumber(), uniqueNumber()], text: 'bc' };
  const batchKey = randomUUID();
  const broadcastKey = randomUUID();
  const firstBatch = batchResultSchema.parse((await post(stack, '/v1/messages/batch', batch, batchKey)).json);
  const firstBroadcast = broadcastAcceptedSchema.parse(
    (await post(stack, '/v1/broadcasts', broadcast, broadcastKey)).json,
  );
  const written = await requestedRecords(stack);
  const again = await post(stack, '/v1/messages/batch', batch, batchKey);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(batchResultSchema.parse(again.json), firstBatch);
  const againBroadcast = await post(stack, '/v1/broadcasts', broadcast, broadcastKey);
  t.is(againBroadcast.headers.get('idempotent-replayed'), 'true');
  t.is(broadcastAcceptedSchema.parse(againBroadcast.json).id, firstBroadcast.id);
  t.is(await requestedRecords(stack), written);
});

test('the same key with another body is 422 idempotency_key_reused and creates nothing', async (t) => {
  const { stack } = t.context;
  const key = randomUUID();
  const to = uniqueNumber();
  t.is((await post(stack, '/v1/messages', { channel: 'sms', to, text: 'one' }, key)).status, 202);
  const conflict = await post(stack, '/v1/messages', { channel: 'sms', to, text: 'two' }, key);
  t.is(conflict.status, 422);
  t.is(problemSchema.parse(conflict.json).code, 'idempotency_key_reused');
  const elsewhere = await post(
    stack,
    '/v1/messages/batch',
    { messages: [{ channel: 'sms', to, text: 'one' }] },
    key,
  );
  t.is(elsewhere.status, 422, 'a key names one request, path included');
});

test('a repeat while the first request still runs is 409 idempotency_in_progress', async (t) => {
  const { stack } = t.context;
  const key = randomUUID();
  const body = JSON.stringify({ channel: 'sms', to: uniqueNumber(), text: 'slow' });
  // The row a running request holds: claimed, no response yet.
  const hash = createHash('sha256').update('POST\n/v1/messages\n').update(body).digest();
  await query(
    stack,
    `INSERT INTO idempotency_keys (tenant_id, idempotency_key, request_hash, seed, expires_at)
     VALUES ('demo', $1, $2, $3, now() + interval '1 hour')`,
    [key, hash, randomUUID()],
  );
  const response = await fetch(`${stack.baseUrl}/v1/messages`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${stack.apiKey}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': key,
    },
    body,
  });
  t.is(response.status, 409);
  t.is(response.headers.get('retry-after'), '1');
  t.is(problemSchema.parse(await response.json()).code, 'idempotency_in_progress');
});

test('keys are per tenant, expire, and are freed by an error answer; over 255 characters is 400', async (t) => {
  const { stack } = t.context;
  const body = { channel: 'sms', to: uniqueNumber(), text: 'scoped' };
  const key = randomUUID();
  const mine = messageSchema.parse((await post(stack, '/v1/messages', body, key)).json);
  const otherKey = await createTenant(stack, 'idem-other', '10');
  const theirs = await post(stack, '/v1/messages', body, key, otherKey);
  t.is(theirs.status, 202);
  t.not(messageSchema.parse(theirs.json).id, mine.id);

  await query(
    stack,
    `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE idempotency_key = $1`,
    [key],
  );
  const afterExpiry = await post(stack, '/v1/messages', body, key);
  t.is(afterExpiry.headers.get('idempotent-replayed'), null);
  t.not(messageSchema.parse(afterExpiry.json).id, mine.id, 'an expired key starts afresh');

  const failedKey = randomUUID();
  t.is((await post(stack, '/v1/messages', { ...body, to: 'nope' }, failedKey)).status, 400);
  t.is(
    (await post(stack, '/v1/messages', body, failedKey)).status,
    202,
    'a 400 created nothing and kept nothing',
  );

  const tooLong = await post(stack, '/v1/messages', body, 'k'.repeat(256));
  t.is(tooLong.status, 400);
  t.deepEqual(
    problemSchema.parse(tooLong.json).errors?.map((error) => error.field),
    ['Idempotency-Key'],
  );
  t.is((await post(stack, '/v1/messages', body, 'k'.repeat(255))).status, 202);
});
