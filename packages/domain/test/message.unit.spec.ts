import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { evolve, isAccepted, isTerminal, statusRank } from '../src/index.js';
import type { MessageEvent, MessageState, MessageStatus } from '../src/index.js';
import {
  accepted,
  cancelled,
  cancelRequested,
  delivered,
  expired,
  failed,
  MESSAGE_ID,
  project,
  read,
  routed,
  scheduled,
  sent,
  TENANT_ID,
  TO,
  undelivered,
} from './fixtures.js';

const T0 = 1_750_000_000_000;

test('a delivered message in causal order carries every fact and the time of each status', (t) => {
  const state = project([
    accepted('e1', T0),
    routed('e2', T0 + 10, 'twilio', 1),
    sent('e3', T0 + 20, 'twilio', 1, 'SM1'),
    delivered('e4', T0 + 900, 'twilio', 'SM1'),
  ]);
  t.deepEqual(state, {
    id: MESSAGE_ID,
    tenantId: TENANT_ID,
    channel: 'sms',
    to: TO,
    from: 'HERALD',
    text: 'Your code is 123456',
    priority: 'express',
    clientReference: 'order-42',
    callbackUrl: 'https://example.com/hook',
    metadata: { campaign: 'otp' },
    status: 'delivered',
    providerId: 'twilio',
    providerMessageId: 'SM1',
    errorCode: null,
    errorMessage: null,
    attempts: 1,
    createdAt: T0,
    updatedAt: T0 + 900,
    statusTimes: { queued: T0, sending: T0 + 10, sent: T0 + 20, delivered: T0 + 900 },
    sendAt: null,
    expiresAt: null,
    parts: 1,
    encoding: 'GSM-7',
    costMicros: 10_000,
    broadcastId: null,
    cancelRequestedAt: null,
  });
});

test('a late sent does not overwrite delivered, but is kept in the timeline and fills the provider message id', (t) => {
  const before = project([
    accepted('e1', T0),
    routed('e2', T0 + 10, 'twilio', 1),
    delivered('e4', T0 + 900, null, null),
  ]);
  const after = project([sent('e3', T0 + 20, 'twilio', 1, 'SM1')], before);
  t.is(after?.status, 'delivered');
  t.is(after?.statusTimes.sent, T0 + 20);
  t.is(after?.providerMessageId, 'SM1');
  t.is(after?.updatedAt, T0 + 900);
});

test('a callback projected before its accept is kept, and the accept fills in the message', (t) => {
  const early = project([delivered('e4', T0 + 900, 'twilio', 'SM1')]);
  t.is(early?.status, 'delivered');
  t.is(early?.to, TO);
  t.false(early !== null && isAccepted(early));
  t.is(early?.text, null);

  const complete = project([accepted('e1', T0)], early);
  t.true(complete !== null && isAccepted(complete));
  t.is(complete?.status, 'delivered');
  t.is(complete?.text, 'Your code is 123456');
  t.is(complete?.createdAt, T0);
  t.deepEqual(complete?.statusTimes, { queued: T0, delivered: T0 + 900 });
});

test('after a failover the provider is the last attempt’s, even when the first attempt is projected late', (t) => {
  const state = project([
    accepted('e1', T0),
    routed('e3', T0 + 50, 'vonage', 2),
    sent('e4', T0 + 60, 'vonage', 2, 'V1'),
    routed('e2', T0 + 10, 'twilio', 1),
  ]);
  t.is(state?.providerId, 'vonage');
  t.is(state?.attempts, 2);
  t.is(state?.statusTimes.sending, T0 + 10);
});

test('the first outcome stays: a contradicting callback is history, and so is its error', (t) => {
  const state = project([
    accepted('e1', T0),
    routed('e2', T0 + 10, 'twilio', 1),
    sent('e3', T0 + 20, 'twilio', 1, 'SM1'),
    undelivered('e4', T0 + 900, 'twilio', 'SM1', '30003'),
    delivered('e5', T0 + 950, 'twilio', 'SM1'),
    failed('e6', T0 + 990, 'twilio', '30007'),
  ]);
  t.is(state?.status, 'undelivered');
  t.is(state?.errorCode, '30003');
  t.is(state?.statusTimes.delivered, T0 + 950);
});

