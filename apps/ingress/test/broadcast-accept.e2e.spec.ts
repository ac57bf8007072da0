import anyTest from 'ava';
import type { TestFn } from 'ava';
import { waitFor } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';
import {
  broadcastAcceptedSchema,
  broadcastSchema,
  messagePageSchema,
  problemSchema,
} from '../src/response-schemas.js';
import { call, createTenant, startApiStack, uniqueNumber } from './support/api.js';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await startApiStack();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

const broadcast = (stack: TestStack, body: Record<string, unknown>, key?: string) =>
  call(stack, 'POST', '/v1/broadcasts', { body: { channel: 'sms', text: 'hello all', ...body }, key });

test('duplicates are sent once, bad and opted-out recipients are rejected, counts follow the read model', async (t) => {
  const { stack } = t.context;
  const [a, b, c, blocked] = [uniqueNumber(), uniqueNumber(), uniqueNumber(), uniqueNumber()];
  await call(stack, 'POST', '/v1/opt-outs', { body: { recipient: blocked, channel: 'sms' } });
  const answer = await broadcast(stack, {
    recipients: [a, b, a, 'nope', c, blocked, b],
    text: 'a'.repeat(161),
  });
  t.is(answer.status, 202);
  const accepted = broadcastAcceptedSchema.parse(answer.json);
  t.like(accepted, {
    status: 'queued',
    accepted: 3,
    rejected: 2,
    parts: 2,
    encoding: 'GSM-7',
    cost: { credits: '0.06', micros: 60_000 },
  });
  t.deepEqual(accepted.rejected_recipients, [
    { index: 3, to: 'nope', code: 'invalid_recipient' },
    { index: 5, to: blocked, code: 'recipient_opted_out' },
  ]);
  t.is(answer.headers.get('location'), `/v1/broadcasts/${accepted.id}`);
  let last: unknown;
  t.teardown(() => t.log('last summary', last));
  const summary = await waitFor(
    'every message of the broadcast to reach the provider',
    async () => {
      const { status, json } = await call(stack, 'GET', `/v1/broadcasts/${accepted.id}`);
      const parsed = status === 200 ? broadcastSchema.parse(json) : undefined;
      last = json;
      const handedOver = (parsed?.counts.sent ?? 0) + (parsed?.counts.delivered ?? 0);
      return handedOver === 3 ? parsed : undefined;
    },
    { timeoutMs: 60000 },
  );
  t.like(summary, { id: accepted.id, channel: 'sms', total: 3 });
  t.is(
    Object.values(summary.counts).reduce((sum, n) => sum + n, 0),
    3,
  );
  const listed = messagePageSchema.parse(
    (await call(stack, 'GET', `/v1/messages?broadcast_id=${accepted.id}`)).json,
  );
  t.deepEqual(listed.data.map((message) => message.to).sort(), [a, b, c].sort());
  t.true(
    listed.data.every((message) => message.broadcast_id === accepted.id && message.cost.micros === 20_000),
  );

  const other = await createTenant(stack, 'bc-other');
  t.is((await call(stack, 'GET', `/v1/broadcasts/${accepted.id}`, { key: other })).status, 404);
});

test('a broadcast body may exceed the 1 MB global limit; more than 100,000 recipients is 400', async (t) => {
  const { stack } = t.context;
  const few = [uniqueNumber(), uniqueNumber(), uniqueNumber()];
  const recipients = Array.from({ length: 90_000 }, (_, i) => few[i % 3] ?? '');
  t.true(JSON.stringify(recipients).length > 1024 * 1024);
  const big = await broadcast(stack, { recipients, channel: 'sms' });
  t.is(big.status, 202);
  t.is(broadcastAcceptedSchema.parse(big.json).accepted, 3);
  const tooMany = await broadcast(stack, { recipients: Array.from({ length: 100_001 }, () => few[0]) });
  t.is(tooMany.status, 400);
  t.deepEqual(
    problemSchema.parse(tooMany.json).errors?.map((error) => error.field),
    ['recipients'],
  );
});

test('402 when the balance does not cover every accepted message; scheduled broadcasts say so', async (t) => {
  const { stack } = t.context;
  const key = await createTenant(stack, 'bc-budget', '0.02');
  const short = await broadcast(stack, { recipients: [uniqueNumber(), uniqueNumber(), uniqueNumber()] }, key);
  t.is(short.status, 402);
  t.is(problemSchema.parse(short.json).code, 'insufficient_credits');
  const sendAt = new Date(Date.now() + 3_600_000).toISOString();
  const later = broadcastAcceptedSchema.parse(
    (await broadcast(stack, { recipients: [uniqueNumber()], send_at: sendAt }, key)).json,
  );
  t.like(later, { status: 'scheduled', send_at: sendAt, accepted: 1 });
});
