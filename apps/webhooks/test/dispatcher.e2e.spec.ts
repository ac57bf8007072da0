// The dispatcher as a process, fed events through its Kafka topics, delivering to real receivers
// on 127.0.0.1 that check signatures with their own Standard Webhooks code. Tests run at once,
// each with its own tenant, endpoints and receiver.
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@herald/testkit';
import {
  attemptsOf,
  deliveriesOf,
  endpointRow,
  insertEndpoint,
  messageOf,
  newTenant,
  startDispatcher,
} from './support/dispatcher.js';
import type { TestDispatcher } from './support/dispatcher.js';
import { startReceiver } from './support/receiver.js';
import type { Receiver } from './support/receiver.js';
import { matchingSecrets, newSecret, verifies } from './support/standard-webhooks.js';

const test = anyTest as TestFn<{ dispatcher: TestDispatcher; receivers: Receiver[] }>;

test.before(async (t) => {
  t.context.receivers = [];
  t.context.dispatcher = await startDispatcher({
    HERALD_WEBHOOK_RETRY_SCHEDULE: '0,300ms,600ms',
    HERALD_WEBHOOK_DISABLE_AFTER_MS: '2000',
    HERALD_WEBHOOK_TIMEOUT_MS: '2000',
    HERALD_WEBHOOK_LEASE_MS: '5000',
    HERALD_WEBHOOK_POLL_MS: '50',
  });
});

test.after.always(async (t) => {
  await Promise.all(t.context.receivers.map((receiver) => receiver.close()));
  await t.context.dispatcher?.stop();
});

async function receiver(
  t: { context: { receivers: Receiver[] } },
  ...args: Parameters<typeof startReceiver>
) {
  const started = await startReceiver(...args);
  t.context.receivers.push(started);
  return started;
}

test('an event reaches the endpoint signed, with its headers and the payload of the design', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  const hooks = await receiver(t);
  const endpoint = await insertEndpoint(dispatcher.pool, {
    tenantId,
    url: hooks.url,
    headers: { 'X-Tenant-Token': 'abc123', 'Content-Type': 'text/plain' },
  });
  const message = messageOf(tenantId);
  const delivered = message.delivered();
  await dispatcher.produce([delivered]);

  const [request] = await waitFor('the delivery', () => hooks.received.length > 0 && hooks.received);
  if (request === undefined) return t.fail();
  t.is(request.headers['webhook-id'], `msg_${delivered.eventId.replaceAll('-', '')}`);
  t.true(verifies(request.headers, request.body, endpoint.secret), 'the signature verifies');
  t.true(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000) < 30);
  t.is(request.headers['content-type'], 'application/json', 'a custom header cannot change the content type');
  t.is(request.headers['x-tenant-token'], 'abc123');
  t.deepEqual(JSON.parse(request.body), {
    type: 'message.delivered',
    timestamp: new Date(delivered.occurredAt).toISOString(),
    data: {
      id: message.messageId,
      status: 'delivered',
      to: delivered.to,
      provider_id: 'sim-eu',
      provider_message_id: 'SM1',
      error: null,
      event_id: delivered.eventId,
      occurred_at: new Date(delivered.occurredAt).toISOString(),
    },
  });
  const [attempt] = await waitFor('the attempt log', async () => {
    const rows = await attemptsOf(dispatcher.pool, endpoint.id);
    return rows.length > 0 && rows;
  });
  t.like(attempt, {
    attempt: 1,
    status_code: 200,
    outcome: 'delivered',
    response_excerpt: 'ok',
    next_attempt_at: null,
  });
  t.like((await deliveriesOf(dispatcher.pool, { endpointId: endpoint.id }))[0], {
    status: 'delivered',
    attempts: 1,
  });
});

