import type { ClaimedDelivery, EndpointHealth, SettledAttempt } from '@herald/store';
import { nextAttemptAt, outcomeOf, parseRetryAfter } from '@herald/webhooks';
import type { AttemptResult } from './attempt.js';

/** What one attempt changes: the attempt log and delivery, the endpoint's health, a 410. */
export interface AttemptDecision {
  settled: SettledAttempt;
  /** Null for a callback_url, and for a 410 (which disables the endpoint instead). */
  health: EndpointHealth | null;
  gone: { endpointId: string; detail: string } | null;
}

/** How retries are spaced. */
export interface RetryPolicy {
  /** Delay before each attempt, the first included. */
  schedule: readonly number[];
  /** A draw in [0, 1) for the jitter. */
  random: () => number;
}

/**
 * Decides what an attempt means: 2xx delivered; 410 gone (an endpoint is disabled, a callback_url
 * is not called again); anything else retried at the next scheduled time (later if Retry-After
 * asks), or failed once the schedule is exhausted. Pure but for the random draw.
 */
export function decideAttempt(
  delivery: ClaimedDelivery,
  result: AttemptResult,
  policy: RetryPolicy,
): AttemptDecision {
  const attempt = delivery.attempts + 1;
  const endedAt = result.startedAt + result.latencyMs;
  const verdict = outcomeOf(result.result);
  let next: number | null = null;
  if (verdict === 'retry') {
    next = nextAttemptAt({
      attempt: attempt + 1,
      now: endedAt,
      schedule: policy.schedule,
      random: policy.random(),
      retryAfter: parseRetryAfter(result.retryAfter, endedAt),
    });
  }
  const outcome = verdict === 'retry' && next === null ? 'failed' : verdict;
  const settled: SettledAttempt = {
    deliveryId: delivery.id,
    attempt,
    startedAt: result.startedAt,
    latencyMs: result.latencyMs,
    statusCode: result.statusCode,
    outcome,
    error: result.error,
    responseExcerpt: result.responseExcerpt,
    nextAttemptAt: next,
  };
  const endpointId = delivery.endpointId;
  if (endpointId === null) return { settled, health: null, gone: null };
  if (verdict === 'gone') {
    const detail = `${delivery.url} answered 410 Gone at ${new Date(result.startedAt).toISOString()}`;
    return { settled, health: null, gone: { endpointId, detail } };
  }
  return {
    settled,
    health: { endpointId, ok: verdict === 'delivered', at: result.startedAt, error: result.error },
    gone: null,
  };
}
