import { AcceptedIds } from '../load/accepted.js';
import { connectionPool } from '../load/http.js';
import { runOpenLoad } from '../load/open.js';
import type { OpenLoadResult } from '../load/open.js';
import { batchBody, jsonHeaders, messageBody, recipients } from '../load/payloads.js';
import { percentile, roundMs } from '../load/percentiles.js';
import { requestPlan } from '../load/schedule.js';
import type { ChartPanel } from '../chart.js';
import { CpuSampler } from './cpu.js';
import { LagSampler, slope } from './lag.js';
import type { LagSample } from './lag.js';
import { ledgerAtCutoff } from './ledger.js';
import type { LedgerResult } from './ledger.js';
import { stackCpuTargets } from './stack.js';
import type { BenchStack } from './stack.js';

/** An open-model load on the whole pipeline: messages per second, sent one per request or in batches. */
export interface PipelineLoad {
  tenantId: string;
  apiKey: string;
  messagesPerSecond: number;
  /** 1 sends `POST /v1/messages`; more sends `POST /v1/messages/batch` of that many. */
  perRequest: number;
  durationMs: number;
  /** How long the cut-off waits for every accepted message to become final. */
  drainMs: number;
}

/** What a pipeline run saw, on one clock: second 0 is the first send. */
export interface PipelineRun {
  load: OpenLoadResult;
  accepted: AcceptedIds;
  /** Due time (epoch ms) of each accepted message sent after the warm-up. */
  due: Map<string, number>;
  lag: LagSample[];
  /** Average CPU percent per process while the load ran. */
  cpu: Record<string, number>;
  ledger: LedgerResult;
  /** Messages per second that became final in the read model over the second half of the load. */
  finishedPerSecond: number;
  /** Messages of every tenant that became final per second over the same window: the pipeline's output. */
  pipelinePerSecond: number;
  /** Slope of each lag over the second half of the load, per second. */
  growth: { backlog: number; router: number; sender: number; projector: number };
}

/** Share of the run whose sends are left out of the latency figures. */
const WARMUP_SHARE = 0.1;

/**
 * Offers the load, samples lag and CPU every second, then takes the ledger at the cut-off (the
 * samplers keep running through the drain, so the chart shows the lag coming down).
 */
export async function runPipeline(bench: BenchStack, load: PipelineLoad): Promise<PipelineRun> {
  const plan = requestPlan(load.messagesPerSecond, load.perRequest, load.durationMs);
  const connections = Math.min(256, Math.max(8, Math.ceil(plan.requestsPerSecond / 20)));
  const pool = connectionPool(bench.stack.baseUrl, connections);
  const accepted = new AcceptedIds();
  const lagSampler = new LagSampler(bench, load.tenantId, () => accepted.count);
  const cpuSampler = new CpuSampler(() => stackCpuTargets(bench));
  const to = recipients();
  const idsOf = new Map<number, string[]>();
  const due = new Map<string, number>();
  const warmup = Math.floor(plan.requests * WARMUP_SHARE);
  const check = load.perRequest === 1 ? accepted.single : accepted.batch;
  lagSampler.start();
  cpuSampler.start();
  try {
    const loadFrom = lagSampler.now();
    const cpuFrom = cpuSampler.now();
    const result = await runOpenLoad({
      pool,
      requestsPerSecond: plan.requestsPerSecond,
      durationMs: load.durationMs,
      warmupShare: WARMUP_SHARE,
      drainTimeoutMs: load.drainMs,
      request: (i) =>
        load.perRequest === 1
          ? {
              method: 'POST',
              path: '/v1/messages',
              headers: jsonHeaders(load.apiKey),
              body: messageBody(to(i)),
            }
          : {
              method: 'POST',
              path: '/v1/messages/batch',
              headers: jsonHeaders(load.apiKey),
              body: batchBody(to, i * load.perRequest, load.perRequest),
            },
      check: (status, body, index) => {
        const before = accepted.ids.length;
        const verdict = check(status, body, index);
        if (index >= warmup) idsOf.set(index, accepted.ids.slice(before));
        return verdict;
      },
      onAnswer: (index, dueEpochMs) => {
        for (const id of idsOf.get(index) ?? []) due.set(id, dueEpochMs);
        idsOf.delete(index);
      },
    });
    const cpu = cpuSampler.average(cpuFrom, cpuSampler.now());
    // Requests still unanswered are abandoned here, so the accepted ids are final for the ledger.
    await pool.destroy();
    const ledger = await ledgerAtCutoff(bench, load.tenantId, accepted, load.drainMs);
    await lagSampler.stop();
    const lag = lagSampler.samples.map((s) => ({ ...s, t: Math.round((s.t - loadFrom) * 10) / 10 }));
    // The second half of the sending window: past the ramp-up, before the drain.
    const seconds = load.durationMs / 1000;
    const half = lag.filter((s) => s.t >= seconds / 2 && s.t <= seconds);
    const slopeOf = (key: 'backlog' | 'router' | 'sender' | 'projector' | 'finished' | 'finishedAll') =>
      Math.round(slope(half.map((s) => ({ t: s.t, value: s[key] }))));
    return {
      load: result,
      accepted,
      due,
      lag,
      cpu,
      ledger,
      finishedPerSecond: slopeOf('finished'),
      pipelinePerSecond: slopeOf('finishedAll'),
      growth: {
        backlog: slopeOf('backlog'),
        router: slopeOf('router'),
        sender: slopeOf('sender'),
        projector: slopeOf('projector'),
      },
    };
  } finally {
    cpuSampler.stop();
    await lagSampler.stop();
    if (!pool.destroyed) await pool.destroy();
  }
}