test('event-type filters: a type, a group, and none at all', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  const hooks = await receiver(t);
  const onlyDelivered = await insertEndpoint(dispatcher.pool, {
    tenantId,
    url: `${hooks.url}/delivered`,
    eventTypes: ['message.delivered'],
  });
  const failures = await insertEndpoint(dispatcher.pool, {
    tenantId,
    url: `${hooks.url}/failures`,
    eventTypes: ['message.failed', 'message.undelivered'],
  });
  const everything = await insertEndpoint(dispatcher.pool, {
    tenantId,
    url: `${hooks.url}/all`,
    eventTypes: ['message.*'],
  });
  const other = messageOf(newTenant());
  const first = messageOf(tenantId);
  const second = messageOf(tenantId);
  await dispatcher.produce([
    first.sent(),
    first.delivered(),
    second.sent(),
    second.failed(),
    other.delivered(),
  ]);

  await waitFor('the five deliveries', () => hooks.received.length >= 5, { timeoutMs: 30_000 });
  const types = (path: string) =>
    hooks.received
      .filter((request) => request.path === path)
      .map((request) => request.type)
      .sort();
  t.deepEqual(types('/hooks/delivered'), ['message.delivered']);
  t.deepEqual(types('/hooks/failures'), ['message.failed']);
  t.deepEqual(types('/hooks/all'), ['message.delivered', 'message.failed', 'message.sent', 'message.sent']);
  t.is((await deliveriesOf(dispatcher.pool, { endpointId: onlyDelivered.id })).length, 1);
  t.is((await deliveriesOf(dispatcher.pool, { endpointId: failures.id })).length, 1);
  t.is((await deliveriesOf(dispatcher.pool, { endpointId: everything.id })).length, 4);
});

test('failures are retried on the configured schedule, with the same webhook-id', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  const hooks = await receiver(t, ({ previous }) =>
    previous.length < 2 ? { status: 500, body: `broken #${previous.length + 1}` } : { status: 200 },
  );
  const endpoint = await insertEndpoint(dispatcher.pool, { tenantId, url: hooks.url });
  await dispatcher.produce([messageOf(tenantId).sent()]);

  await waitFor('three attempts', () => hooks.received.length >= 3, { timeoutMs: 20_000 });
  const [first, second, third] = hooks.received;
  if (first === undefined || second === undefined || third === undefined) return t.fail();
  t.is(new Set(hooks.received.map((request) => request.id)).size, 1, 'one webhook-id on every attempt');
  // 300 ms and 600 ms, each ±20 %, counted from the end of the previous attempt.
  t.true(second.at - first.answeredAt >= 240, `second attempt after ${second.at - first.answeredAt} ms`);
  t.true(third.at - second.answeredAt >= 480, `third attempt after ${third.at - second.answeredAt} ms`);
  t.true(hooks.received.every((request) => verifies(request.headers, request.body, endpoint.secret)));
  const attempts = await waitFor('the attempt log', async () => {
    const rows = await attemptsOf(dispatcher.pool, endpoint.id);
    return rows.length === 3 && rows;
  });
  t.deepEqual(
    attempts.map((a) => [a.attempt, a.status_code, a.outcome, a.response_excerpt]),
    [
      [1, 500, 'retry', 'broken #1'],
      [2, 500, 'retry', 'broken #2'],
      [3, 200, 'delivered', 'ok'],
    ],
  );
  t.truthy(attempts[0]?.next_attempt_at, 'the log says when the next attempt is due');
  t.is(
    (await endpointRow(dispatcher.pool, endpoint.id)).failing_since,
    null,
    'a success clears the failing mark',
  );
});

test('a delivery whose schedule runs out ends failed', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  const hooks = await receiver(t, () => ({ status: 503 }));
  const endpoint = await insertEndpoint(dispatcher.pool, { tenantId, url: hooks.url });
  await dispatcher.produce([messageOf(tenantId).delivered()]);
  const [delivery] = await waitFor('the delivery to fail', async () => {
    const rows = await deliveriesOf(dispatcher.pool, { endpointId: endpoint.id });
    return rows[0]?.status === 'failed' && rows;
  });
  t.like(delivery, { attempts: 3, last_error: 'HTTP 503' });
  t.is(hooks.received.length, 3);
  t.deepEqual(
    (await attemptsOf(dispatcher.pool, endpoint.id)).map((a) => a.outcome),
    ['retry', 'retry', 'failed'],
  );
});

