import test from 'ava';
import type { ClaimedDelivery } from '@herald/store';
import type { AttemptResult } from '../src/attempt.js';
import { decideAttempt } from '../src/outcome.js';

const START = Date.UTC(2026, 10, 22, 12, 0, 0);
const policy = { schedule: [0, 300, 600], random: () => 0.5 };

function delivery(attempts: number, endpointId: string | null = 'ep_1'): ClaimedDelivery {
  return {
    id: '42',
    tenantId: 'tenant-a',
    endpointId,
    url: 'https://hooks.example.com/herald',
    destination: endpointId ?? 'https://hooks.example.com/herald',
    webhookMessageId: 'msg_1',
    messageId: '5d1c7e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
    attempts,
    payload: '{}',
    occurredAt: START - 1000,
    traceparent: null,
    endpoint:
      endpointId === null
        ? null
        : { enabled: true, ordered: false, maxConcurrency: 10, headers: {}, secrets: ['whsec_x'] },
  };
}

function answered(result: AttemptResult['result'], retryAfter: string | null = null): AttemptResult {
  return {
    startedAt: START,
    latencyMs: 40,
    result,
    statusCode: typeof result === 'number' ? result : null,
    retryAfter,
    error: typeof result === 'number' && result < 300 ? null : `HTTP ${String(result)}`,
    responseExcerpt: null,
  };
}

test('a 2xx delivers and marks the endpoint healthy', (t) => {
  const decision = decideAttempt(delivery(0), answered(204), policy);
  t.like(decision.settled, { attempt: 1, outcome: 'delivered', nextAttemptAt: null, statusCode: 204 });
  t.deepEqual(decision.health, { endpointId: 'ep_1', ok: true, at: START, error: null });
  t.is(decision.gone, null);
});

test('a failure is retried at the next delay of the schedule, counted from its end', (t) => {
  const first = decideAttempt(delivery(0), answered(500), policy);
  t.like(first.settled, { attempt: 1, outcome: 'retry', nextAttemptAt: START + 40 + 300 });
  t.like(first.health, { ok: false, error: 'HTTP 500' });
  const second = decideAttempt(delivery(1), answered('timeout'), policy);
  t.like(second.settled, { attempt: 2, outcome: 'retry', nextAttemptAt: START + 40 + 600, statusCode: null });
});

test('the last attempt of the schedule fails the delivery', (t) => {
  t.like(decideAttempt(delivery(2), answered(503), policy).settled, {
    attempt: 3,
    outcome: 'failed',
    nextAttemptAt: null,
  });
});

test('Retry-After later than the schedule wins', (t) => {
  const decision = decideAttempt(delivery(0), answered(429, '2'), policy);
  t.is(decision.settled.nextAttemptAt, START + 40 + 2000);
});

test('a redirect is a failed attempt, retried', (t) => {
  t.is(decideAttempt(delivery(0), answered(302), policy).settled.outcome, 'retry');
});

test('410 disables an endpoint; a callback_url that answers 410 is simply not called again', (t) => {
  const gone = decideAttempt(delivery(0), answered(410), policy);
  t.like(gone.settled, { outcome: 'gone', nextAttemptAt: null });
  t.is(gone.health, null);
  t.is(gone.gone?.endpointId, 'ep_1');
  t.regex(gone.gone?.detail ?? '', /answered 410 Gone/);
  const callback = decideAttempt(delivery(0, null), answered(410), policy);
  t.like(callback, { health: null, gone: null });
  t.is(callback.settled.outcome, 'gone');
});
