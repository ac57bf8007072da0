import anyTest from 'ava';
import type { TestFn } from 'ava';
import { startApp, waitFor, waitUntilReady } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';
import { messageSchema, timelineSchema } from '../src/response-schemas.js';
import { call, startApiStack, uniqueNumber, untilStatus } from './support/api.js';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await startApiStack();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

test('a message not sent within validity_seconds expires and is never sent', async (t) => {
  t.timeout(200_000);
  const { stack } = t.context;
  // With the router down nothing is sent; the shortest validity is 60 s.
  await stack.apps.get('router')?.stop();
  const answer = await call(stack, 'POST', '/v1/messages', {
    body: { channel: 'sms', to: uniqueNumber(), text: 'too late', validity_seconds: 60 },
  });
  t.is(answer.status, 202);
  const message = messageSchema.parse(answer.json);
  const expiresAt = Date.parse(message.expires_at ?? '');
  t.is(expiresAt, Date.parse(message.created_at ?? '') + 60_000);
  await waitFor('the validity to run out', () => Date.now() > expiresAt + 500, {
    timeoutMs: 70000,
    intervalMs: 500,
  });

  const router = startApp('router', stack.env);
  stack.apps.set('router', router);
  await waitUntilReady(router, `http://127.0.0.1:${stack.env.HERALD_ROUTER_OPS_PORT}/readyz`, 90000);
  const expired = messageSchema.parse(await untilStatus(stack, message.id, (s) => s !== 'queued'));
  t.is(expired.status, 'expired');
  t.is(expired.error?.code, 'expired');
  const types = timelineSchema
    .parse((await call(stack, 'GET', `/v1/messages/${message.id}/events`)).json)
    .data.map((e) => e.type);
  t.true(types.includes('MessageExpired'), types.join(', '));
  t.false(types.includes('MessageRouted'), types.join(', '));
});
