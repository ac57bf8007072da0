import anyTest from 'ava';
import type { TestFn } from 'ava';
import type { TestStack } from '@herald/testkit';
import { messageSchema, problemSchema, timelineSchema } from '../src/response-schemas.js';
import { call, startApiStack, uniqueNumber, untilStatus } from './support/api.js';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await startApiStack();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

test('a scheduled message that is cancelled is never sent, while its twin is sent on time', async (t) => {
  const { stack } = t.context;
  const sendAt = new Date(Date.now() + 8000).toISOString();
  const send = async () => {
    const answer = await call(stack, 'POST', '/v1/messages', {
      body: { channel: 'sms', to: uniqueNumber(), text: 'later', send_at: sendAt },
    });
    t.is(answer.status, 202);
    return messageSchema.parse(answer.json);
  };
  const [doomed, twin] = [await send(), await send()];
  t.is(doomed.status, 'scheduled');
  // Like GET, cancel answers 404 until the read model has recorded the message.
  await untilStatus(stack, doomed.id, (s) => s === 'queued' || s === 'scheduled');

  const cancel = await call(stack, 'POST', `/v1/messages/${doomed.id}/cancel`);
  t.log('cancel answered', cancel.status, cancel.json.status, cancel.json.cancellation);
  t.true(
    [200, 202].includes(cancel.status),
    `cancel answered ${cancel.status}: ${JSON.stringify(cancel.json)}`,
  );
  const cancelled = messageSchema.parse(await untilStatus(stack, doomed.id, (s) => s === 'cancelled'));
  t.truthy(cancelled.cancel_requested_at);
  if (cancel.status === 200) t.is(messageSchema.parse(cancel.json).status, 'cancelled');

  // The twin shares the send time: once it is delivered, the cancelled one's time has passed too.
  await untilStatus(stack, twin.id, (s) => s === 'delivered', { timeoutMs: 60000 });
  const timeline = timelineSchema.parse((await call(stack, 'GET', `/v1/messages/${doomed.id}/events`)).json);
  const types = timeline.data.map((event) => event.type);
  t.true(types.includes('MessageCancelled'), types.join(', '));
  t.false(
    types.some((type) => ['MessageRouted', 'MessageSent', 'MessageDelivered'].includes(type)),
    types.join(', '),
  );
  t.is(messageSchema.parse((await call(stack, 'GET', `/v1/messages/${doomed.id}`)).json).status, 'cancelled');

  const again = await call(stack, 'POST', `/v1/messages/${doomed.id}/cancel`);
  t.is(again.status, 409);
  t.is(problemSchema.parse(again.json).code, 'message_not_cancellable');
});
