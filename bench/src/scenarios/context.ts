import type { TestServices } from '@herald/testkit';
import type { BenchStack } from '../herald/stack.js';
import type { Chart, Section, TargetCheck } from '../report.js';

/** Sizes and durations of one run: `--quick` or full. */
export interface BenchPlan {
  quick: boolean;
  /** Closed-model single sends (hello and ingress). */
  closed: { concurrency: number; warmupMs: number; durationMs: number };
  /** Records of the raw Kafka baseline and rows of the raw Postgres baseline. */
  baselineRecords: number;
  batch: {
    messages: number;
    perRequest: number;
    concurrency: number;
    broadcasts: number;
    recipients: number;
  };
  /** How long the ingress and batch ledgers wait for the pipeline to drain their messages. */
  ingestDrainMs: number;
  e2e: { rate: number; perRequest: number; durationMs: number; drainMs: number };
  latency: { rate: number; durationMs: number; drainMs: number };
  sweep: {
    partitions: number[];
    instances: number[];
    rate: number;
    perRequest: number;
    durationMs: number;
    drainMs: number;
  };
  /** Partitions of the stacks other than the sweep's. */
  partitions: number;
  /** Events of the projection scenario (the webhooks burst takes a tenth). */
  events: number;
}

/** The plan of a full run, or of a `--quick` smoke run (all scenarios together under 3 minutes). */
export function benchPlan(quick: boolean, events: number | undefined): BenchPlan {
  return quick
    ? {
        quick,
        closed: { concurrency: 50, warmupMs: 1000, durationMs: 3000 },
        baselineRecords: 20_000,
        batch: { messages: 20_000, perRequest: 500, concurrency: 4, broadcasts: 2, recipients: 5_000 },
        ingestDrainMs: 4_000,
        e2e: { rate: 1_500, perRequest: 25, durationMs: 8_000, drainMs: 4_000 },
        latency: { rate: 1_000, durationMs: 6_000, drainMs: 4_000 },
        sweep: {
          partitions: [6],
          instances: [1, 2],
          rate: 2_000,
          perRequest: 50,
          durationMs: 5_000,
          drainMs: 3_000,
        },
        partitions: 6,
        events: events ?? 20_000,
      }
    : {
        quick,
        closed: { concurrency: 50, warmupMs: 2000, durationMs: 10_000 },
        baselineRecords: 200_000,
        batch: { messages: 200_000, perRequest: 1000, concurrency: 4, broadcasts: 5, recipients: 20_000 },
        ingestDrainMs: 30_000,
        e2e: { rate: 5_000, perRequest: 50, durationMs: 60_000, drainMs: 60_000 },
        latency: { rate: 1_000, durationMs: 30_000, drainMs: 30_000 },
        sweep: {
          partitions: [1, 3, 6, 12],
          instances: [1, 2, 4],
          rate: 3_000,
          perRequest: 50,
          durationMs: 15_000,
          drainMs: 10_000,
        },
        partitions: 6,
        events: events ?? 200_000,
      };
}

/** Stacks shared by scenarios that can run one after the other on the same Herald. */
export interface StackProvider {
  /** The stack of `key` with `partitions`, started on first use. */
  get: (key: string, partitions: number) => Promise<BenchStack>;
}

/** Figures of the baselines, for the ratios of the Herald scenarios measured after them. */
export interface Baselines {
  helloRequestsPerSecond?: number;
  /** CPU the hello server spent per request (ms), to compare the ingress's with. */
  helloCpuMsPerRequest?: number;
  kafkaRecordsPerSecond?: number;
  postgresRowsPerSecond?: number;
}

/** What every scenario gets. */
export interface ScenarioContext {
  services: TestServices;
  plan: BenchPlan;
  stacks: StackProvider;
  baselines: Baselines;
  /** `--set KEY=VALUE` overrides for every Herald process. */
  env: Record<string, string>;
  log: (line: string) => void;
}

/** What a scenario hands back to the report. */
export interface ScenarioResult {
  sections: Section[];
  targets: TargetCheck[];
  charts: Chart[];
  /** Unbalanced ledgers and the like: the run fails with these. */
  failures: string[];
}
