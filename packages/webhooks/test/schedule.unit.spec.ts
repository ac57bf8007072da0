import test from 'ava';
import fc from 'fast-check';
import {
  DEFAULT_RETRY_SCHEDULE,
  MAX_RETRY_AFTER_MS,
  nextAttemptAt,
  outcomeOf,
  parseRetryAfter,
  parseRetrySchedule,
  RetryScheduleError,
} from '../src/index.js';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;

const schedules = fc.array(fc.integer({ min: 0, max: 48 * HOUR }), { minLength: 1, maxLength: 12 });
const draws = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

test('the default schedule is immediate, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', (t) => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => {
    const at = nextAttemptAt({ attempt, now: NOW, random: 0.5 });
    return at === null ? null : at - NOW;
  });
  t.deepEqual(delays, [0, 5_000, 300_000, 1_800_000, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);
  t.is(nextAttemptAt({ attempt: 9, now: NOW, random: 0.5 }), null);
});

test('the first attempt is never jittered; later ones move by up to 20 % either way', (t) => {
  t.is(nextAttemptAt({ attempt: 1, now: NOW, random: 0.99, schedule: [1000, 1000] }), NOW + 1000);
  t.is(nextAttemptAt({ attempt: 2, now: NOW, random: 0, schedule: [1000, 1000] }), NOW + 800);
  t.is(nextAttemptAt({ attempt: 2, now: NOW, random: 0.75, schedule: [1000, 1000] }), NOW + 1100);
});

test('property: every delay stays within its jitter bounds', (t) => {
  fc.assert(
    fc.property(schedules, draws, fc.nat(20), (schedule, random, index) => {
      const attempt = (index % schedule.length) + 1;
      const base = schedule[attempt - 1] ?? 0;
      const at = nextAttemptAt({ attempt, now: NOW, schedule, random });
      if (at === null) return false;
      if (attempt === 1) return at === NOW + base;
      return at >= NOW + Math.floor(base * 0.8) && at <= NOW + Math.ceil(base * 1.2);
    }),
  );
  t.pass();
});

test('property: never earlier than Retry-After, which holds back at most 24 h', (t) => {
  fc.assert(
    fc.property(
      schedules,
      draws,
      fc.nat(20),
      fc.integer({ min: -HOUR, max: 72 * HOUR }),
      (schedule, random, index, wait) => {
        const attempt = (index % schedule.length) + 1;
        const retryAfter = NOW + wait;
        const at = nextAttemptAt({ attempt, now: NOW, schedule, random, retryAfter });
        const withoutRetryAfter = nextAttemptAt({ attempt, now: NOW, schedule, random });
        if (at === null || withoutRetryAfter === null) return false;
        const cap = NOW + MAX_RETRY_AFTER_MS;
        return at === Math.max(withoutRetryAfter, Math.min(retryAfter, cap));
      },
    ),
  );
  t.pass();
});

test('property: the schedule is exhausted after its last attempt, and only then', (t) => {
  fc.assert(
    fc.property(schedules, draws, fc.integer({ min: 1, max: 30 }), (schedule, random, attempt) => {
      const at = nextAttemptAt({ attempt, now: NOW, schedule, random });
      return attempt > schedule.length ? at === null : at !== null;
    }),
  );
  t.is(nextAttemptAt({ attempt: 0, now: NOW, random: 0 }), null);
  t.is(nextAttemptAt({ attempt: 1.5, now: NOW, random: 0 }), null);
  t.is(DEFAULT_RETRY_SCHEDULE.length, 8);
});

test('Retry-After is read as delay-seconds or as an HTTP date', (t) => {
  t.is(parseRetryAfter('120', NOW), NOW + 120_000);
  t.is(parseRetryAfter(' 0 ', NOW), NOW);
  t.is(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', NOW), Date.UTC(2015, 9, 21, 7, 28));
  t.is(parseRetryAfter('Wednesday, 21-Oct-15 07:28:00 GMT', NOW), Date.UTC(2015, 9, 21, 7, 28));
});

test('a missing or malformed Retry-After is ignored', (t) => {
  for (const bad of [
    null,
    undefined,
    '',
    '-5',
    '1.5',
    'soon',
    '2025-06-01T12:00:00',
    'Wed, 21 Oct 2015 07:28:00',
  ]) {
    t.is(parseRetryAfter(bad, NOW), null, String(bad));
  }
});

test('a Retry-After date two days out holds the retry back by 24 h, not more', (t) => {
  const retryAfter = parseRetryAfter(new Date(NOW + 48 * HOUR).toUTCString(), NOW);
  t.is(nextAttemptAt({ attempt: 2, now: NOW, random: 0.5, retryAfter }), NOW + 24 * HOUR);
});

test('2xx is delivered, 410 disables the endpoint, everything else is retried', (t) => {
  for (const status of [200, 201, 204, 299]) t.is(outcomeOf(status), 'delivered', String(status));
  t.is(outcomeOf(410), 'gone');
  for (const result of [100, 301, 302, 307, 400, 401, 404, 429, 500, 503, 'timeout', 'network'] as const) {
    t.is(outcomeOf(result), 'retry', String(result));
  }
});

test('a configured schedule must be non-empty whole milliseconds', (t) => {
  t.deepEqual(parseRetrySchedule([0, 1000]), [0, 1000]);
  for (const bad of [[], [-1], [0, 1.5], [Number.NaN], [Number.POSITIVE_INFINITY]]) {
    t.throws(() => parseRetrySchedule(bad), { instanceOf: RetryScheduleError }, JSON.stringify(bad));
  }
});
