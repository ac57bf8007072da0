import test from 'ava';
import fc from 'fast-check';
import { nextRetry } from '../src/index.js';
import type { RetryPolicy } from '../src/index.js';

const policy: RetryPolicy = { tierDelaysMs: [5_000, 60_000, 600_000], maxAttempts: 5, jitter: 0.2 };

test('the n-th retry waits in tier n, then in the last tier, until attempts run out', (t) => {
  t.deepEqual(nextRetry(policy, 1, 0.5), { kind: 'retry', tier: 0, delayMs: 5_000 });
  t.deepEqual(nextRetry(policy, 2, 0.5), { kind: 'retry', tier: 1, delayMs: 60_000 });
  t.deepEqual(nextRetry(policy, 3, 0.5), { kind: 'retry', tier: 2, delayMs: 600_000 });
  t.deepEqual(nextRetry(policy, 4, 0.5), { kind: 'retry', tier: 2, delayMs: 600_000 });
  t.deepEqual(nextRetry(policy, 5, 0.5), { kind: 'exhausted' });
});

test("a provider's longer Retry-After wins over the tier delay", (t) => {
  t.deepEqual(nextRetry(policy, 1, 0.5, 30_000), { kind: 'retry', tier: 0, delayMs: 30_000 });
  t.deepEqual(nextRetry(policy, 2, 0.5, 30_000), { kind: 'retry', tier: 1, delayMs: 60_000 });
});

test('delays stay within the jitter band and grow from tier to tier', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (attempt, random) => {
        const decision = nextRetry(policy, attempt, random);
        if (decision.kind !== 'retry') return false;
        const base = policy.tierDelaysMs[decision.tier] ?? 0;
        return decision.delayMs >= base * 0.8 && decision.delayMs <= base * 1.2;
      },
    ),
  );
  const lowestOfNext = nextRetry(policy, 2, 0).kind === 'retry' ? 48_000 : 0;
  const highestOfFirst = 6_000;
  t.true(lowestOfNext > highestOfFirst);
});