/** End-to-end latency percentiles, with messages not delivered by the cut-off counted as slower than any. */
export interface DeliveryLatency {
  /** Due time → the projector's transaction that made `delivered` visible in the read model. */
  visible: { p50: number; p99: number };
  /** Due time → the provider's delivered callback (the event's occurred_at). */
  reported: { p50: number; p99: number };
  measured: number;
  /**
   * Messages sent after the warm-up and not delivered by the cut-off, those of requests never
   * answered included (Infinity in the percentiles).
   */
  notDelivered: number;
}

/** Reads when each measured message was delivered and computes the latency percentiles from its due time. */
export async function deliveryLatency(
  bench: BenchStack,
  run: PipelineRun,
  tenantId: string,
  perRequest: number,
): Promise<DeliveryLatency> {
  const { rows } = await bench.pool.query<{ id: string; visible: number; reported: number }>(
    `SELECT stream_id::text AS id, extract(epoch FROM recorded_at) * 1000 AS visible,
            extract(epoch FROM occurred_at) * 1000 AS reported
       FROM events WHERE tenant_id = $1 AND type = 'MessageDelivered'`,
    [tenantId],
  );
  const delivered = new Map(rows.map((row) => [row.id, row]));
  const visible: number[] = [];
  const reported: number[] = [];
  for (const [id, dueAt] of run.due) {
    const row = delivered.get(id);
    visible.push(row ? Number(row.visible) - dueAt : Number.POSITIVE_INFINITY);
    reported.push(row ? Number(row.reported) - dueAt : Number.POSITIVE_INFINITY);
  }
  for (let i = 0; i < run.load.unansweredMeasured * perRequest; i++) {
    visible.push(Number.POSITIVE_INFINITY);
    reported.push(Number.POSITIVE_INFINITY);
  }
  visible.sort((a, b) => a - b);
  reported.sort((a, b) => a - b);
  const pick = (values: number[], p: number) => roundMs(percentile(values, p));
  return {
    visible: { p50: pick(visible, 50), p99: pick(visible, 99) },
    reported: { p50: pick(reported, 50), p99: pick(reported, 99) },
    measured: visible.length,
    notDelivered: visible.filter((value) => !Number.isFinite(value)).length,
  };
}

/** The throughput and lag panels of a pipeline run's chart. */
export function pipelinePanels(run: PipelineRun, load: PipelineLoad, title: string): ChartPanel[] {
  const seconds = load.durationMs / 1000;
  const finished: [number, number][] = [];
  for (let i = 1; i < run.lag.length; i++) {
    const [a, b] = [run.lag[i - 1], run.lag[i]];
    if (a && b && b.t > a.t) finished.push([b.t, Math.max(0, (b.finished - a.finished) / (b.t - a.t))]);
  }
  return [
    {
      title: `${title}: throughput`,
      yLabel: 'messages/s',
      series: [
        {
          name: 'offered',
          points: [
            [0, load.messagesPerSecond],
            [seconds, load.messagesPerSecond],
          ],
        },
        {
          name: 'accepted (202)',
          points: run.load.okPerSecond.map((n, s): [number, number] => [s + 0.5, n * load.perRequest]),
        },
        { name: 'final in read model', points: finished },
      ],
    },
    {
      title: `${title}: consumer lag`,
      yLabel: 'records / messages',
      series: [
        { name: 'router lag', points: run.lag.map((s): [number, number] => [s.t, s.router]) },
        { name: 'sender lag', points: run.lag.map((s): [number, number] => [s.t, s.sender]) },
        { name: 'projector lag', points: run.lag.map((s): [number, number] => [s.t, s.projector]) },
        { name: 'backlog (messages)', points: run.lag.map((s): [number, number] => [s.t, s.backlog]) },
      ],
    },
  ];
}

/** Where the lag builds up, from the slopes over the second half of the load. */
export function describeLag(growth: PipelineRun['growth']): string {
  const groups = (['router', 'sender', 'projector'] as const)
    .map((name) => [name, growth[name]] as const)
    .sort((a, b) => b[1] - a[1]);
  const [worst] = groups;
  const backlog = `backlog ${growth.backlog >= 0 ? 'grows' : 'shrinks'} by ${Math.abs(growth.backlog)} messages/s`;
  return worst && worst[1] > 0
    ? `${backlog}; lag builds up at the ${worst[0]} (+${worst[1]} records/s)`
    : backlog;
}

/**
 * A latency for the report: an infinite one (an answer or a delivery that never came before the
 * cut-off) is shown as the cut-off with a note saying it is a lower bound.
 */
export function latencyFigure(ms: number, cutoffMs: number): { value: number; note?: string } {
  return Number.isFinite(ms)
    ? { value: ms }
    : { value: cutoffMs, note: 'not seen by the cut-off: at least this' };
}
