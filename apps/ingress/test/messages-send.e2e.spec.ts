import anyTest from 'ava';
import type { TestFn } from 'ava';
import type { TestStack } from '@herald/testkit';
import { messageSchema, problemSchema } from '../src/response-schemas.js';
import { addCredits, call, createTenant, startApiStack, uniqueNumber, untilStatus } from './support/api.js';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await startApiStack();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

const send = (stack: TestStack, body: Record<string, unknown>, key?: string) =>
  call(stack, 'POST', '/v1/messages', {
    body: { channel: 'sms', to: uniqueNumber(), text: 'hi', ...body },
    key,
  });

test('a long GSM-7 text is two parts, priced per part, and the answer matches the document', async (t) => {
  const { stack } = t.context;
  const accepted = await send(stack, { text: 'a'.repeat(160) + '€' }); // € counts double: 162 septets
  t.is(accepted.status, 202);
  const message = messageSchema.parse(accepted.json);
  t.like(message, {
    status: 'queued',
    parts: 2,
    encoding: 'GSM-7',
    cost: { credits: '0.02', micros: 20_000 },
  });
  t.is(accepted.headers.get('location'), `/v1/messages/${message.id}`);
  const delivered = messageSchema.parse(await untilStatus(stack, message.id, (s) => s === 'delivered'));
  t.like(delivered, {
    parts: 2,
    encoding: 'GSM-7',
    cost: { micros: 20_000 },
    send_at: null,
    broadcast_id: null,
  });
});

test('a text outside GSM-7 is UCS-2: 70 units per single part, 67 when concatenated', async (t) => {
  const { stack } = t.context;
  t.like((await send(stack, { text: 'ж'.repeat(70) })).json, { encoding: 'UCS-2', parts: 1 });
  t.like((await send(stack, { text: 'ж'.repeat(71) })).json, { encoding: 'UCS-2', parts: 2 });
  t.like((await send(stack, { text: '😀'.repeat(35) })).json, { encoding: 'UCS-2', parts: 1 }, '70 units');
  t.like(
    (await send(stack, { text: '😀'.repeat(36) })).json,
    { encoding: 'UCS-2', parts: 2 },
    'emoji are 2 units',
  );
  t.like((await send(stack, { channel: 'telegram', to: '123456', text: 'ж'.repeat(500) })).json, {
    parts: 1,
    encoding: null,
    cost: { micros: 0 },
  });
});

test('send_at schedules the message, validity counts from it; times out of range are 400', async (t) => {
  const { stack } = t.context;
  const sendAt = new Date(Date.now() + 3_600_000);
  const scheduled = await send(stack, { send_at: sendAt.toISOString(), validity_seconds: 600 });
  t.is(scheduled.status, 202);
  t.like(messageSchema.parse(scheduled.json), {
    status: 'scheduled',
    send_at: sendAt.toISOString(),
    expires_at: new Date(sendAt.getTime() + 600_000).toISOString(),
  });
  const cases: [string, Record<string, unknown>, string][] = [
    ['past', { send_at: new Date(Date.now() - 1000).toISOString() }, 'send_at'],
    ['31 days ahead', { send_at: new Date(Date.now() + 31 * 86_400_000).toISOString() }, 'send_at'],
    ['not ISO', { send_at: 'tomorrow' }, 'send_at'],
    ['validity too short', { validity_seconds: 59 }, 'validity_seconds'],
    ['validity too long', { validity_seconds: 259_201 }, 'validity_seconds'],
    ['sms text too long', { text: 'x'.repeat(1601) }, 'text'],
  ];
  for (const [name, body, field] of cases) {
    const answer = await send(stack, body);
    t.is(answer.status, 400, name);
    const problem = problemSchema.parse(answer.json);
    t.is(problem.code, 'validation_failed', name);
    t.deepEqual(
      problem.errors?.map((error) => error.field),
      [field],
      name,
    );
  }
});

test('a recipient on the opt-out list is refused with 422, on its channel only', async (t) => {
  const { stack } = t.context;
  const to = uniqueNumber();
  t.is((await call(stack, 'POST', '/v1/opt-outs', { body: { recipient: to, channel: 'sms' } })).status, 201);
  const refused = await send(stack, { to });
  t.is(refused.status, 422);
  t.is(problemSchema.parse(refused.json).code, 'recipient_opted_out');
  t.is((await send(stack, { channel: 'whatsapp', to })).status, 202, 'the opt-out was for sms only');
  t.is((await call(stack, 'DELETE', `/v1/opt-outs/${encodeURIComponent(to)}`)).status, 204);
  t.is((await send(stack, { to })).status, 202);
});

