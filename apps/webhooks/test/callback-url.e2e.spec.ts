// Through the whole pipeline: a message sent over the API with a callback_url is told, at that URL,
// every step of its life, signed with the tenant's callback secret; an endpoint of the tenant gets
// the same webhooks, with the same ids.
import anyTest from 'ava';
import type { TestFn } from 'ava';
import pg from 'pg';
import { freePort, requireServices, startApp, startStack, waitFor, waitUntilReady } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';
import { insertEndpoint } from './support/dispatcher.js';
import { startReceiver } from './support/receiver.js';
import type { Receiver } from './support/receiver.js';
import { callbackSecret, verifies } from './support/standard-webhooks.js';

const test = anyTest as TestFn<{ stack: TestStack; hooks: Receiver; pool: pg.Pool }>;

// The master secret is configured, as in production: the test derives the tenant's secret itself.
const MASTER = 'callback-master-secret-for-the-e2e-test';

test.before(async (t) => {
  const services = await requireServices();
  t.context.stack = await startStack(services, { env: { HERALD_CALLBACK_SIGNING_SECRET: MASTER } });
  const opsPort = await freePort();
  const app = startApp('webhooks', { ...t.context.stack.env, HERALD_WEBHOOKS_OPS_PORT: String(opsPort) });
  t.context.stack.apps.set('webhooks', app);
  await waitUntilReady(app, `http://127.0.0.1:${opsPort}/readyz`, 90_000);
  t.context.hooks = await startReceiver();
  t.context.pool = new pg.Pool({ connectionString: t.context.stack.databaseUrl, max: 2 });
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.hooks?.close();
  await t.context.stack?.stop();
});

test('a message’s callback_url and the tenant’s endpoint hear its whole life, signed', async (t) => {
  const { stack, hooks, pool } = t.context;
  const endpoint = await insertEndpoint(pool, { tenantId: 'demo', url: `${hooks.url}/endpoint` });
  const response = await fetch(`${stack.baseUrl}/v1/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      channel: 'sms',
      to: '+14155550123',
      text: 'webhooks, end to end',
      callback_url: `${hooks.url}/callback`,
    }),
  });
  t.is(response.status, 202);
  const { id } = (await response.json()) as { id: string };

  const at = (path: string) => hooks.received.filter((request) => request.path === path);
  const life = ['message.accepted', 'message.sending', 'message.sent', 'message.delivered'];
  await waitFor(
    'the message’s whole life at both URLs',
    () =>
      [at('/hooks/callback'), at('/hooks/endpoint')].every((got) =>
        life.every((type) => got.some((r) => r.type === type)),
      ),
    { timeoutMs: 60_000 },
  );
  const secret = callbackSecret(MASTER, 'demo');
  for (const request of at('/hooks/callback')) {
    t.true(
      verifies(request.headers, request.body, secret),
      `${request.type} is signed with the callback secret`,
    );
    t.is((JSON.parse(request.body) as { data: { id: string } }).data.id, id);
  }
  for (const request of at('/hooks/endpoint'))
    t.true(
      verifies(request.headers, request.body, endpoint.secret),
      `${request.type} is signed with the endpoint secret`,
    );
  const ids = (path: string) =>
    at(path)
      .map((request) => request.id)
      .sort();
  t.deepEqual(
    ids('/hooks/callback'),
    ids('/hooks/endpoint'),
    'one webhook message per event, whoever it goes to',
  );
});
