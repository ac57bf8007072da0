import { cpus } from 'node:os';
import { describeCpu } from '../herald/cpu.js';
import { describeLedger } from '../herald/ledger.js';
import {
  deliveryLatency,
  describeLag,
  latencyFigure,
  pipelinePanels,
  runPipeline,
} from '../herald/pipeline.js';
import type { PipelineLoad } from '../herald/pipeline.js';
import { createBenchTenant } from '../herald/stack.js';
import type { ScenarioContext, ScenarioResult } from './context.js';

/** Target of issue 8: end-to-end p99 at 1,000 messages/s, ms. */
const TARGET_P99_MS = 500;

/**
 * End-to-end latency at a fixed open-model rate of single sends: from each message's due time
 * (not its actual send, so a stall cannot hide) to `delivered` visible in the read model, through
 * ingress, router, sender, provider-sim (and its status callbacks to the ingress) and projector.
 */
export async function benchLatency(context: ScenarioContext): Promise<ScenarioResult> {
  const { plan, log } = context;
  const bench = await context.stacks.get('pipeline', plan.partitions);
  const tenantId = 'bench-latency';
  const load: PipelineLoad = {
    tenantId,
    apiKey: await createBenchTenant(bench, tenantId),
    messagesPerSecond: plan.latency.rate,
    perRequest: 1,
    durationMs: plan.latency.durationMs,
    drainMs: plan.latency.drainMs,
  };
  const run = await runPipeline(bench, load);
  const latency = await deliveryLatency(bench, run, tenantId, 1);
  log(
    `latency: e2e p50 ${latency.visible.p50} ms, p99 ${latency.visible.p99} ms; ${describeLedger(run.ledger)}`,
  );
  const shown = (ms: number) => latencyFigure(ms, plan.latency.drainMs).value;
  const figure = (ms: number) => latencyFigure(ms, plan.latency.drainMs);
  const cores = cpus().length;
  const reached =
    Number.isFinite(latency.visible.p99) &&
    latency.visible.p99 <= TARGET_P99_MS &&
    run.load.errors === 0 &&
    run.load.unanswered === 0;
  const seconds = plan.latency.durationMs / 1000;
  return {
    sections: [
      {
        title: `Herald: end-to-end latency at ${plan.latency.rate.toLocaleString('en-US')} messages/s (open model, single sends, ${seconds} s, ${plan.partitions} partitions)`,
        measurements: [
          { name: 'offered', value: plan.latency.rate, unit: 'messages/s', count: run.load.offered, seconds },
          {
            name: 'ingress answer p50 (from due time)',
            ...figure(run.load.latency.p50),
            unit: 'ms',
            count: run.load.latency.count,
          },
          {
            name: 'ingress answer p99 (from due time)',
            ...figure(run.load.latency.p99),
            unit: 'ms',
            count: run.load.latency.count,
          },
          {
            name: 'errors',
            value: run.load.errors,
            unit: 'requests',
            note: Object.keys(run.load.errorReasons).join(', ') || undefined,
          },
          { name: 'unanswered at the cut-off', value: run.load.unanswered, unit: 'requests' },
          {
            name: 'due → delivered visible in the read model, p50',
            ...figure(latency.visible.p50),
            unit: 'ms',
            count: latency.measured,
          },
          {
            name: 'due → delivered visible in the read model, p99',
            ...figure(latency.visible.p99),
            unit: 'ms',
            count: latency.measured,
          },
          {
            name: 'due → provider delivered callback, p99',
            ...figure(latency.reported.p99),
            unit: 'ms',
            count: latency.measured,
          },
          {
            name: 'not delivered by the cut-off',
            value: latency.notDelivered,
            unit: 'messages',
            count: latency.measured,
          },
        ],
        notes: [
          `the first 10% of sends are warm-up, left out of the percentiles; the generator sent late by ${run.load.sendLagP99Ms} ms at p99`,
          `CPU while loaded: ${describeCpu(run.cpu, cores)}`,
          `lag: ${describeLag(run.growth)}`,
          `ledger: ${describeLedger(run.ledger)}`,
        ],
      },
    ],
    targets: [
      {
        target: 'end-to-end p99 ≤ 500 ms at 1,000 messages/s',
        reached,
        measured: `p99 ${Number.isFinite(latency.visible.p99) ? `${latency.visible.p99} ms` : `> ${plan.latency.drainMs} ms (not delivered by the cut-off)`}, p50 ${shown(latency.visible.p50)} ms at ${plan.latency.rate.toLocaleString('en-US')} messages/s for ${seconds} s (provider callback p99 ${shown(latency.reported.p99)} ms)`,
        bottleneck: reached ? undefined : `${describeCpu(run.cpu, cores)}; ${describeLag(run.growth)}`,
      },
    ],
    charts: [
      {
        name: 'latency',
        title: `End-to-end at ${plan.latency.rate.toLocaleString('en-US')} messages/s (single sends)`,
        panels: pipelinePanels(run, load, `${plan.latency.rate.toLocaleString('en-US')}/s`),
      },
    ],
    failures: run.ledger.balanced ? [] : [`latency ledger: ${describeLedger(run.ledger)}`],
  };
}
