import { join } from 'node:path';
import { CpuSampler, cpuMsPerRequest } from '../herald/cpu.js';
import { startBenchChild } from '../load/child.js';
import { runClosedLoad } from '../load/closed.js';
import type { LoadResult } from '../load/closed.js';
import { anySuccess, connectionPool } from '../load/http.js';
import { jsonHeaders, messageBody, recipients } from '../load/payloads.js';
import type { Measurement } from '../report.js';
import type { ScenarioContext, ScenarioResult } from './context.js';

/** The closed-model figures every single-send scenario reports the same way. */
export function closedMeasurements(prefix: string, result: LoadResult, concurrency: number): Measurement[] {
  const errors = Object.entries(result.errorReasons)
    .map(([reason, n]) => `${reason} × ${n}`)
    .join(', ');
  return [
    {
      name: `${prefix}: requests at concurrency ${concurrency}`,
      value: result.rate,
      unit: 'requests/s',
      count: result.requests,
      seconds: result.seconds,
    },
    { name: `${prefix}: latency p50`, value: result.latency.p50, unit: 'ms', count: result.requests },
    { name: `${prefix}: latency p99`, value: result.latency.p99, unit: 'ms', count: result.requests },
    { name: `${prefix}: errors`, value: result.errors, unit: 'requests', note: errors || undefined },
  ];
}

/**
 * Baseline: a hello-world Hono POST server in its own process, driven by the same closed-model
 * generator, bodies and connection pool as the ingress scenario, so the ratio compares servers.
 */
export async function benchHello(context: ScenarioContext): Promise<ScenarioResult> {
  const { plan, log } = context;
  const server = await startBenchChild(join(import.meta.dirname, '..', 'load', 'hello-server.ts'));
  const pool = connectionPool(`http://127.0.0.1:${String(server.announced.port)}`, plan.closed.concurrency);
  const pid = server.child.pid;
  const cpu = new CpuSampler(() => (pid === undefined ? [] : [{ label: 'hello', pid }]));
  try {
    const to = recipients();
    cpu.start();
    const result = await runClosedLoad({
      pool,
      ...plan.closed,
      request: (i) => ({
        method: 'POST',
        path: '/v1/messages',
        headers: jsonHeaders('hk_hello'),
        body: messageBody(to(i)),
      }),
      check: anySuccess,
    });
    const perRequest = cpuMsPerRequest(cpu.average()['hello'] ?? 0, result.rate);
    context.baselines.helloRequestsPerSecond = result.rate;
    context.baselines.helloCpuMsPerRequest = perRequest;
    log(`hello: ${result.rate} requests/s, p99 ${result.latency.p99} ms`);
    return {
      sections: [
        {
          title: 'Baseline: hello-world Hono POST (own process, same load generator)',
          measurements: closedMeasurements('hello', result, plan.closed.concurrency),
          notes: [`the hello server spent ${perRequest} ms of CPU per request`],
        },
      ],
      targets: [],
      charts: [],
      failures: [],
    };
  } finally {
    cpu.stop();
    await pool.close();
    await server.stop();
  }
}
