import test from 'ava';
import type { Random } from '../src/random.js';
import { mulberry32, seededStreams } from '../src/random.js';
import { drawOutcome } from '../src/twilio/outcome.js';
import type { OutcomeRates } from '../src/twilio/outcome.js';

const NONE: OutcomeRates = {
  temporaryFailureRate: 0,
  permanentFailureRate: 0,
  undeliveredRate: 0,
  failedRate: 0,
};

/** Replays fixed draws and counts how many were taken. */
function scripted(values: number[]): Random & { taken: () => number } {
  let index = 0;
  return {
    next: () => values[index++] ?? 0.5,
    taken: () => index,
  };
}

test('mulberry32 is deterministic per seed and stays in [0, 1)', (t) => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const c = mulberry32(43);
  const fromA = Array.from({ length: 1_000 }, () => a.next());
  t.deepEqual(
    Array.from({ length: 1_000 }, () => b.next()),
    fromA,
  );
  t.notDeepEqual(
    Array.from({ length: 1_000 }, () => c.next()),
    fromA,
  );
  t.true(fromA.every((value) => value >= 0 && value < 1));
  const mean = fromA.reduce((sum, value) => sum + value, 0) / fromA.length;
  t.true(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

test('the jitter stream is independent of the outcome stream', (t) => {
  const { outcomes, jitter } = seededStreams(42);
  t.not(outcomes.next(), jitter.next());
});

test('every outcome takes exactly three draws, so one failure never shifts the next', (t) => {
  const rates: OutcomeRates = {
    temporaryFailureRate: 0.3,
    permanentFailureRate: 0.2,
    undeliveredRate: 0.1,
    failedRate: 0.1,
  };
  for (const draws of [
    [0.1, 0.2, 0.9],
    [0.4, 0.2, 0.9],
    [0.9, 0.2, 0.05],
    [0.9, 0.2, 0.15],
    [0.9, 0.2, 0.9],
  ]) {
    const random = scripted(draws);
    drawOutcome(random, rates);
    t.is(random.taken(), 3);
  }
});

test('draws map onto outcomes by the configured thresholds', (t) => {
  const rates: OutcomeRates = {
    temporaryFailureRate: 0.3,
    permanentFailureRate: 0.2,
    undeliveredRate: 0.1,
    failedRate: 0.1,
  };
  t.deepEqual(drawOutcome(scripted([0.29, 0.4, 0]), rates), { kind: 'temporary_failure', status: 503 });
  t.deepEqual(drawOutcome(scripted([0.29, 0.6, 0]), rates), { kind: 'temporary_failure', status: 429 });
  t.deepEqual(drawOutcome(scripted([0.3, 0, 0]), rates), { kind: 'permanent_failure' });
  t.deepEqual(drawOutcome(scripted([0.5, 0, 0.05]), rates), { kind: 'accepted', finalStatus: 'undelivered' });
  t.deepEqual(drawOutcome(scripted([0.5, 0, 0.15]), rates), { kind: 'accepted', finalStatus: 'failed' });
  t.deepEqual(drawOutcome(scripted([0.5, 0, 0.2]), rates), { kind: 'accepted', finalStatus: 'delivered' });
});

test('with every rate at zero, everything is delivered', (t) => {
  const random = mulberry32(1);
  for (let i = 0; i < 500; i += 1)
    t.deepEqual(drawOutcome(random, NONE), { kind: 'accepted', finalStatus: 'delivered' });
});
