import test from 'ava';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pickWeighted } from '../src/index.js';

interface Provider {
  readonly id: string;
  readonly weight: number;
}

// Weights as operators configure them, including disabled (0) and misconfigured (negative) ones.
const providers = fc
  .array(fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, -5)), { minLength: 0, maxLength: 10 })
  .map((weights): Provider[] => weights.map((weight, index) => ({ id: `p${index}`, weight })));

const unitInterval = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

test('nothing to pick from gives null', (t) => {
  t.is(pickWeighted([], 0.5), null);
  t.is(
    pickWeighted(
      [
        { id: 'a', weight: 0 },
        { id: 'b', weight: -1 },
      ],
      0.5,
    ),
    null,
  );
});

test('the pick is always one of the candidates with a positive weight, or null when there is none', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(providers, unitInterval, (candidates, random) => {
        const pick = pickWeighted(candidates, random);
        if (candidates.some((candidate) => candidate.weight > 0)) {
          assert.ok(pick !== null && candidates.includes(pick) && pick.weight > 0);
        } else {
          assert.equal(pick, null);
        }
      }),
      { numRuns: 1000 },
    ),
  );
});

test('random numbers just below 1 still pick the last positive candidate', (t) => {
  const candidates = [
    { id: 'a', weight: 1 },
    { id: 'b', weight: 2 },
    { id: 'c', weight: 0 },
  ];
  t.is(pickWeighted(candidates, 1 - Number.EPSILON / 2)?.id, 'b');
  t.is(pickWeighted(candidates, 0)?.id, 'a');
});

test('over a uniform grid of random numbers, each candidate is picked in proportion to its weight (±5%)', (t) => {
  const N = 100_000;
  t.notThrows(() =>
    fc.assert(
      fc.property(providers, (candidates) => {
        const counts = new Map<string, number>();
        for (let i = 0; i < N; i++) {
          const pick = pickWeighted(candidates, i / N);
          if (pick !== null) counts.set(pick.id, (counts.get(pick.id) ?? 0) + 1);
        }
        const total = candidates.reduce((sum, candidate) => sum + Math.max(candidate.weight, 0), 0);
        for (const candidate of candidates) {
          const expected = total === 0 ? 0 : Math.max(candidate.weight, 0) / total;
          const observed = (counts.get(candidate.id) ?? 0) / N;
          assert.ok(
            Math.abs(observed - expected) <= 0.05 * expected,
            `${candidate.id}: ${observed} vs ${expected}`,
          );
        }
      }),
      { numRuns: 60 },
    ),
  );
});

test('a random number outside [0, 1) is a caller bug and throws', (t) => {
  const candidates = [{ id: 'a', weight: 1 }];
  for (const random of [1, -0.1, Number.NaN])
    t.throws(() => pickWeighted(candidates, random), { instanceOf: RangeError });
});
