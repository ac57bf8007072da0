/**
 * When to try a delivery again. Pure: the clock and the random draw are passed in, so the
 * dispatcher can store the answer durably and the tests can replay any draw.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delay before each attempt, the first one included: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** Spread of every delay but the first, as a fraction: 0.2 makes 5 min anything in 4..6 min. */
export const RETRY_JITTER = 0.2;

/** The longest a receiver's Retry-After can hold a delivery back. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

/** What the dispatcher makes of one attempt's outcome. */
export type AttemptOutcome = 'delivered' | 'retry' | 'gone';

/** Inputs of `nextAttemptAt`. */
export interface NextAttemptInput {
  /** The 1-based number of the attempt being scheduled; attempt 1 is the first delivery. */
  readonly attempt: number;
  /** Epoch ms the delay counts from: the event for attempt 1, the previous attempt's end after. */
  readonly now: number;
  /** Delay before each attempt in ms; DEFAULT_RETRY_SCHEDULE unless configured. */
  readonly schedule?: readonly number[];
  /** A draw in [0, 1) that places the delay within its jitter. */
  readonly random: number;
  /** Epoch ms before which the receiver asked not to be called again (see parseRetryAfter). */
  readonly retryAfter?: number | null;
}

/**
 * Epoch ms at which to make the attempt, or null when the schedule has no such attempt.
 * Delays after the first are spread by ±20 % so a burst of failures does not come back together;
 * a Retry-After later than that wins, but never by more than 24 hours from now.
 */
export function nextAttemptAt(input: NextAttemptInput): number | null {
  const { attempt, now, random, schedule = DEFAULT_RETRY_SCHEDULE } = input;
  const base = Number.isInteger(attempt) && attempt >= 1 ? schedule[attempt - 1] : undefined;
  if (base === undefined) return null;
  const spread = attempt === 1 ? 0 : base * RETRY_JITTER * (2 * random - 1);
  const scheduled = now + Math.round(base + spread);
  const notBefore = Math.min(input.retryAfter ?? now, now + MAX_RETRY_AFTER_MS);
  return Math.max(scheduled, notBefore);
}

/**
 * The time a Retry-After header value points at, in epoch ms: delay-seconds or an HTTP date
 * (IMF-fixdate or RFC 850, both ending in GMT). Null when absent or malformed, so it is ignored.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | null {
  const value = header?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return now + Number(value) * SECOND;
  // Date.parse reads almost anything (and zone-less dates as local time), so only GMT dates pass.
  if (!value.endsWith(' GMT')) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

/** 2xx is delivered; 410 Gone disables the endpoint; anything else, 3xx and timeouts included, is retried. */
export function outcomeOf(result: number | 'timeout' | 'network'): AttemptOutcome {
  if (typeof result !== 'number') return 'retry';
  if (result >= 200 && result <= 299) return 'delivered';
  return result === 410 ? 'gone' : 'retry';
}

/** Raised when a configured schedule is empty or holds a delay that is not whole, finite ms ≥ 0. */
export class RetryScheduleError extends Error {
  readonly code = 'invalid_retry_schedule';
  constructor(message: string) {
    super(message);
    this.name = 'RetryScheduleError';
  }
}

/** A configured schedule, checked once at start-up; throws RetryScheduleError naming the bad entry. */
export function parseRetrySchedule(delays: readonly number[]): readonly number[] {
  if (delays.length === 0) throw new RetryScheduleError('the retry schedule needs at least one attempt');
  delays.forEach((delay, index) => {
    if (!Number.isSafeInteger(delay) || delay < 0) {
      throw new RetryScheduleError(`retry delay #${index + 1} must be whole milliseconds ≥ 0, got ${delay}`);
    }
  });
  return [...delays];
}