test('Retry-After holds the next attempt back longer than the schedule', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  const hooks = await receiver(t, ({ previous }) =>
    previous.length === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 },
  );
  await insertEndpoint(dispatcher.pool, { tenantId, url: hooks.url });
  await dispatcher.produce([messageOf(tenantId).sent()]);
  await waitFor('the retry', () => hooks.received.length >= 2, { timeoutMs: 20_000 });
  const [first, second] = hooks.received;
  if (first === undefined || second === undefined) return t.fail();
  const gap = second.at - first.answeredAt;
  t.true(gap >= 950, `the retry came ${gap} ms later; Retry-After said 1 s, the schedule 300 ms`);
});

test('410 Gone disables the endpoint and fails its pending deliveries', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  const hooks = await receiver(t, () => ({ status: 410, body: 'unsubscribed', delayMs: 200 }));
  const endpoint = await insertEndpoint(dispatcher.pool, { tenantId, url: hooks.url, maxConcurrency: 1 });
  const message = messageOf(tenantId);
  await dispatcher.produce([message.sent(), message.delivered(), message.read()]);

  const deliveries = await waitFor('every delivery to end', async () => {
    const rows = await deliveriesOf(dispatcher.pool, { endpointId: endpoint.id });
    return rows.length === 3 && rows.every((row) => row.status === 'failed') && rows;
  });
  t.is(hooks.received.length, 1, 'nothing is sent once the endpoint said it is gone');
  t.is(deliveries.filter((row) => row.attempts === 0).length, 2);
  t.true(
    deliveries.every((row) => row.attempts === 1 || /endpoint disabled \(gone\)/.test(row.last_error ?? '')),
  );
  const row = await endpointRow(dispatcher.pool, endpoint.id);
  t.like(row, { enabled: false, disabled_reason: 'gone' });
  t.regex(row.disabled_detail ?? '', /answered 410 Gone/);
  t.deepEqual(
    (await attemptsOf(dispatcher.pool, endpoint.id)).map((a) => [a.status_code, a.outcome]),
    [[410, 'gone']],
  );
});

test('an endpoint failing for longer than the window is disabled, with its last error', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  // Retry-After spaces the two attempts past the 2 s window.
  const hooks = await receiver(t, () => ({ status: 500, headers: { 'retry-after': '3' } }));
  const endpoint = await insertEndpoint(dispatcher.pool, { tenantId, url: hooks.url });
  await dispatcher.produce([messageOf(tenantId).sent()]);
  const row = await waitFor(
    'the endpoint to be disabled',
    async () => {
      const current = await endpointRow(dispatcher.pool, endpoint.id);
      return !current.enabled && current;
    },
    { timeoutMs: 20_000 },
  );
  t.is(row.disabled_reason, 'failing');
  t.regex(row.disabled_detail ?? '', /no successful delivery since .*; last error: HTTP 500/);
  t.is(hooks.received.length, 2);
  const [delivery] = await deliveriesOf(dispatcher.pool, { endpointId: endpoint.id });
  t.is(delivery?.status, 'failed', 'its pending deliveries are failed with it');
});

test('during a secret rotation both secrets sign; once the grace ends only the new one', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  const hooks = await receiver(t);
  const [oldSecret, newSecretValue, expiredSecret] = [newSecret(), newSecret(), newSecret()];
  await insertEndpoint(dispatcher.pool, {
    tenantId,
    url: `${hooks.url}/rotating`,
    secret: newSecretValue,
    previousSecret: oldSecret,
    previousSecretExpiresAt: Date.now() + 3_600_000,
  });
  await insertEndpoint(dispatcher.pool, {
    tenantId,
    url: `${hooks.url}/rotated`,
    secret: newSecretValue,
    previousSecret: expiredSecret,
    previousSecretExpiresAt: Date.now() - 1000,
  });
  await dispatcher.produce([messageOf(tenantId).delivered()]);
  await waitFor('both deliveries', () => hooks.received.length >= 2);
  const rotating = hooks.received.find((request) => request.path === '/hooks/rotating');
  const rotated = hooks.received.find((request) => request.path === '/hooks/rotated');
  if (rotating === undefined || rotated === undefined) return t.fail();
  t.is(String(rotating.headers['webhook-signature']).split(' ').length, 2);
  t.true(verifies(rotating.headers, rotating.body, oldSecret), 'the old secret still verifies');
  t.true(verifies(rotating.headers, rotating.body, newSecretValue), 'the new secret verifies');
  t.deepEqual(matchingSecrets(rotated.headers, rotated.body, [expiredSecret, newSecretValue]), [1]);
});

