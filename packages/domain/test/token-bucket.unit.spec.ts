import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { takeToken } from '../src/index.js';
import type { TokenBucketPolicy, TokenBucketState } from '../src/index.js';

const T0 = 1_750_000_000_000;
const policy: TokenBucketPolicy = { ratePerSecond: 10, burst: 3 };

test('a new bucket starts full and allows a burst, then refuses with the exact wait', (t) => {
  let state: TokenBucketState | null = null;
  for (const remaining of [2, 1, 0]) {
    const take = takeToken(state, policy, T0);
    t.like(take, { allowed: true, remaining, retryAfterMs: 0 });
    state = take.state;
  }
  const refused = takeToken(state, policy, T0);
  t.like(refused, { allowed: false, remaining: 0, retryAfterMs: 100, resetMs: 300 });
  t.false(takeToken(refused.state, policy, T0 + 99).allowed);
  t.true(takeToken(refused.state, policy, T0 + 100).allowed);
});

test('tokens refill with time up to the burst, never beyond', (t) => {
  const empty: TokenBucketState = { tokens: 0, updatedAt: T0 };
  t.like(takeToken(empty, policy, T0 + 250), { allowed: true, remaining: 1 });
  t.like(takeToken(empty, policy, T0 + 60_000), { allowed: true, remaining: 2, resetMs: 100 });
});

test('a take of several tokens waits for all of them; one larger than the burst never succeeds', (t) => {
  const empty: TokenBucketState = { tokens: 0.5, updatedAt: T0 };
  t.like(takeToken(empty, policy, T0, 2), { allowed: false, retryAfterMs: 150 });
  t.like(takeToken(empty, policy, T0, 4), { allowed: false, retryAfterMs: Number.POSITIVE_INFINITY });
});

test('a clock behind the stored one earns nothing and waits out the difference', (t) => {
  const empty: TokenBucketState = { tokens: 0, updatedAt: T0 };
  const take = takeToken(empty, policy, T0 - 1_000);
  t.like(take, { allowed: false, retryAfterMs: 1_100, state: { tokens: 0, updatedAt: T0 } });
});

// --- properties -------------------------------------------------------------------------------

const policies = fc.record({
  ratePerSecond: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.01, max: 500, noNaN: true })),
  burst: fc.integer({ min: 1, max: 50 }),
});
const gaps = fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 200 });

test('in any window no more than burst + rate × elapsed tokens are allowed', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(policies, gaps, (bucket, waits) => {
        let state: TokenBucketState | null = null;
        let now = T0;
        const allowedAt: number[] = [];
        for (const wait of waits) {
          now += wait;
          const take = takeToken(state, bucket, now);
          if (take.allowed) allowedAt.push(now);
          state = take.state;
        }
        for (let from = 0; from < allowedAt.length; from++) {
          for (let to = from; to < allowedAt.length; to++) {
            const elapsed = (allowedAt[to] ?? 0) - (allowedAt[from] ?? 0);
            const limit = bucket.burst + (bucket.ratePerSecond * elapsed) / 1000;
            assert.ok(to - from + 1 <= limit + 1e-9, `${to - from + 1} allowed in ${elapsed} ms`);
          }
        }
      }),
      { numRuns: 300 },
    ),
  );
});

test('retryAfterMs is exact: a take after waiting it succeeds, one ms earlier fails', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(
        policies,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        (bucket, fill, cost) => {
          fc.pre(cost <= bucket.burst);
          const start: TokenBucketState = { tokens: fill * bucket.burst, updatedAt: T0 };
          const take = takeToken(start, bucket, T0, cost);
          if (take.allowed) return;
          assert.ok(take.retryAfterMs > 0 && Number.isInteger(take.retryAfterMs));
          assert.ok(takeToken(take.state, bucket, T0 + take.retryAfterMs, cost).allowed);
          assert.ok(!takeToken(take.state, bucket, T0 + take.retryAfterMs - 1, cost).allowed);
        },
      ),
      { numRuns: 1000 },
    ),
  );
});

test('resetMs is when the bucket is full again', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(policies, fc.double({ min: 0, max: 1, noNaN: true }), (bucket, fill) => {
        const take = takeToken({ tokens: fill * bucket.burst, updatedAt: T0 }, bucket, T0);
        const probe = (at: number) => takeToken(take.state, bucket, at, bucket.burst).allowed;
        assert.ok(probe(T0 + take.resetMs));
        if (take.resetMs > 0) assert.ok(!probe(T0 + take.resetMs - 1));
      }),
      { numRuns: 1000 },
    ),
  );
});
