import { cpus } from 'node:os';
import { AcceptedIds } from '../load/accepted.js';
import { runClosedLoad } from '../load/closed.js';
import { connectionPool } from '../load/http.js';
import { jsonHeaders, messageBody, recipients } from '../load/payloads.js';
import { CpuSampler, cpuMsPerRequest, describeCpu } from '../herald/cpu.js';
import { describeLedger, ledgerAtCutoff } from '../herald/ledger.js';
import { describeIngressTime, scrape } from '../herald/metrics.js';
import { createBenchTenant, stackCpuTargets } from '../herald/stack.js';
import type { Measurement } from '../report.js';
import type { ScenarioContext, ScenarioResult } from './context.js';
import { closedMeasurements } from './hello.js';

/**
 * Single-message `POST /v1/messages` at fixed concurrency (closed model), the same generator and
 * bodies as the hello baseline: first with the downstream apps paused (SIGSTOP), so the ingress has
 * the machine as the hello server had it, then with the whole pipeline running. 202 means durable
 * (Kafka acks=-1). Ends with the ledger of both phases once the pipeline has drained.
 */
export async function benchIngress(context: ScenarioContext): Promise<ScenarioResult> {
  const { plan, log } = context;
  const bench = await context.stacks.get('ingest', plan.partitions);
  const tenantId = 'bench-ingress';
  const apiKey = await createBenchTenant(bench, tenantId);
  const pool = connectionPool(bench.stack.baseUrl, plan.closed.concurrency);
  const accepted = new AcceptedIds();
  const cpu = new CpuSampler(() => stackCpuTargets(bench));
  cpu.start();
  try {
    const to = recipients();
    let sent = 0;
    const phase = async (paused: boolean) => {
      bench.setDownstreamPaused(paused);
      const from = cpu.now();
      const before = await scrape(`${bench.stack.baseUrl}/metrics`);
      const result = await runClosedLoad({
        pool,
        ...plan.closed,
        request: () => ({
          method: 'POST',
          path: '/v1/messages',
          headers: jsonHeaders(apiKey),
          body: messageBody(to(sent++)),
        }),
        check: accepted.single,
      });
      const average = cpu.average(from, cpu.now());
      const perRequest = cpuMsPerRequest(average['ingress'] ?? 0, result.rate);
      const hello = context.baselines.helloCpuMsPerRequest;
      const inside = [
        `ingress CPU ${perRequest} ms per request${hello ? ` (hello ${hello} ms)` : ''}${paused ? '' : ', provider status callbacks included'}`,
        describeIngressTime(before, await scrape(`${bench.stack.baseUrl}/metrics`)),
      ].join('; ');
      return { result, cpu: average, inside };
    };
    const alone = await phase(true);
    bench.setDownstreamPaused(false);
    log(`ingress: ${alone.result.rate} requests/s alone, p99 ${alone.result.latency.p99} ms`);
    const shared = await phase(false);
    log(`ingress: ${shared.result.rate} requests/s with the pipeline, p99 ${shared.result.latency.p99} ms`);
    cpu.stop();
    const ledger = await ledgerAtCutoff(bench, tenantId, accepted, plan.ingestDrainMs);
    log(`ingress: ledger ${describeLedger(ledger)}`);

    const hello = context.baselines.helloRequestsPerSecond;
    const ratio = hello ? Math.round((100 * alone.result.rate) / hello) : undefined;
    const measurements: Measurement[] = [
      ...closedMeasurements('ingress alone (downstream paused)', alone.result, plan.closed.concurrency),
      ...closedMeasurements('ingress with the pipeline running', shared.result, plan.closed.concurrency),
    ];
    if (ratio !== undefined)
      measurements.push({
        name: 'ratio: ingress alone / hello baseline (same run)',
        value: ratio,
        unit: '%',
        note: `hello ${hello?.toLocaleString('en-US')} requests/s`,
      });
    const cores = cpus().length;
    const reached =
      ratio !== undefined && ratio >= 60 && alone.result.latency.p99 <= 50 && alone.result.errors === 0;
    return {
      sections: [
        {
          title: `Herald: single-message ingress (POST /v1/messages, ${plan.partitions} partitions)`,
          measurements,
          notes: [
            `ingress alone: ${describeCpu(alone.cpu, cores)}; ${alone.inside}`,
            `with the pipeline: ${describeCpu(shared.cpu, cores)}; ${shared.inside}`,
            `ledger: ${describeLedger(ledger)}`,
          ],
        },
      ],
      targets: [
        {
          target: 'single-message ingress ≥ 60% of the hello-world Hono baseline, p99 ≤ 50 ms, 0 errors',
          reached,
          measured: `${alone.result.rate.toLocaleString('en-US')} requests/s = ${ratio ?? '?'}% of hello, p99 ${alone.result.latency.p99} ms, ${alone.result.errors} errors (downstream paused); with the pipeline running ${shared.result.rate.toLocaleString('en-US')} requests/s, p99 ${shared.result.latency.p99} ms`,
          bottleneck: reached ? undefined : `${describeCpu(alone.cpu, cores)}; ${alone.inside}`,
        },
      ],
      charts: [],
      failures: ledger.balanced ? [] : [`ingress ledger: ${describeLedger(ledger)}`],
    };
  } finally {
    cpu.stop();
    bench.setDownstreamPaused(false);
    await pool.close();
  }
}