test('402 when the balance does not cover the price; free messages pass; credits unblock', async (t) => {
  const { stack } = t.context;
  const key = await createTenant(stack, 'poor');
  const refused = await send(stack, { text: 'x' }, key);
  t.is(refused.status, 402);
  const problem = problemSchema.parse(refused.json);
  t.is(problem.code, 'insufficient_credits');
  t.regex(problem.detail ?? '', /costs 0\.01 credits and 0 are available/);
  t.is((await send(stack, { channel: 'telegram', to: '424242', text: 'free' }, key)).status, 202);
  await addCredits(stack, 'poor', '0.01');
  t.is((await send(stack, { text: 'x' }, key)).status, 202);
  t.is((await send(stack, { text: 'a'.repeat(161) }, key)).status, 402, 'two parts cost 0.02');
});

test('malformed, mistyped, unknown and oversize input on every new endpoint is a 4xx problem, never 500', async (t) => {
  const { stack } = t.context;
  const raw = (method: string, path: string, body: string) =>
    fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
      body: method === 'GET' ? undefined : body,
    });
  const oneMessage = { channel: 'sms', to: '+14155550100', text: 'x' };
  const cases: [string, Promise<Response>, number, string][] = [
    ['batch malformed', raw('POST', '/v1/messages/batch', '{"messages":['), 400, 'malformed_json'],
    ['batch not an array', raw('POST', '/v1/messages/batch', '{"messages":{}}'), 400, 'validation_failed'],
    [
      'batch unknown field',
      raw('POST', '/v1/messages/batch', JSON.stringify({ messages: [oneMessage], x: 1 })),
      400,
      'validation_failed',
    ],
    ['batch empty', raw('POST', '/v1/messages/batch', '{"messages":[]}'), 400, 'validation_failed'],
    [
      'batch oversize',
      raw(
        'POST',
        '/v1/messages/batch',
        JSON.stringify({ messages: [{ ...oneMessage, text: 'x'.repeat(1_100_000) }] }),
      ),
      413,
      'payload_too_large',
    ],
    ['broadcast malformed', raw('POST', '/v1/broadcasts', '['), 400, 'malformed_json'],
    [
      'broadcast wrong types',
      raw('POST', '/v1/broadcasts', JSON.stringify({ channel: 'sms', recipients: [1, 2], text: 'x' })),
      400,
      'validation_failed',
    ],
    [
      'broadcast unknown field',
      raw(
        'POST',
        '/v1/broadcasts',
        JSON.stringify({ channel: 'sms', recipients: ['+14155550100'], text: 'x', to: 'y' }),
      ),
      400,
      'validation_failed',
    ],
    [
      'broadcast oversize',
      raw(
        'POST',
        '/v1/broadcasts',
        JSON.stringify({ channel: 'sms', recipients: [], text: 'x'.repeat(17 * 1024 * 1024) }),
      ),
      413,
      'payload_too_large',
    ],
    ['opt-out malformed', raw('POST', '/v1/opt-outs', '{'), 400, 'malformed_json'],
    ['opt-out wrong type', raw('POST', '/v1/opt-outs', '{"recipient":5}'), 400, 'validation_failed'],
    [
      'opt-out unknown field',
      raw('POST', '/v1/opt-outs', '{"recipient":"+14155550100","why":"x"}'),
      400,
      'validation_failed',
    ],
    ['list bad status', raw('GET', '/v1/messages?status=lost', ''), 400, 'validation_failed'],
    ['list bad limit', raw('GET', '/v1/messages?limit=500', ''), 400, 'validation_failed'],
    ['list unknown filter', raw('GET', '/v1/messages?colour=red', ''), 400, 'validation_failed'],
    ['list bad time', raw('GET', '/v1/messages?created_after=yesterday', ''), 400, 'validation_failed'],
    ['list bad cursor', raw('GET', '/v1/messages?cursor=bm9wZQ', ''), 400, 'validation_failed'],
    ['opt-out list bad cursor', raw('GET', '/v1/opt-outs?cursor=%%%', ''), 400, 'validation_failed'],
    [
      'cancel unknown',
      raw('POST', '/v1/messages/00000000-0000-4000-8000-000000000000/cancel', ''),
      404,
      'not_found',
    ],
    ['broadcast unknown', raw('GET', '/v1/broadcasts/not-an-id', ''), 404, 'not_found'],
    [
      'timeline unknown',
      raw('GET', '/v1/messages/00000000-0000-4000-8000-000000000000/events', ''),
      404,
      'not_found',
    ],
  ];
  for (const [name, pending, status, code] of cases) {
    const response = await pending.then(
      (r) => r,
      (error: unknown) => t.fail(`${name}: ${String(error)}`),
    );
    if (!response) continue;
    t.is(response.status, status, name);
    t.is(response.headers.get('content-type'), 'application/problem+json', name);
    t.is(problemSchema.parse(await response.json()).code, code, name);
  }
});
