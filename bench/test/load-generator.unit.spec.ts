import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import fc from 'fast-check';
import { runClosedLoad } from '../src/load/closed.js';
import { anySuccess, connectionPool } from '../src/load/http.js';
import { runOpenLoad } from '../src/load/open.js';
import { LatencyRecorder, percentile } from '../src/load/percentiles.js';
import { dueAt, dueBy, requestPlan, sendsIn } from '../src/load/schedule.js';

test('percentile is the nearest rank: the smallest value with at least p% at or below it', (t) => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  t.is(percentile(values, 50), 50);
  t.is(percentile(values, 99), 99);
  t.is(percentile(values, 99.9), 100);
  t.is(percentile(values, 100), 100);
  t.is(percentile(values, 0), 1);
  t.is(percentile([7], 99), 7);
  t.is(percentile([], 50), 0);
  t.is(percentile([1, 2, 3, 4], 50), 2);
  t.is(percentile([1, 2, 3, 4], 51), 3);
});

test('the recorder keeps every sample (past its first allocation) and summarises exactly', (t) => {
  const recorder = new LatencyRecorder();
  for (let i = 5000; i >= 1; i--) recorder.record(i);
  const summary = recorder.summary();
  t.like(summary, { count: 5000, min: 1, p50: 2500, p90: 4500, p99: 4950, p999: 4995, max: 5000 });
  t.is(summary.mean, 2501);
  recorder.reset();
  t.is(recorder.summary().count, 0);
});

test('a sample that never came (Infinity) lands in the tail, not out of it', (t) => {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < 98; i++) recorder.record(10);
  recorder.record(Number.POSITIVE_INFINITY);
  recorder.record(Number.POSITIVE_INFINITY);
  const summary = recorder.summary();
  t.is(summary.p50, 10);
  t.is(summary.p99, Number.POSITIVE_INFINITY);
});

test('the open-model clock: send i is due at i/rate, and dueBy counts the sends due so far', (t) => {
  t.is(dueAt(0, 1000), 0);
  t.is(dueAt(1000, 1000), 1000);
  t.is(dueAt(3, 20), 150);
  t.is(dueBy(-1, 1000, 10), 0);
  t.is(dueBy(0, 1000, 10), 1);
  t.is(dueBy(2.5, 1000, 10), 3);
  t.is(dueBy(1000, 1000, 10), 10);
  t.is(sendsIn(60_000, 5000), 300_000);
  t.is(sendsIn(1000, 3), 3);
  t.deepEqual(requestPlan(5000, 50, 60_000), { requestsPerSecond: 100, requests: 6000 });
});

test('dueBy agrees with dueAt for any rate and time: the last due send is due, the next is not', (t) => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.5, max: 100_000, noNaN: true }),
      fc.double({ min: 0, max: 120_000, noNaN: true }),
      (rate, elapsed) => {
        const due = dueBy(elapsed, rate, Number.MAX_SAFE_INTEGER);
        return dueAt(due - 1, rate) <= elapsed + 1e-6 && dueAt(due, rate) > elapsed - 1e-6;
      },
    ),
  );
  t.pass();
});

/** A local server that answers at once, except while `stalled` (it then holds every answer). */
async function stallingServer() {
  let stalledUntil = 0;
  const server = createServer((_request, response) => {
    const wait = Math.max(0, stalledUntil - Date.now());
    setTimeout(() => response.writeHead(202).end('{}'), wait);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    stall: (ms: number) => (stalledUntil = Date.now() + ms),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('a stall shows in the open model latency (from due time), not only in the sends it delayed', async (t) => {
  const server = await stallingServer();
  const pool = connectionPool(server.origin, 4);
  try {
    setTimeout(() => server.stall(400), 300);
    const open = await runOpenLoad({
      pool,
      requestsPerSecond: 200,
      durationMs: 1000,
      request: () => ({ method: 'POST', path: '/', headers: {} }),
      check: anySuccess,
    });
    t.is(open.offered, 200);
    t.is(open.answered, 200);
    t.is(open.errors, 0);
    // About 80 sends fall due during the 400 ms stall: more than 1% of them wait over 200 ms.
    t.true(open.latency.p99 >= 200, `p99 ${open.latency.p99} ms`);
    t.true(open.latency.p50 < 100, `p50 ${open.latency.p50} ms`);
    t.is(
      open.okPerSecond.reduce((sum, n) => sum + n, 0),
      200,
    );
  } finally {
    await pool.destroy();
    await server.close();
  }
});

test('the open model counts requests unanswered by the drain timeout as slower than any', async (t) => {
  const server = await stallingServer();
  const pool = connectionPool(server.origin, 2);
  try {
    server.stall(5000);
    const open = await runOpenLoad({
      pool,
      requestsPerSecond: 50,
      durationMs: 200,
      drainTimeoutMs: 100,
      request: () => ({ method: 'GET', path: '/', headers: {} }),
      check: anySuccess,
    });
    t.is(open.offered, 10);
    t.is(open.unanswered, 10);
    t.is(open.latency.p50, Number.POSITIVE_INFINITY);
  } finally {
    await pool.destroy();
    await server.close();
  }
});

test('the closed model keeps the concurrency, excludes the warm-up and stops at the request limit', async (t) => {
  const server = await stallingServer();
  const pool = connectionPool(server.origin, 3);
  let seen = 0;
  try {
    const closed = await runClosedLoad({
      pool,
      concurrency: 3,
      warmupMs: 0,
      durationMs: 10_000,
      requests: 30,
      request: () => ({ method: 'GET', path: '/', headers: {} }),
      check: (status) => {
        seen++;
        return status === 202 ? { ok: true } : { ok: false, reason: `HTTP ${status}` };
      },
    });
    t.is(closed.requests, 30);
    t.is(seen, 30);
    t.is(closed.errors, 0);
    t.true(closed.seconds < 5);
  } finally {
    await pool.destroy();
    await server.close();
  }
});
