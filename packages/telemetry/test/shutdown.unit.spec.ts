// The shutdown sequence every app runs on SIGTERM: draining first, then the app's stop, then exit 0
// with `stopped cleanly`, or exit 1 when the stop fails or outlives the deadline.
import test from 'ava';
import { Hono } from 'hono';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { isDraining, mountOpsRoutes, shutdownSequence } from '../src/index.js';
import type { ReadinessProbe } from '../src/index.js';

function capturedLogger() {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({}, { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) });
  return { log, messages: () => lines.map((line) => line.msg) };
}

function exitCode(): { exit: (code: number) => void; code: Promise<number>; calls: number[] } {
  const calls: number[] = [];
  let resolve: (code: number) => void = () => undefined;
  const code = new Promise<number>((done) => (resolve = done));
  return {
    calls,
    code,
    exit: (value) => {
      calls.push(value);
      resolve(value);
    },
  };
}

test.serial(
  'a stop that finishes exits 0 with "stopped cleanly", after marking the process draining',
  async (t) => {
    const { log, messages } = capturedLogger();
    const exit = exitCode();
    let drainingDuringStop = false;
    const handler = shutdownSequence(
      log,
      5000,
      async () => {
        drainingDuringStop = isDraining();
      },
      exit.exit,
    );
    t.false(isDraining());
    handler('SIGTERM');
    t.is(await exit.code, 0);
    t.true(drainingDuringStop, '/readyz already answers draining while the app stops');
    t.deepEqual(messages(), ['shutting down', 'stopped cleanly']);
  },
);

test('a stop that outlives the deadline exits 1, and its late end changes nothing', async (t) => {
  const { log, messages } = capturedLogger();
  const exit = exitCode();
  let finish: () => void = () => undefined;
  const handler = shutdownSequence(
    log,
    50,
    () => new Promise<void>((resolve) => (finish = resolve)),
    exit.exit,
  );
  handler('SIGTERM');
  t.is(await exit.code, 1);
  finish();
  await new Promise<void>((resolve) => setImmediate(resolve));
  t.deepEqual(exit.calls, [1]);
  t.true(messages().includes('shutdown deadline exceeded, exiting'));
  t.false(messages().includes('stopped cleanly'));
});

test('a stop that fails exits 1', async (t) => {
  const { log, messages } = capturedLogger();
  const exit = exitCode();
  const handler = shutdownSequence(log, 5000, () => Promise.reject(new Error('flush failed')), exit.exit);
  handler('SIGINT');
  t.is(await exit.code, 1);
  t.true(messages().includes('shutdown failed'));
});

test('a second signal does not run the stop again', async (t) => {
  const { log } = capturedLogger();
  const exit = exitCode();
  let stops = 0;
  let finish: () => void = () => undefined;
  const handler = shutdownSequence(
    log,
    5000,
    () => {
      stops++;
      return new Promise<void>((resolve) => (finish = resolve));
    },
    exit.exit,
  );
  handler('SIGTERM');
  handler('SIGTERM');
  finish();
  t.is(await exit.code, 0);
  t.is(stops, 1);
});

test('/readyz answers 503 draining without probing once draining, /healthz stays 200', async (t) => {
  let draining = false;
  let probes = 0;
  const ready: ReadinessProbe = () => {
    probes++;
    return Promise.resolve([{ name: 'kafka', ok: true }]);
  };
  const app = mountOpsRoutes(new Hono(), new Registry(), ready, { draining: () => draining });
  const before = await app.request('/readyz');
  t.is(before.status, 200);
  t.like(await before.json(), { status: 'ready' });
  draining = true;
  const during = await app.request('/readyz');
  t.is(during.status, 503);
  t.deepEqual(await during.json(), { status: 'draining', checks: [] });
  t.is(probes, 1);
  t.is((await app.request('/healthz')).status, 200);
});
