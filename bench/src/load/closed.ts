import type { Pool } from 'undici';
import type { GeneratedRequest, ResponseCheck } from './http.js';
import { send } from './http.js';
import type { LatencySummary } from './percentiles.js';
import { LatencyRecorder } from './percentiles.js';

/** A closed-model run: `concurrency` clients, each sending its next request when the last answered. */
export interface ClosedLoadOptions {
  pool: Pool;
  concurrency: number;
  /** Measured time, after the warm-up. */
  durationMs: number;
  /** Time spent sending before measuring, so JIT and connection set-up stay out of the figures. */
  warmupMs: number;
  /** Stops after this many measured requests, if it comes before the end of `durationMs`. */
  requests?: number;
  request: (index: number) => GeneratedRequest;
  check: ResponseCheck;
}

/** What a load run measured (warm-up excluded). */
export interface LoadResult {
  requests: number;
  errors: number;
  /** Error reasons and how often each happened. */
  errorReasons: Record<string, number>;
  seconds: number;
  /** Requests answered per second, errors included. */
  rate: number;
  latency: LatencySummary;
}

/** Runs the closed model and returns what the measured window saw. */
export async function runClosedLoad(options: ClosedLoadOptions): Promise<LoadResult> {
  const recorder = new LatencyRecorder();
  const errorReasons: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  let index = 0;
  let measuredStarted = 0;
  const limit = options.requests ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const deadline = measureFrom + options.durationMs;
  const client = async () => {
    while (performance.now() < deadline && measuredStarted < limit) {
      const i = index++;
      const sentAt = performance.now();
      if (sentAt >= measureFrom) measuredStarted++;
      const { status, body } = await send(options.pool, options.request(i));
      const verdict = options.check(status, body, i);
      if (sentAt < measureFrom) continue;
      requests++;
      recorder.record(performance.now() - sentAt);
      if (!verdict.ok) {
        errors++;
        errorReasons[verdict.reason] = (errorReasons[verdict.reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = (performance.now() - measureFrom) / 1000;
  return {
    requests,
    errors,
    errorReasons,
    seconds: Number(seconds.toFixed(2)),
    rate: Math.round(requests / seconds),
    latency: recorder.summary(),
  };
}
