import anyTest from 'ava';
import type { TestFn } from 'ava';
import type { TestStack } from '@herald/testkit';
import { messagePageSchema, problemSchema, timelineSchema } from '../src/response-schemas.js';
import { call, createTenant, startApiStack, uniqueNumber, untilStatus } from './support/api.js';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await startApiStack();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

async function sendMany(stack: TestStack, count: number, extra: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await call(stack, 'POST', '/v1/messages', {
      body: { channel: 'sms', to: uniqueNumber(), text: `message ${i}`, ...extra },
    });
    if (answer.status !== 202 || typeof answer.json.id !== 'string')
      throw new Error(`send answered ${answer.status}`);
    ids.push(answer.json.id);
  }
  return ids;
}

async function listAll(stack: TestStack, query: string, from: string | null = null): Promise<string[]> {
  return (await listPages(stack, query, from)).map((message) => message.id);
}

async function listPages(stack: TestStack, query: string, from: string | null = null) {
  const seen: { id: string; created_at: string | null }[] = [];
  let cursor = from;
  for (let pages = 0; pages < 50; pages++) {
    const answer = await call(stack, 'GET', `/v1/messages?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    if (answer.status !== 200)
      throw new Error(`list answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    const page = messagePageSchema.parse(answer.json);
    seen.push(...page.data);
    cursor = page.next_cursor;
    if (cursor === null) return seen;
  }
  throw new Error('more pages than expected');
}

test('pages of GET /v1/messages cover every match once, newest first, while new messages arrive', async (t) => {
  const { stack } = t.context;
  const reference = `page-${Date.now()}`;
  const ids = await sendMany(stack, 12, { client_reference: reference });
  await Promise.all(ids.map((id) => untilStatus(stack, id, () => true)));
  const first = messagePageSchema.parse(
    (await call(stack, 'GET', `/v1/messages?client_reference=${reference}&limit=5`)).json,
  );
  t.is(first.data.length, 5);
  // Newer messages do not shift the pages after the cursor.
  const newer = await sendMany(stack, 2, { client_reference: reference });
  const rest = await listAll(stack, `client_reference=${reference}&limit=5`, first.next_cursor);
  t.deepEqual(
    [...first.data.map((m) => m.id), ...rest].sort(),
    [...ids].sort(),
    'the pages after a cursor do not shift',
  );
  await Promise.all(newer.map((id) => untilStatus(stack, id, () => true)));
  const listed = await listPages(stack, `client_reference=${reference}&limit=4`);
  t.deepEqual(listed.map((m) => m.id).sort(), [...ids, ...newer].sort(), 'every message exactly once');
  const times = listed.map((m) => Date.parse(m.created_at ?? ''));
  t.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
    'newest first',
  );
});

test('filters by status, channel, recipient and time range', async (t) => {
  const { stack } = t.context;
  const before = new Date(Date.now() - 1).toISOString();
  const to = uniqueNumber();
  const [sms] = await sendMany(stack, 1, { to, client_reference: 'filters' });
  const [telegram] = await sendMany(stack, 1, {
    channel: 'telegram',
    to: '777001',
    client_reference: 'filters',
  });
  const [later] = await sendMany(stack, 1, {
    client_reference: 'filters',
    send_at: new Date(Date.now() + 24 * 3600_000).toISOString(),
  });
  await untilStatus(stack, sms ?? '', (s) => s === 'delivered');
  await untilStatus(stack, telegram ?? '', (s) => s === 'delivered');
  await untilStatus(stack, later ?? '', (s) => s === 'scheduled');
  const after = new Date(Date.now() + 1).toISOString();
  const ids = async (query: string) => listAll(stack, `client_reference=filters&${query}`);
  t.deepEqual((await ids('status=delivered')).sort(), [sms, telegram].sort());
  t.deepEqual(await ids('status=scheduled'), [later]);
  t.deepEqual(await ids('channel=telegram'), [telegram]);
  t.deepEqual(await ids(`to=${encodeURIComponent(to)}`), [sms]);
  t.deepEqual(
    (await ids(`created_after=${before}&created_before=${after}`)).sort(),
    [sms, telegram, later].sort(),
  );
  t.deepEqual(await ids(`created_after=${after}`), []);
  const other = await createTenant(stack, 'lister');
  const foreign = messagePageSchema.parse(
    (await call(stack, 'GET', '/v1/messages?client_reference=filters', { key: other })).json,
  );
  t.deepEqual(foreign.data, [], "another tenant's list is its own");
});

test('the timeline lists every event in order with the status each moved to; 404 across tenants', async (t) => {
  const { stack } = t.context;
  const [id] = await sendMany(stack, 1, {});
  await untilStatus(stack, id ?? '', (s) => s === 'delivered');
  const timeline = await (async () => {
    for (;;) {
      const answer = timelineSchema.parse((await call(stack, 'GET', `/v1/messages/${id}/events`)).json);
      if (answer.data.length >= 4) return answer;
    }
  })();
  t.deepEqual(
    timeline.data.map((event) => [event.type, event.status]),
    [
      ['MessageAccepted', 'queued'],
      ['MessageRouted', 'sending'],
      ['MessageSent', 'sent'],
      ['MessageDelivered', 'delivered'],
    ],
  );
  const times = timeline.data.map((event) => Date.parse(event.occurred_at));
  t.deepEqual(
    [...times].sort((a, b) => a - b),
    times,
  );
  t.like(timeline.data[0]?.details, { channel: 'sms', parts: 1 });
  const other = await createTenant(stack, 'timeline-reader');
  const foreign = await call(stack, 'GET', `/v1/messages/${id}/events`, { key: other });
  t.is(foreign.status, 404);
  t.is(problemSchema.parse(foreign.json).code, 'not_found');
});

test('cancelling a message the router already routed is 409 message_not_cancellable; foreign is 404', async (t) => {
  const { stack } = t.context;
  const [id] = await sendMany(stack, 1, {});
  await untilStatus(stack, id ?? '', (s) => s !== 'queued' && s !== 'scheduled');
  const refused = await call(stack, 'POST', `/v1/messages/${id}/cancel`);
  t.is(refused.status, 409);
  t.is(problemSchema.parse(refused.json).code, 'message_not_cancellable');
  const other = await createTenant(stack, 'canceller');
  t.is((await call(stack, 'POST', `/v1/messages/${id}/cancel`, { key: other })).status, 404);
  t.not((await untilStatus(stack, id ?? '', () => true)).status, 'cancelled');
});
