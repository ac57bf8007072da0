import { cpus } from 'node:os';
import { AcceptedIds } from '../load/accepted.js';
import { runClosedLoad } from '../load/closed.js';
import { connectionPool } from '../load/http.js';
import { batchBody, broadcastBody, jsonHeaders, recipients } from '../load/payloads.js';
import { CpuSampler, describeCpu } from '../herald/cpu.js';
import { describeLedger, ledgerAtCutoff } from '../herald/ledger.js';
import { describeIngressTime, scrape } from '../herald/metrics.js';
import { createBenchTenant, stackCpuTargets } from '../herald/stack.js';
import type { Measurement } from '../report.js';
import type { ScenarioContext, ScenarioResult } from './context.js';

/** Target of issue 8 for batch ingest, messages per second. */
const TARGET = 50_000;

/**
 * Batch and broadcast ingest: `POST /v1/messages/batch` of `perRequest` messages from a few
 * concurrent clients, then `POST /v1/broadcasts` one after the other; messages/s counts messages
 * answered 202 (durable: acks=-1). The downstream apps are paused while ingest is measured, so the
 * figure is the ingress's; the ledger afterwards accounts for every message once they resume.
 */
export async function benchBatch(context: ScenarioContext): Promise<ScenarioResult> {
  const { plan, log } = context;
  const bench = await context.stacks.get('ingest', plan.partitions);
  const tenantId = 'bench-batch';
  const apiKey = await createBenchTenant(bench, tenantId);
  const { messages, perRequest, concurrency, broadcasts, recipients: perBroadcast } = plan.batch;
  const pool = connectionPool(bench.stack.baseUrl, concurrency);
  const accepted = new AcceptedIds();
  const cpu = new CpuSampler(() => stackCpuTargets(bench));
  const to = recipients();
  let next = 0;
  const take = (count: number) => {
    const first = next;
    next += count;
    return first;
  };
  cpu.start();
  bench.setDownstreamPaused(true);
  try {
    const warm = await runClosedLoad({
      pool,
      concurrency,
      warmupMs: 0,
      durationMs: 60_000,
      requests: concurrency * 2,
      request: () => ({
        method: 'POST',
        path: '/v1/messages/batch',
        headers: jsonHeaders(apiKey),
        body: batchBody(to, take(perRequest), perRequest),
      }),
      check: accepted.batch,
    });
    const batchFrom = cpu.now();
    const before = accepted.count;
    const metricsBefore = await scrape(`${bench.stack.baseUrl}/metrics`);
    const batch = await runClosedLoad({
      pool,
      concurrency,
      warmupMs: 0,
      durationMs: 600_000,
      requests: Math.ceil(messages / perRequest),
      request: () => ({
        method: 'POST',
        path: '/v1/messages/batch',
        headers: jsonHeaders(apiKey),
        body: batchBody(to, take(perRequest), perRequest),
      }),
      check: accepted.batch,
    });
    const batchCpu = cpu.average(batchFrom, cpu.now());
    const inside = describeIngressTime(metricsBefore, await scrape(`${bench.stack.baseUrl}/metrics`));
    const batchMessages = accepted.count - before;
    const batchRate = Math.round(batchMessages / batch.seconds);
    log(`batch: ${batchRate} messages/s`);

    const broadcastFrom = cpu.now();
    const beforeBroadcasts = accepted.count;
    const broadcast = await runClosedLoad({
      pool,
      concurrency: 1,
      warmupMs: 0,
      durationMs: 600_000,
      requests: broadcasts,
      request: () => ({
        method: 'POST',
        path: '/v1/broadcasts',
        headers: jsonHeaders(apiKey),
        body: broadcastBody(to, take(perBroadcast), perBroadcast),
      }),
      check: accepted.broadcast,
    });
    const broadcastCpu = cpu.average(broadcastFrom, cpu.now());
    const broadcastMessages = accepted.count - beforeBroadcasts;
    const broadcastRate = Math.round(broadcastMessages / broadcast.seconds);
    log(`batch: broadcasts ${broadcastRate} messages/s`);
    bench.setDownstreamPaused(false);
    cpu.stop();
    const ledger = await ledgerAtCutoff(bench, tenantId, accepted, plan.ingestDrainMs);
    log(`batch: ledger ${describeLedger(ledger)}`);

    const errors = warm.errors + batch.errors + broadcast.errors;
    const measurements: Measurement[] = [
      {
        name: `batch: ${perRequest} messages a request, ${concurrency} concurrent clients`,
        value: batchRate,
        unit: 'messages/s',
        count: batchMessages,
        seconds: batch.seconds,
        note: `request p50 ${batch.latency.p50} ms, p99 ${batch.latency.p99} ms; ${batch.errors} failed requests, ${accepted.rejectedItems} items refused`,
      },
      {
        name: `broadcast: ${perBroadcast.toLocaleString('en-US')} recipients a request, one at a time`,
        value: broadcastRate,
        unit: 'messages/s',
        count: broadcastMessages,
        seconds: broadcast.seconds,
        note: `request p50 ${broadcast.latency.p50} ms; ${broadcast.errors} failed requests`,
      },
    ];
    const kafka = context.baselines.kafkaRecordsPerSecond;
    if (kafka)
      measurements.push({
        name: 'ratio: batch ingest / raw KafkaJS produce (same run)',
        value: Math.round((100 * batchRate) / kafka),
        unit: '%',
        note: `raw produce ${kafka.toLocaleString('en-US')} records/s`,
      });
    const cores = cpus().length;
    const reached = batchRate >= TARGET && errors === 0;
    return {
      sections: [
        {
          title: `Herald: batch and broadcast ingest (downstream paused, ${plan.partitions} partitions)`,
          measurements,
          notes: [
            `batch: ${describeCpu(batchCpu, cores)}; ${inside}`,
            `broadcast: ${describeCpu(broadcastCpu, cores)}`,
            `ledger: ${describeLedger(ledger)}`,
          ],
        },
      ],
      targets: [
        {
          target: 'batch ingest ≥ 50,000 messages/s (accepted, durable)',
          reached,
          measured: `batch ${batchRate.toLocaleString('en-US')} messages/s, broadcast ${broadcastRate.toLocaleString('en-US')} messages/s, ${errors} failed requests`,
          bottleneck: reached ? undefined : `${describeCpu(batchCpu, cores)}; ${inside}`,
        },
      ],
      charts: [],
      failures: ledger.balanced ? [] : [`batch ledger: ${describeLedger(ledger)}`],
    };
  } finally {
    cpu.stop();
    bench.setDownstreamPaused(false);
    await pool.close();
  }
}
