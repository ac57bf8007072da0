import anyTest from 'ava';
import type { TestFn } from 'ava';
import type { TestStack } from '@herald/testkit';
import { batchResultSchema, problemSchema } from '../src/response-schemas.js';
import { call, createTenant, startApiStack, uniqueNumber, untilStatus } from './support/api.js';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await startApiStack();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

const batch = (stack: TestStack, messages: unknown, key?: string) =>
  call(stack, 'POST', '/v1/messages/batch', { body: { messages }, key });

test('bad items are rejected in place and never fail the others; every accepted message exists', async (t) => {
  const { stack } = t.context;
  const blocked = uniqueNumber();
  await call(stack, 'POST', '/v1/opt-outs', { body: { recipient: blocked } });
  const answer = await batch(stack, [
    { channel: 'sms', to: uniqueNumber(), text: 'fine' },
    { channel: 'sms', to: '12345', text: 'bad number' },
    { channel: 'sms', to: uniqueNumber(), text: 'typo', sned_at: 'now' },
    { channel: 'sms', to: blocked, text: 'opted out' },
    { channel: 'sms', to: uniqueNumber(), text: 'late', send_at: '2001-01-01T00:00:00Z' },
    'not even an object',
    { channel: 'sms', to: uniqueNumber(), text: 'a'.repeat(200), priority: 'express' },
    {
      channel: 'telegram',
      to: '@heraldnews',
      text: 'fine too',
      send_at: new Date(Date.now() + 86_400_000).toISOString(),
    },
  ]);
  t.is(answer.status, 202);
  const result = batchResultSchema.parse(answer.json);
  t.is(result.accepted, 3);
  t.is(result.rejected, 5);
  t.deepEqual(
    result.results.map((item) => ('id' in item ? [item.index, item.status] : [item.index, item.error.code])),
    [
      [0, 'queued'],
      [1, 'validation_failed'],
      [2, 'validation_failed'],
      [3, 'recipient_opted_out'],
      [4, 'validation_failed'],
      [5, 'validation_failed'],
      [6, 'queued'],
      [7, 'scheduled'],
    ],
  );
  const fieldsOf = (index: number) => {
    const item = result.results[index];
    return item && !('id' in item) ? item.error.errors?.map((error) => error.field) : undefined;
  };
  t.deepEqual(fieldsOf(1), ['to']);
  t.deepEqual(fieldsOf(2), ['(body)']);
  t.deepEqual(fieldsOf(4), ['send_at']);
  t.like(result.results[6], { parts: 2, encoding: 'GSM-7', priority: 'express' });
  for (const item of result.results) {
    if (!('id' in item)) continue;
    await untilStatus(stack, item.id, () => true); // it reached Kafka and the read model
  }
  t.pass();
});

test('the envelope is checked as a whole: more than 1000 items is 400, exactly 1000 is fine', async (t) => {
  const { stack } = t.context;
  const item = { channel: 'telegram', to: '100200300', text: 'bulk' };
  const tooMany = await batch(
    stack,
    Array.from({ length: 1001 }, () => item),
  );
  t.is(tooMany.status, 400);
  t.deepEqual(
    problemSchema.parse(tooMany.json).errors?.map((error) => error.field),
    ['messages'],
  );
  const full = batchResultSchema.parse(
    (
      await batch(
        stack,
        Array.from({ length: 1000 }, () => item),
      )
    ).json,
  );
  t.is(full.accepted, 1000);
  t.is(
    new Set(full.results.map((each) => ('id' in each ? each.id : ''))).size,
    1000,
    'each item is its own message',
  );
});

test('items are paid for in order while the balance lasts', async (t) => {
  const { stack } = t.context;
  const key = await createTenant(stack, 'batch-budget', '0.02');
  const sms = () => ({ channel: 'sms', to: uniqueNumber(), text: 'paid' });
  const result = batchResultSchema.parse((await batch(stack, [sms(), sms(), sms()], key)).json);
  t.deepEqual(
    result.results.map((item) => ('id' in item ? 'accepted' : item.error.code)),
    ['accepted', 'accepted', 'insufficient_credits'],
  );
});
