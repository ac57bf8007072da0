import { cpus } from 'node:os';
import { MACHINE, cpuMsPerRequest, describeCpu } from '../herald/cpu.js';
import { lagGrows } from '../herald/lag.js';
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

/**
 * CPU of every process of the benchmark together per message, over the messages accepted and over
 * those that became final (equal when the pipeline keeps up; in overload the truth is between them).
 */
function cpuPerMessage(
  cpu: Record<string, number>,
  accepted: number,
  finished: number,
  cores: number,
): string {
  const total = Object.entries(cpu)
    .filter(([label]) => label !== MACHINE)
    .reduce((sum, [, value]) => sum + value, 0);
  return `CPU per message, all processes together: ${cpuMsPerRequest(total, accepted)} ms per accepted, ${cpuMsPerRequest(total, finished)} ms per final message (${cores} cores allow ${((cores * 1000) / TARGET_RATE).toFixed(2)} ms at ${TARGET_RATE.toLocaleString('en-US')}/s)`;
}

/** Target of issue 8: sustained end-to-end messages/s, for this long, with lag that does not grow. */
const TARGET_RATE = 5_000;
const TARGET_SECONDS = 60;

/**
 * Sustained end-to-end throughput: an open-model arrival rate (batch sends on a clock) for a fixed
 * time; what matters is the rate at which messages become final in the read model over the second
 * half of the run, and whether the backlog (accepted minus final) grows meanwhile.
 */
export async function benchE2e(context: ScenarioContext): Promise<ScenarioResult> {
  const { plan, log } = context;
  const bench = await context.stacks.get('pipeline', plan.partitions);
  const tenantId = 'bench-e2e';
  const { rate, perRequest, durationMs, drainMs } = plan.e2e;
  const load: PipelineLoad = {
    tenantId,
    apiKey: await createBenchTenant(bench, tenantId),
    messagesPerSecond: rate,
    perRequest,
    durationMs,
    drainMs,
  };
  const run = await runPipeline(bench, load);
  const latency = await deliveryLatency(bench, run, tenantId, perRequest);
  const seconds = durationMs / 1000;
  const backlogPoints = run.lag
    .filter((s) => s.t >= seconds / 2 && s.t <= seconds)
    .map((s) => ({ t: s.t, value: s.backlog }));
  const grows = lagGrows(backlogPoints, rate);
  const acceptedRate = Math.round(run.accepted.count / seconds);
  log(
    `e2e: offered ${rate}/s, accepted ${acceptedRate}/s, final ${run.finishedPerSecond}/s, backlog ${grows ? 'grows' : 'steady'}; ${describeLedger(run.ledger)}`,
  );
  const cores = cpus().length;
  const reached =
    rate >= TARGET_RATE &&
    seconds >= TARGET_SECONDS &&
    run.finishedPerSecond >= 0.95 * rate &&
    !grows &&
    run.load.errors === 0 &&
    run.load.unanswered === 0;
  const figure = (ms: number) => latencyFigure(ms, drainMs);
  return {
    sections: [
      {
        title: `Herald: sustained end-to-end (open model, ${perRequest} messages a batch request, ${seconds} s, ${plan.partitions} partitions)`,
        measurements: [
          { name: 'offered', value: rate, unit: 'messages/s', count: run.load.offered * perRequest, seconds },
          {
            name: 'accepted (202)',
            value: acceptedRate,
            unit: 'messages/s',
            count: run.accepted.count,
            note: `request p99 ${figure(run.load.latency.p99).value} ms from due time; ${run.load.errors} failed, ${run.load.unanswered} unanswered requests`,
          },
          {
            name: 'final in the read model (second half of the run)',
            value: run.finishedPerSecond,
            unit: 'messages/s',
          },
          {
            name: 'backlog growth (second half of the run)',
            value: run.growth.backlog,
            unit: 'messages/s',
            note: grows ? 'grows' : 'steady',
          },
          { name: 'largest backlog', value: Math.max(0, ...run.lag.map((s) => s.backlog)), unit: 'messages' },
          {
            name: 'due → delivered visible, p50',
            ...figure(latency.visible.p50),
            unit: 'ms',
            count: latency.measured,
          },
          {
            name: 'due → delivered visible, p99',
            ...figure(latency.visible.p99),
            unit: 'ms',
            count: latency.measured,
          },
        ],
        notes: [
          `CPU while loaded: ${describeCpu(run.cpu, cores)}`,
          cpuPerMessage(run.cpu, acceptedRate, run.finishedPerSecond, cores),
          `lag: ${describeLag(run.growth)}`,
          `ledger: ${describeLedger(run.ledger)}`,
        ],
      },
    ],
    targets: [
      {
        target: 'end-to-end sustained ≥ 5,000 messages/s for 60 s with lag that does not grow',
        reached,
        measured: `${plan.quick ? '(quick run: below the target load and duration) ' : ''}offered ${rate.toLocaleString('en-US')}/s for ${seconds} s: ${run.finishedPerSecond.toLocaleString('en-US')} messages/s final in the read model, backlog ${grows ? 'grows' : 'steady'} (${run.growth.backlog >= 0 ? '+' : ''}${run.growth.backlog}/s)`,
        bottleneck: reached ? undefined : `${describeCpu(run.cpu, cores)}; ${describeLag(run.growth)}`,
      },
    ],
    charts: [
      {
        name: 'e2e',
        title: `Sustained end-to-end at ${rate.toLocaleString('en-US')} messages/s offered`,
        panels: pipelinePanels(run, load, `${rate.toLocaleString('en-US')}/s offered`),
      },
    ],
    failures: run.ledger.balanced ? [] : [`e2e ledger: ${describeLedger(run.ledger)}`],
  };
}