test('a scheduled message keeps its send time and the time it was scheduled', (t) => {
  const sendAt = T0 + 3_600_000;
  const state = project([
    scheduled('e2', T0 + 5, sendAt),
    accepted('e1', T0, { sendAt, expiresAt: sendAt + 60_000 }),
  ]);
  t.like(state, {
    status: 'scheduled',
    sendAt,
    expiresAt: sendAt + 60_000,
    statusTimes: { queued: T0, scheduled: T0 + 5 },
  });
});

test('a cancel request moves no status but is remembered; the cancellation ends the message with its reason', (t) => {
  const requested = project([accepted('e1', T0), cancelRequested('e2', T0 + 5)]);
  t.like(requested, { status: 'queued', cancelRequestedAt: T0 + 5, statusTimes: { queued: T0 } });
  const done = project([cancelled('e3', T0 + 6, 'cancelled by the client')], requested);
  t.like(done, {
    status: 'cancelled',
    errorCode: 'cancelled',
    errorMessage: 'cancelled by the client',
    statusTimes: { queued: T0, cancelled: T0 + 6 },
  });
});

test('a cancel request that arrives before its accept starts the message queued', (t) => {
  const early = project([cancelRequested('e2', T0 + 5)]);
  t.like(early, { status: 'queued', cancelRequestedAt: T0 + 5, statusTimes: {} });
  t.false(early !== null && isAccepted(early));
});

test('a routed message whose validity ran out expires with the reason; a late cancellation is history', (t) => {
  const state = project([
    accepted('e1', T0, { expiresAt: T0 + 100 }),
    routed('e2', T0 + 10, 'twilio', 1),
    expired('e3', T0 + 200, 'validity period ended'),
    cancelled('e4', T0 + 300),
  ]);
  t.like(state, { status: 'expired', errorCode: 'expired', errorMessage: 'validity period ended' });
  t.is(state?.statusTimes.cancelled, T0 + 300);
});

test('a read receipt moves a sent or delivered message to read and fills provider facts', (t) => {
  const state = project([
    accepted('e1', T0),
    routed('e2', T0 + 10, 'wa', 1),
    read('e4', T0 + 900, 'wa', 'wamid.1'),
  ]);
  t.like(state, { status: 'read', providerId: 'wa', providerMessageId: 'wamid.1' });
  const late = project([delivered('e3', T0 + 800, 'wa', 'wamid.1')], state);
  t.like(late, { status: 'read', statusTimes: { delivered: T0 + 800, read: T0 + 900 } });
});

test('the accepted facts for billing and scheduling are carried into the state', (t) => {
  t.like(project([accepted('e1', T0)]), {
    parts: 1,
    encoding: 'GSM-7',
    costMicros: 10_000,
    broadcastId: null,
    sendAt: null,
    expiresAt: null,
  });
  t.like(project([delivered('e4', T0 + 900, 'twilio', 'SM1')]), { parts: 0, costMicros: 0, encoding: null });
});

// --- properties -------------------------------------------------------------------------------

type Shape =
  | 'delivered'
  | 'failover'
  | 'undelivered'
  | 'refused by provider'
  | 'refused by Herald'
  | 'scheduled and read'
  | 'read without a delivery receipt'
  | 'cancelled while scheduled'
  | 'cancel requested too late'
  | 'expired in a lane'
  | 'expired while queued';

const SHAPES: readonly Shape[] = [
  'delivered',
  'failover',
  'undelivered',
  'refused by provider',
  'refused by Herald',
  'scheduled and read',
  'read without a delivery receipt',
  'cancelled while scheduled',
  'cancel requested too late',
  'expired in a lane',
  'expired while queued',
];

