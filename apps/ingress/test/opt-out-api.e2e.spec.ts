import anyTest from 'ava';
import type { TestFn } from 'ava';
import type { TestStack } from '@herald/testkit';
import { optOutPageSchema, optOutSchema, problemSchema } from '../src/response-schemas.js';
import { call, createTenant, startApiStack, uniqueNumber } from './support/api.js';

const test = anyTest as TestFn<{ stack: TestStack; otherKey: string }>;

test.before(async (t) => {
  t.context.stack = await startApiStack();
  t.context.otherKey = await createTenant(t.context.stack, 'opt-other');
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

const add = (stack: TestStack, body: Record<string, unknown>, key?: string) =>
  call(stack, 'POST', '/v1/opt-outs', { body, key });

test('adding is idempotent per recipient and channel; an every-channel entry is its own', async (t) => {
  const { stack } = t.context;
  const to = uniqueNumber();
  const created = await add(stack, { recipient: to, channel: 'sms' });
  t.is(created.status, 201);
  t.like(optOutSchema.parse(created.json), { recipient: to, channel: 'sms', source: 'api' });
  t.is((await add(stack, { recipient: to, channel: 'sms' })).status, 200);
  t.is((await add(stack, { recipient: to })).status, 201);
  t.is((await add(stack, { recipient: '@herald_news' })).status, 201, 'a Telegram channel for every channel');
  const bad = await add(stack, { recipient: 'not a number', channel: 'sms' });
  t.is(bad.status, 400);
  t.deepEqual(
    problemSchema.parse(bad.json).errors?.map((error) => error.field),
    ['recipient'],
  );
});

test('the list pages without gaps or repeats, filters by recipient, and is per tenant', async (t) => {
  const { stack, otherKey } = t.context;
  const recipients = Array.from({ length: 5 }, () => uniqueNumber());
  for (const recipient of recipients) await add(stack, { recipient, channel: 'whatsapp' }, otherKey);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const answer = await call(stack, 'GET', `/v1/opt-outs?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
      key: otherKey,
    });
    const page = optOutPageSchema.parse(answer.json);
    t.true(page.data.length <= 2);
    seen.push(...page.data.map((entry) => entry.recipient));
    cursor = page.next_cursor;
  } while (cursor !== null);
  t.deepEqual(seen, [...recipients].reverse(), 'newest first, each once');
  const one = optOutPageSchema.parse(
    (
      await call(stack, 'GET', `/v1/opt-outs?recipient=${encodeURIComponent(recipients[2] ?? '')}`, {
        key: otherKey,
      })
    ).json,
  );
  t.deepEqual(
    one.data.map((entry) => entry.recipient),
    [recipients[2]],
  );
  const demo = optOutPageSchema.parse(
    (await call(stack, 'GET', `/v1/opt-outs?recipient=${encodeURIComponent(recipients[0] ?? '')}`)).json,
  );
  t.deepEqual(demo.data, [], "the demo tenant does not see another tenant's list");
  t.is((await call(stack, 'DELETE', `/v1/opt-outs/${encodeURIComponent(recipients[0] ?? '')}`)).status, 404);
});

test('removing takes one channel, the every-channel entry, or everything; then sending works again', async (t) => {
  const { stack } = t.context;
  const to = uniqueNumber();
  await add(stack, { recipient: to, channel: 'sms' });
  await add(stack, { recipient: to, channel: 'whatsapp' });
  await add(stack, { recipient: to });
  const path = `/v1/opt-outs/${encodeURIComponent(to)}`;
  t.is((await call(stack, 'DELETE', `${path}?channel=sms`)).status, 204);
  t.is((await call(stack, 'DELETE', `${path}?channel=sms`)).status, 404);
  t.is(
    (await call(stack, 'POST', '/v1/messages', { body: { channel: 'sms', to, text: 'x' } })).status,
    422,
    'still blocked on every channel',
  );
  t.is((await call(stack, 'DELETE', `${path}?channel=all`)).status, 204);
  t.is((await call(stack, 'POST', '/v1/messages', { body: { channel: 'sms', to, text: 'x' } })).status, 202);
  t.is((await call(stack, 'DELETE', path)).status, 204, 'the whatsapp entry was left');
  t.is((await call(stack, 'DELETE', `${path}?channel=fax`)).status, 400);
});