test('an ordered endpoint gets a message’s webhooks one after the other; an unordered one does not wait', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  // The first webhook of each endpoint fails once: it is retried 300 ms later.
  const failOnceFirst = (sentId: () => string) =>
    receiver(t, ({ id, previous }) => (id === sentId() && previous.length === 0 ? { status: 500 } : {}));
  let sentWebhookId = '';
  const ordered = await failOnceFirst(() => sentWebhookId);
  const unordered = await failOnceFirst(() => sentWebhookId);
  await insertEndpoint(dispatcher.pool, { tenantId, url: ordered.url, ordered: true });
  await insertEndpoint(dispatcher.pool, { tenantId, url: unordered.url });
  const message = messageOf(tenantId);
  const events = [message.sent(), message.delivered(), message.read()];
  sentWebhookId = `msg_${events[0]?.eventId.replaceAll('-', '') ?? ''}`;
  await dispatcher.produce(events);

  await waitFor(
    'every webhook at both endpoints',
    () => ordered.received.length >= 4 && unordered.received.length >= 4,
    {
      timeoutMs: 20_000,
    },
  );
  const sequence = (hooks: Receiver) =>
    [...hooks.received].sort((a, b) => a.at - b.at).map((request) => `${request.type}:${request.status}`);
  t.deepEqual(sequence(ordered), [
    'message.sent:500',
    'message.sent:200',
    'message.delivered:200',
    'message.read:200',
  ]);
  t.not(sequence(unordered)[1], 'message.sent:200', 'the unordered endpoint got the others during the retry');
});

test('a redirect is not followed: an internal host behind it is never called', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  let internalHits = 0;
  const internal = createServer((_request, response) => {
    internalHits++;
    response.end('secret');
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => internal.close(() => resolve())));
  const internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}/admin`;
  const hooks = await receiver(t, () => ({ status: 302, headers: { location: internalUrl } }));
  const endpoint = await insertEndpoint(dispatcher.pool, { tenantId, url: hooks.url });
  await dispatcher.produce([messageOf(tenantId).sent()]);

  const attempts = await waitFor('the three attempts', async () => {
    const rows = await attemptsOf(dispatcher.pool, endpoint.id);
    return rows.length === 3 && rows;
  });
  t.is(internalHits, 0);
  t.is(hooks.received.length, 3);
  t.deepEqual(
    attempts.map((a) => [a.status_code, a.outcome]),
    [
      [302, 'retry'],
      [302, 'retry'],
      [302, 'failed'],
    ],
  );
  t.is(attempts[0]?.error, `HTTP 302: redirect to ${internalUrl} not followed`);
});

test('a record that cannot be decoded is skipped and counted; the events after it are delivered', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  const hooks = await receiver(t);
  await insertEndpoint(dispatcher.pool, { tenantId, url: hooks.url });
  const message = messageOf(tenantId);
  const sent = message.sent();
  const producer = dispatcher.topics.kafka.producer();
  await producer.connect();
  try {
    // Same key as the message, so the garbage sits before its events in the same partition.
    await producer.send({
      topic: dispatcher.topics.all.events,
      messages: [{ key: sent.to, value: Buffer.from('not a Herald event') }],
    });
  } finally {
    await producer.disconnect();
  }
  await dispatcher.produce([sent]);
  await waitFor('the event after the poison record', () => hooks.received.length > 0);
  const metrics = await (await fetch(`${dispatcher.opsUrl}/metrics`)).text();
  t.regex(metrics, /herald_kafka_poison_records_total\{[^}]*code="not_confluent_wire_format"[^}]*\} [1-9]/);
});
