import test from 'ava';
import fc from 'fast-check';
import { coalesce } from '../src/coalesce.js';

/** A loadMany whose calls the test settles by hand, recording what each call asked for. */
function manualLoader() {
  const calls: { keys: readonly string[]; settle: (error?: Error) => void }[] = [];
  let running = 0;
  let maxRunning = 0;
  const loadMany = (keys: readonly string[]) =>
    new Promise<string[]>((resolve, reject) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      calls.push({
        keys,
        settle: (error) => {
          running--;
          if (error) reject(error);
          else resolve(keys.map((key) => `value of ${key}`));
        },
      });
    });
  return { calls, loadMany, maxRunning: () => maxRunning };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

test('the first lookup starts at once; lookups made meanwhile share one call, equal keys asked once', async (t) => {
  const loader = manualLoader();
  const lookup = coalesce(loader.loadMany, (key) => key, { maxInFlight: 1 });
  const first = lookup('a');
  t.deepEqual(
    loader.calls.map((call) => call.keys),
    [['a']],
  );
  const waiting = [lookup('b'), lookup('c'), lookup('b')];
  t.is(loader.calls.length, 1, 'nothing more starts while the one allowed call runs');
  loader.calls[0]?.settle();
  t.is(await first, 'value of a');
  await flush();
  t.deepEqual(loader.calls[1]?.keys, ['b', 'c']);
  loader.calls[1]?.settle();
  t.deepEqual(await Promise.all(waiting), ['value of b', 'value of c', 'value of b']);
});

test('a failed call rejects every lookup of its batch and no other', async (t) => {
  const loader = manualLoader();
  const lookup = coalesce(loader.loadMany, (key) => key, { maxInFlight: 1 });
  const first = lookup('a');
  const second = lookup('b');
  loader.calls[0]?.settle(new Error('database down'));
  await t.throwsAsync(first, { message: 'database down' });
  await flush();
  loader.calls[1]?.settle();
  t.is(await second, 'value of b');
});

test('property: every lookup gets its own key’s answer, within the in-flight and batch limits', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5', 'k6'), { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 8 }),
      async (keys, maxInFlight, maxBatch) => {
        const loader = manualLoader();
        const lookup = coalesce(loader.loadMany, (key) => key, { maxInFlight, maxBatch });
        const answers = keys.map((key) => lookup(key));
        // Settle calls one by one until every lookup is answered.
        for (let settled = 0; settled < loader.calls.length; settled++) {
          loader.calls[settled]?.settle();
          await flush();
        }
        t.deepEqual(
          await Promise.all(answers),
          keys.map((key) => `value of ${key}`),
        );
        return (
          loader.maxRunning() <= maxInFlight &&
          loader.calls.every(
            (call) => call.keys.length <= maxBatch && new Set(call.keys).size === call.keys.length,
          )
        );
      },
    ),
  );
});