// Realistic lifecycles in causal order, with the status each must end in.
function lifecycle(shape: Shape, at: readonly number[]): { events: MessageEvent[]; final: MessageStatus } {
  const time = (i: number) => at.slice(0, i + 1).reduce((sum, gap) => sum + gap, T0);
  switch (shape) {
    case 'delivered':
      return {
        final: 'delivered',
        events: [
          accepted('e1', time(0)),
          routed('e2', time(1), 'twilio', 1),
          sent('e3', time(2), 'twilio', 1, 'SM1'),
          delivered('e4', time(3), 'twilio', 'SM1'),
        ],
      };
    case 'failover':
      return {
        final: 'delivered',
        events: [
          accepted('e1', time(0)),
          routed('e2', time(1), 'twilio', 1),
          routed('e3', time(2), 'vonage', 2),
          sent('e4', time(3), 'vonage', 2, 'V1'),
          delivered('e5', time(4), null, 'V1'),
        ],
      };
    case 'undelivered':
      return {
        final: 'undelivered',
        events: [
          accepted('e1', time(0)),
          routed('e2', time(1), 'twilio', 1),
          sent('e3', time(2), 'twilio', 1, 'SM1'),
          undelivered('e4', time(3), 'twilio', 'SM1', '30003'),
        ],
      };
    case 'refused by provider':
      return {
        final: 'failed',
        events: [
          accepted('e1', time(0)),
          routed('e2', time(1), 'twilio', 1),
          failed('e3', time(2), 'twilio', '21610'),
        ],
      };
    case 'refused by Herald':
      return { final: 'failed', events: [accepted('e1', time(0)), failed('e2', time(1), null, 'no_route')] };
    default:
      return lifecycleWithTiming(shape, time);
  }
}

// The lifecycles that scheduling, cancellation, expiry and read receipts add.
function lifecycleWithTiming(
  shape: Exclude<
    Shape,
    'delivered' | 'failover' | 'undelivered' | 'refused by provider' | 'refused by Herald'
  >,
  time: (i: number) => number,
): { events: MessageEvent[]; final: MessageStatus } {
  const sendAt = time(0) + 3_600_000;
  switch (shape) {
    case 'scheduled and read':
      return {
        final: 'read',
        events: [
          accepted('e1', time(0), { sendAt }),
          scheduled('e2', time(1), sendAt),
          routed('e3', sendAt + time(2) - T0, 'wa', 1),
          sent('e4', sendAt + time(3) - T0, 'wa', 1, 'W1'),
          delivered('e5', sendAt + time(4) - T0, 'wa', 'W1'),
          read('e6', sendAt + time(5) - T0, 'wa', 'W1'),
        ],
      };
    case 'read without a delivery receipt':
      return {
        final: 'read',
        events: [
          accepted('e1', time(0)),
          routed('e2', time(1), 'wa', 1),
          sent('e3', time(2), 'wa', 1, 'W1'),
          read('e4', time(3), null, 'W1'),
        ],
      };
    case 'cancelled while scheduled':
      return {
        final: 'cancelled',
        events: [
          accepted('e1', time(0), { sendAt }),
          scheduled('e2', time(1), sendAt),
          cancelRequested('e3', time(2)),
          cancelRequested('e4', time(3)),
          cancelled('e5', time(4)),
        ],
      };
    case 'cancel requested too late':
      return {
        final: 'delivered',
        events: [
          accepted('e1', time(0)),
          routed('e2', time(1), 'twilio', 1),
          cancelRequested('e3', time(2)),
          sent('e4', time(3), 'twilio', 1, 'SM1'),
          delivered('e5', time(4), 'twilio', 'SM1'),
        ],
      };
    case 'expired in a lane':
      return {
        final: 'expired',
        events: [
          accepted('e1', time(0), { expiresAt: time(0) + 1 }),
          routed('e2', time(1), 'twilio', 1),
          expired('e3', time(2)),
        ],
      };
    case 'expired while queued':
      return {
        final: 'expired',
        events: [
          accepted('e1', time(0), { sendAt, expiresAt: sendAt }),
          scheduled('e2', time(1), sendAt),
          expired('e3', sendAt + time(2) - T0),
        ],
      };
    default: {
      const _exhaustive: never = shape;
      return _exhaustive;
    }
  }
}

