import type { Pool } from 'undici';
import type { GeneratedRequest, ResponseCheck } from './http.js';
import { send } from './http.js';
import type { LatencySummary } from './percentiles.js';
import { LatencyRecorder } from './percentiles.js';
import { dueAt, dueBy, sendsIn } from './schedule.js';

/** An open-model run: requests sent on a clock at a fixed rate, whether or not earlier ones answered. */
export interface OpenLoadOptions {
  pool: Pool;
  requestsPerSecond: number;
  durationMs: number;
  request: (index: number) => GeneratedRequest;
  check: ResponseCheck;
  /** Sends due in this first share of the run are left out of the latency figures (JIT warm-up). */
  warmupShare?: number;
  /** Called once per answered request with its due time (epoch ms); e2e latency starts there. */
  onAnswer?: (index: number, dueEpochMs: number, ok: boolean) => void;
  /** Gives up on answers still missing this long after the last send. */
  drainTimeoutMs?: number;
}

/** What the open-model run measured. */
export interface OpenLoadResult {
  offered: number;
  answered: number;
  errors: number;
  errorReasons: Record<string, number>;
  /** Requests still unanswered at the drain timeout (counted as slower than any in the latency). */
  unanswered: number;
  /** Of those, the ones sent after the warm-up. */
  unansweredMeasured: number;
  seconds: number;
  /** From due time to answer, warm-up excluded. */
  latency: LatencySummary;
  /** How late the generator itself sent (actual minus due time): its own health. */
  sendLagP99Ms: number;
  /** Requests answered successfully in each second of the run. */
  okPerSecond: number[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs the open model; resolves when every request answered or the drain timeout passed (the
 * caller then destroys the pool, so the figures and the accepted ids stop there).
 */
export async function runOpenLoad(options: OpenLoadOptions): Promise<OpenLoadResult> {
  const total = sendsIn(options.durationMs, options.requestsPerSecond);
  const warmup = Math.floor(total * (options.warmupShare ?? 0));
  const latency = new LatencyRecorder();
  const sendLag = new LatencyRecorder();
  const okPerSecond: number[] = [];
  const errorReasons: Record<string, number> = {};
  let answered = 0;
  let errors = 0;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const start = performance.now();
  const startEpoch = Date.now();
  const answeredFlags = new Uint8Array(total);
  let cutOff = false;

  const fire = (index: number) => {
    const due = dueAt(index, options.requestsPerSecond);
    sendLag.record(performance.now() - start - due);
    inFlight++;
    void send(options.pool, options.request(index)).then(({ status, body }) => {
      if (cutOff) return; // abandoned at the drain timeout: neither counted nor accepted
      const now = performance.now();
      const verdict = options.check(status, body, index);
      answered++;
      answeredFlags[index] = 1;
      if (index >= warmup) latency.record(now - start - due);
      if (verdict.ok) {
        const second = Math.floor((now - start) / 1000);
        okPerSecond[second] = (okPerSecond[second] ?? 0) + 1;
      } else {
        errors++;
        errorReasons[verdict.reason] = (errorReasons[verdict.reason] ?? 0) + 1;
      }
      options.onAnswer?.(index, startEpoch + due, verdict.ok);
      inFlight--;
      if (inFlight === 0) drained?.();
    });
  };

  let next = 0;
  while (next < total) {
    const due = dueBy(performance.now() - start, options.requestsPerSecond, total);
    while (next < due) fire(next++);
    if (next >= total) break;
    await sleep(Math.max(0, start + dueAt(next, options.requestsPerSecond) - performance.now()));
  }
  if (inFlight > 0) {
    const done = new Promise<void>((resolve) => (drained = resolve));
    await Promise.race([done, sleep(options.drainTimeoutMs ?? 60_000)]);
  }
  cutOff = true;
  for (let second = 0; second < okPerSecond.length; second++) okPerSecond[second] ??= 0;
  // An answer that never came is the slowest of all: leaving it out would flatter the percentiles.
  let unansweredMeasured = 0;
  for (let index = warmup; index < total; index++)
    if (answeredFlags[index] === 0) {
      latency.record(Number.POSITIVE_INFINITY);
      unansweredMeasured++;
    }
  return {
    offered: total,
    answered,
    errors,
    errorReasons,
    unanswered: total - answered,
    unansweredMeasured,
    seconds: Number(((performance.now() - start) / 1000).toFixed(2)),
    latency: latency.summary(),
    sendLagP99Ms: sendLag.summary().p99,
    okPerSecond,
  };
}
