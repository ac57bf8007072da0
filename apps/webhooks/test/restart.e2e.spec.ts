// The schedule is durable: a dispatcher killed in the middle of a retry schedule (attempts made,
// retries pending, claims held) loses nothing once it runs again, and one stopped with SIGTERM
// finishes its attempts in flight before it exits.
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { waitFor } from '@herald/testkit';
import { deliveriesOf, insertEndpoint, messageOf, newTenant, startDispatcher } from './support/dispatcher.js';
import type { TestDispatcher } from './support/dispatcher.js';
import { startReceiver } from './support/receiver.js';
import type { Receiver } from './support/receiver.js';
import { verifies } from './support/standard-webhooks.js';

const test = anyTest.serial as TestFn<{ dispatcher: TestDispatcher; receivers: Receiver[] }>;

test.before(async (t) => {
  t.context.receivers = [];
  t.context.dispatcher = await startDispatcher({
    HERALD_WEBHOOK_RETRY_SCHEDULE: '0,1500ms,1500ms,1500ms',
    HERALD_WEBHOOK_TIMEOUT_MS: '1000',
    HERALD_WEBHOOK_LEASE_MS: '3000',
    HERALD_WEBHOOK_POLL_MS: '50',
  });
});

test.after.always(async (t) => {
  await Promise.all(t.context.receivers.map((receiver) => receiver.close()));
  await t.context.dispatcher?.stop();
});

test('SIGKILL in the middle of the retry schedule: after a restart every webhook arrives once', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  // Every webhook fails its first attempt; some hang on their second until the process is gone.
  const hooks = await startReceiver(({ previous }) => (previous.length === 0 ? { status: 500 } : {}));
  t.context.receivers.push(hooks);
  const endpoint = await insertEndpoint(dispatcher.pool, { tenantId, url: hooks.url, maxConcurrency: 20 });
  const events = Array.from({ length: 30 }, () => messageOf(tenantId).delivered());
  const ids = events.map((event) => `msg_${event.eventId.replaceAll('-', '')}`);
  await dispatcher.produce(events);

  await waitFor('every first attempt', () => new Set(hooks.received.map((r) => r.id)).size === ids.length, {
    timeoutMs: 30_000,
  });
  await dispatcher.app.kill();
  const pending = (await deliveriesOf(dispatcher.pool, { endpointId: endpoint.id })).filter(
    (row) => row.status === 'pending',
  );
  t.is(pending.length, ids.length, 'every delivery is still pending when the process dies');

  await dispatcher.restart();
  await waitFor(
    'every webhook to be delivered',
    async () => {
      const rows = await deliveriesOf(dispatcher.pool, { endpointId: endpoint.id });
      return rows.length === ids.length && rows.every((row) => row.status === 'delivered');
    },
    { timeoutMs: 30_000 },
  );
  for (const id of ids) {
    const successes = hooks.byId(id).filter((request) => request.status === 200);
    t.is(successes.length, 1, `${id} was delivered exactly once`);
  }
  t.true(hooks.received.every((request) => verifies(request.headers, request.body, endpoint.secret)));
});

test('SIGKILL with attempts in flight: their claims come back when the lease runs out', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  let hang = true;
  // The first attempts hang (the process dies during them); later ones are answered at once.
  const hooks = await startReceiver(() => (hang ? { delayMs: 5000 } : {}));
  t.context.receivers.push(hooks);
  const endpoint = await insertEndpoint(dispatcher.pool, { tenantId, url: hooks.url, maxConcurrency: 20 });
  const events = Array.from({ length: 10 }, () => messageOf(tenantId).sent());
  await dispatcher.produce(events);
  await waitFor('the claims', async () => {
    const { rows } = await dispatcher.pool.query<{ claimed: string }>(
      `SELECT count(*) AS claimed FROM webhook_deliveries
        WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at > now() + interval '1 second'`,
      [endpoint.id],
    );
    return Number(rows[0]?.claimed) === events.length;
  });
  await dispatcher.app.kill();
  hang = false;
  await dispatcher.restart();
  await waitFor(
    'every webhook to be delivered',
    async () => {
      const rows = await deliveriesOf(dispatcher.pool, { endpointId: endpoint.id });
      return rows.every((row) => row.status === 'delivered');
    },
    { timeoutMs: 30_000 },
  );
  t.pass();
});

test('SIGTERM lets attempts in flight finish and records them before exiting', async (t) => {
  const { dispatcher } = t.context;
  const tenantId = newTenant();
  const hooks = await startReceiver(() => ({ delayMs: 400 }));
  t.context.receivers.push(hooks);
  const endpoint = await insertEndpoint(dispatcher.pool, { tenantId, url: hooks.url, maxConcurrency: 20 });
  const events = Array.from({ length: 5 }, () => messageOf(tenantId).read());
  await dispatcher.produce(events);
  await waitFor('the attempts to start', async () => {
    const { rows } = await dispatcher.pool.query<{ claimed: string }>(
      `SELECT count(*) AS claimed FROM webhook_deliveries
        WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at > now() + interval '1 second'`,
      [endpoint.id],
    );
    return Number(rows[0]?.claimed) === events.length;
  });
  await dispatcher.app.stop();
  t.is((await dispatcher.app.exited).code, 0);
  const rows = await deliveriesOf(dispatcher.pool, { endpointId: endpoint.id });
  t.deepEqual(
    rows.map((row) => row.status),
    events.map(() => 'delivered'),
  );
  await dispatcher.restart();
});
