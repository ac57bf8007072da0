// The ingress drain on SIGTERM: requests in flight finish (and close their connection), new ones get
// a 503 `shutting_down` problem, /readyz says draining, and idle() waits for the last in-flight one.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import test from 'ava';
import { Hono } from 'hono';
import { Registry, listen, mountOpsRoutes } from '@herald/telemetry';
import { RequestDrain } from '../src/drain.js';

function drainedApp() {
  const drain = new RequestDrain();
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const handled = { count: 0 };
  const app = new Hono();
  app.use(drain.middleware());
  mountOpsRoutes(app, new Registry(), () => Promise.resolve([{ name: 'kafka', ok: true }]), {
    draining: () => drain.draining,
  });
  app.post('/v1/messages', async (c) => {
    handled.count++;
    await held;
    return c.json({ id: 'm1', status: 'queued' }, 202);
  });
  return { app, drain, release, handled };
}

test('a request in flight when the drain begins still gets its answer, with Connection: close', async (t) => {
  const { app, drain, release } = drainedApp();
  const inFlight = app.request('/v1/messages', { method: 'POST' });
  await new Promise<void>((resolve) => setImmediate(resolve));
  t.is(drain.inFlight, 1);
  drain.begin();
  let idle = false;
  const idled = drain.idle().then(() => (idle = true));
  await new Promise<void>((resolve) => setImmediate(resolve));
  t.false(idle, 'idle() waits for the request in flight');
  release();
  const response = await inFlight;
  t.is(response.status, 202);
  t.is(response.headers.get('connection'), 'close');
  await idled;
  t.is(drain.inFlight, 0);
});

test('a request that arrives while draining gets 503 shutting_down and changes nothing', async (t) => {
  const { app, drain, handled } = drainedApp();
  drain.begin();
  const response = await app.request('/v1/messages', { method: 'POST' });
  t.is(handled.count, 0, 'the route never ran');
  t.is(response.status, 503);
  t.is(response.headers.get('content-type'), 'application/problem+json');
  t.is(response.headers.get('retry-after'), '1');
  t.is(response.headers.get('connection'), 'close');
  t.like(await response.json(), { status: 503, code: 'shutting_down' });
  t.is(drain.inFlight, 0);
});

test('while draining /readyz answers 503 draining and /healthz 200; before, /readyz is 200', async (t) => {
  const { app, drain } = drainedApp();
  t.is((await app.request('/readyz')).status, 200);
  drain.begin();
  const ready = await app.request('/readyz');
  t.is(ready.status, 503);
  t.like(await ready.json(), { status: 'draining' });
  t.is((await app.request('/healthz')).status, 200);
});

test('idle() resolves at once when draining with nothing in flight, and never before the drain begins', async (t) => {
  const { drain } = drainedApp();
  let idle = false;
  const idled = drain.idle().then(() => (idle = true));
  await new Promise<void>((resolve) => setImmediate(resolve));
  t.false(idle);
  drain.begin();
  await idled;
  t.true(idle);
});

/** A raw keep-alive HTTP/1.1 connection, so the test controls which socket each request uses. */
async function keepAliveConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    closed,
    /** Sends one request and resolves with the head of its answer. */
    post: async (path: string): Promise<string> => {
      received = '';
      socket.write(`POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n`);
      while (!/\r\n\r\n/.test(received)) await new Promise((resolve) => socket.once('data', resolve));
      return received.split('\r\n\r\n')[0] ?? '';
    },
    destroy: () => socket.destroy(),
  };
}

test('on a real server, idle() waits for open connections: a request on one gets 503 and closes it', async (t) => {
  const { app, drain, release } = drainedApp();
  release();
  const server = await listen(app, 0, '127.0.0.1');
  t.teardown(() => server.close());
  drain.attach(server.server, 60_000);
  const client = await keepAliveConnection(server.port);
  t.teardown(() => client.destroy());
  t.regex(await client.post('/v1/messages'), /^HTTP\/1\.1 202/);
  t.is(drain.connections, 1);
  drain.begin();
  let idle = false;
  const idled = drain.idle().then(() => (idle = true));
  await new Promise<void>((resolve) => setImmediate(resolve));
  t.false(idle, 'the keep-alive connection is still open');
  const refused = await client.post('/v1/messages');
  t.regex(refused, /^HTTP\/1\.1 503/);
  t.regex(refused, /connection: close/i);
  await client.closed;
  await idled;
  t.is(drain.connections, 0);
});

test('on a real server, idle() stops waiting for a silent connection once the linger is over', async (t) => {
  const { app, drain, release } = drainedApp();
  release();
  const server = await listen(app, 0, '127.0.0.1');
  t.teardown(() => server.close());
  drain.attach(server.server, 200);
  const client = await keepAliveConnection(server.port);
  t.teardown(() => client.destroy());
  t.regex(await client.post('/v1/messages'), /^HTTP\/1\.1 202/);
  const started = performance.now();
  drain.begin();
  await drain.idle();
  t.true(performance.now() - started >= 190, 'it lingered');
  t.is(drain.connections, 1, 'the silent connection is left for the listener to close');
});
