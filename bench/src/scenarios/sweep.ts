import { cpus } from 'node:os';
import { describeCpu } from '../herald/cpu.js';
import { describeLedger } from '../herald/ledger.js';
import { runPipeline } from '../herald/pipeline.js';
import { createBenchTenant, startBenchStack } from '../herald/stack.js';
import type { ChartSeries } from '../chart.js';
import type { Measurement } from '../report.js';
import type { ScenarioContext, ScenarioResult } from './context.js';

/**
 * The partition sweep: for each partition count a fresh stack (topics are created with it), then
 * 1, 2, 4... instances of router, sender and projector (extra processes with their own instance
 * id and ops port), each point offered the same open-model rate; the figure is the rate at which
 * messages (of any tenant: a point inherits the backlog of the points before it on the same stack)
 * become final in the read model over the second half of the point. Each point has its
 * own tenant and ledger; the next point starts after the cut-off of the previous one.
 */
export async function benchSweep(context: ScenarioContext): Promise<ScenarioResult> {
  const { plan, log } = context;
  const { partitions, instances, rate, perRequest, durationMs, drainMs } = plan.sweep;
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  const failures: string[] = [];
  const series: ChartSeries[] = [];
  const cores = cpus().length;
  for (const count of partitions) {
    // A quick run saves a stack start: its one partition count is the pipeline stack's, reused.
    const shared = plan.quick && count === plan.partitions;
    const bench = shared
      ? await context.stacks.get('pipeline', count)
      : await startBenchStack(context.services, { partitions: count, env: context.env });
    const points: [number, number][] = [];
    try {
      for (const wanted of instances) {
        await bench.scaleTo(wanted);
        const tenantId = `bench-sweep-p${count}-i${wanted}`;
        const apiKey = await createBenchTenant(bench, tenantId);
        const run = await runPipeline(bench, {
          tenantId,
          apiKey,
          messagesPerSecond: rate,
          perRequest,
          durationMs,
          drainMs,
        });
        points.push([wanted, run.pipelinePerSecond]);
        const name = `${count} partitions × ${wanted} instance${wanted > 1 ? 's' : ''}`;
        log(`sweep: ${name}: ${run.pipelinePerSecond} messages/s final; ${describeLedger(run.ledger)}`);
        measurements.push({
          name,
          value: run.pipelinePerSecond,
          unit: 'messages/s',
          count: run.accepted.count,
          seconds: durationMs / 1000,
          note: `backlog ${run.growth.backlog >= 0 ? '+' : ''}${run.growth.backlog}/s; ${describeCpu(run.cpu, cores)}`,
        });
        if (!run.ledger.balanced) failures.push(`sweep ${name} ledger: ${describeLedger(run.ledger)}`);
        else notes.push(`${name}: ledger ${describeLedger(run.ledger)}`);
      }
    } finally {
      if (!shared) await bench.stop();
    }
    series.push({ name: `${count} partitions`, points });
  }
  return {
    sections: [
      {
        title: `Herald: partition sweep (open model, ${rate.toLocaleString('en-US')} messages/s offered in batches of ${perRequest}, ${durationMs / 1000} s a point)`,
        measurements,
        notes,
      },
    ],
    targets: [],
    charts: [
      {
        name: 'sweep',
        title: 'Partition sweep: messages/s final in the read model',
        xLabel: 'router, sender and projector instances',
        panels: [{ title: 'Throughput by instances and partitions', yLabel: 'messages/s', series }],
      },
    ],
    failures,
  };
}
