import test from 'ava';
import { RateGate } from '../src/rate-gate.js';

test('slots of one provider are released evenly, under its limit, first come first served', async (t) => {
  const gate = new RateGate((provider) => (provider === 'metered' ? 100 : undefined));
  const released: number[] = [];
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      gate.acquire('metered').then(() => {
        released.push(performance.now());
        order.push(i);
      }),
    ),
  );
  t.deepEqual(
    order,
    Array.from({ length: 30 }, (_, i) => i),
  );
  const interval = 1000 / (100 * 0.95);
  const gaps = released.slice(1).map((at, i) => at - (released[i] ?? at));
  // Timers fire late, never early: every gap is at least the interval (1 ms of timer rounding).
  t.true(Math.min(...gaps) >= interval - 1, `smallest gap ${Math.min(...gaps).toFixed(2)} ms`);
});

test('a provider without a limit is never held, and limits are per provider', async (t) => {
  const gate = new RateGate((provider) => (provider === 'slow' ? 1 : undefined));
  await gate.acquire('slow');
  let secondSlow = false;
  const pending = gate.acquire('slow').then(() => (secondSlow = true));
  await Promise.all(Array.from({ length: 100 }, () => gate.acquire('free')));
  t.false(secondSlow, 'the free provider went first while the slow one waits for its next second');
  await pending;
  t.true(secondSlow);
});