const causalLifecycle = fc
  .tuple(
    fc.constantFrom(...SHAPES),
    fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 6, maxLength: 6 }),
  )
  .map(([shape, gaps]) => lifecycle(shape, gaps));

// The same events delivered late, twice and in any order.
const scrambled = causalLifecycle.chain(({ events, final }) =>
  fc
    .subarray(events)
    .chain((duplicates) => {
      const all = [...events, ...duplicates];
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    })
    .map((arrival) => ({ causal: events, final, arrival })),
);

const provider = fc.constantFrom('twilio', 'vonage', null);
const anyEvent: fc.Arbitrary<MessageEvent> = fc
  .tuple(
    fc.integer({ min: 0, max: 10 }),
    fc.integer({ min: 1, max: 99 }),
    fc.integer({ min: 0, max: 600_000 }),
    provider,
    fc.integer({ min: 1, max: 3 }),
  )
  .map(([kind, id, offset, providerId, attempt]) => {
    const eventId = `e${id}`;
    const at = T0 + offset;
    const pid = providerId ?? 'twilio';
    switch (kind) {
      case 0:
        return accepted(
          eventId,
          at,
          attempt === 1 ? {} : { sendAt: at + attempt, expiresAt: at + 2 * attempt },
        );
      case 1:
        return routed(eventId, at, pid, attempt);
      case 2:
        return sent(eventId, at, pid, attempt, `${pid}-${attempt}`);
      case 3:
        return delivered(eventId, at, providerId, providerId === null ? null : `${pid}-${attempt}`);
      case 4:
        return undelivered(eventId, at, providerId, null, `u${id}`);
      case 5:
        return failed(eventId, at, providerId, `f${id}`);
      case 6:
        return scheduled(eventId, at, at + attempt * 1000);
      case 7:
        return cancelRequested(eventId, at);
      case 8:
        return cancelled(eventId, at, `c${id}`);
      case 9:
        return expired(eventId, at, `x${id}`);
      default:
        return read(eventId, at, providerId, providerId === null ? null : `${pid}-${attempt}`);
    }
  });

// Applies events one by one, checking each step: status never moves back, a terminal status is
// left only for read, and re-applying any event already applied changes nothing.
function applyCheckingEachStep(events: readonly MessageEvent[]): MessageState | null {
  let state: MessageState | null = null;
  for (const [index, event] of events.entries()) {
    const next = evolve(state, event);
    if (state !== null) {
      assert.ok(statusRank(next.status) >= statusRank(state.status), `${state.status} -> ${next.status}`);
      if (isTerminal(state.status) && next.status !== state.status) {
        assert.deepEqual([state.status, next.status], ['delivered', 'read']);
      }
    }
    for (const again of events.slice(0, index + 1))
      assert.deepEqual(evolve(next, again), next, `re-applying ${again.eventId}`);
    state = next;
  }
  return state;
}

test('any arrival order with duplicates ends in the same state as causal order', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(scrambled, ({ causal, final, arrival }) => {
        const expected = project(causal);
        assert.equal(expected?.status, final);
        const actual = applyCheckingEachStep(arrival);
        assert.deepEqual(actual, expected);
        // Same key order too, so a rebuilt read model serialises byte for byte the same.
        assert.equal(JSON.stringify(actual), JSON.stringify(expected));
      }),
      { numRuns: 500 },
    ),
  );
});

test('any sequence of events, contradictions included, never moves status back and ignores repeats', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.array(anyEvent, { minLength: 1, maxLength: 12 }), (events) => {
        applyCheckingEachStep(events);
      }),
      { numRuns: 500 },
    ),
  );
});

test('applying the same event twice in a row yields the state of applying it once', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 8 }), anyEvent, (history, event) => {
        const once = evolve(project(history), event);
        assert.deepEqual(evolve(once, event), once);
      }),
    ),
  );
});
