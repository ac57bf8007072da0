import test from 'ava';
import {
  cancelMessage,
  decide,
  expireMessage,
  isDue,
  isExpired,
  requestCancellation,
  scheduleMessage,
} from '../src/index.js';
import type { MessageError, MessageErrorCode, MessageEvent, MessageState, Result } from '../src/index.js';
import {
  accepted,
  cancelled,
  cancelRequested,
  delivered,
  expired,
  MESSAGE_ID,
  project,
  routed,
  scheduled,
  sent,
  TENANT_ID,
  TO,
} from './fixtures.js';

const T0 = 1_750_000_000_000;
const SEND_AT = T0 + 3_600_000;
const EXPIRES_AT = T0 + 7_200_000;

const later = accepted('e1', T0, { sendAt: SEND_AT, expiresAt: EXPIRES_AT });
const now = accepted('e1', T0);

const stateOf = (events: readonly MessageEvent[]): MessageState => {
  const state = project(events);
  if (state === null) throw new Error('no events');
  return state;
};

const refusedWith = (result: Result<unknown, MessageError>, code: MessageErrorCode) =>
  !result.ok && result.error.code === code;

test('a queued message with a future sendAt is scheduled for it', (t) => {
  t.deepEqual(scheduleMessage(project([later]), { eventId: 'e2', now: T0 + 1 }), {
    ok: true,
    value: [scheduled('e2', T0 + 1, SEND_AT)],
  });
});

test('a message that is due, already scheduled or never accepted is not scheduled', (t) => {
  t.true(refusedWith(scheduleMessage(project([now]), { eventId: 'e2', now: T0 }), 'message_not_schedulable'));
  t.true(
    refusedWith(
      scheduleMessage(project([later]), { eventId: 'e2', now: SEND_AT }),
      'message_not_schedulable',
    ),
  );
  const already = project([later, scheduled('e2', T0 + 1, SEND_AT)]);
  t.true(refusedWith(scheduleMessage(already, { eventId: 'e3', now: T0 + 2 }), 'message_not_schedulable'));
  t.true(refusedWith(scheduleMessage(null, { eventId: 'e2', now: T0 }), 'message_not_found'));
});

test('isDue: no sendAt, or sendAt reached', (t) => {
  t.true(isDue(stateOf([now]), T0));
  t.false(isDue(stateOf([later]), SEND_AT - 1));
  t.true(isDue(stateOf([later]), SEND_AT));
});

test('isExpired: an expiresAt that is reached; never without one', (t) => {
  t.false(isExpired(stateOf([later]), EXPIRES_AT - 1));
  t.true(isExpired(stateOf([later]), EXPIRES_AT));
  t.false(isExpired(stateOf([now]), Number.MAX_SAFE_INTEGER));
});

test('a scheduled message is routed once due, and not before, carrying its expiry to the sender', (t) => {
  const state = project([later, scheduled('e2', T0 + 1, SEND_AT)]);
  const route = (at: number) =>
    decide(
      { type: 'RouteMessage', messageId: MESSAGE_ID, providerId: 'twilio', eventId: 'e3', now: at },
      state,
    );
  t.true(refusedWith(route(SEND_AT - 1), 'message_not_routable'));
  t.like(route(SEND_AT), {
    ok: true,
    value: [{ type: 'MessageRouted', attempt: 1, occurredAt: SEND_AT, expiresAt: EXPIRES_AT }],
  });
});

test('a queued or scheduled message can be cancelled, with the reason', (t) => {
  for (const history of [[now], [later, scheduled('e2', T0 + 1, SEND_AT)]] as MessageEvent[][]) {
    t.deepEqual(
      cancelMessage(project(history), { eventId: 'e9', reason: 'cancelled by the client', now: T0 + 5 }),
      {
        ok: true,
        value: [cancelled('e9', T0 + 5, 'cancelled by the client')],
      },
    );
  }
});

test('a routed, delivered, cancelled or expired message is not cancellable; an unknown one is not found', (t) => {
  const histories: MessageEvent[][] = [
    [now, routed('e2', T0 + 1, 'twilio', 1)],
    [
      now,
      routed('e2', T0 + 1, 'twilio', 1),
      sent('e3', T0 + 2, 'twilio', 1, 'SM1'),
      delivered('e4', T0 + 3, null, null),
    ],
    [now, cancelled('e2', T0 + 1)],
    [later, expired('e2', EXPIRES_AT)],
  ];
  for (const history of histories) {
    const state = project(history);
    t.true(
      refusedWith(
        cancelMessage(state, { eventId: 'e9', reason: 'x', now: T0 + 9 }),
        'message_not_cancellable',
      ),
    );
    t.true(
      refusedWith(requestCancellation(state, { eventId: 'e9', now: T0 + 9 }), 'message_not_cancellable'),
    );
  }
  t.true(refusedWith(cancelMessage(null, { eventId: 'e9', reason: 'x', now: T0 }), 'message_not_found'));
  const partial = project([cancelRequested('e2', T0)]);
  t.true(refusedWith(cancelMessage(partial, { eventId: 'e9', reason: 'x', now: T0 }), 'message_not_found'));
});

test('a cancel request is recorded for a message that can still be cancelled', (t) => {
  t.deepEqual(requestCancellation(project([later]), { eventId: 'e5', now: T0 + 5 }), {
    ok: true,
    value: [
      {
        type: 'MessageCancelRequested',
        eventId: 'e5',
        messageId: MESSAGE_ID,
        tenantId: TENANT_ID,
        occurredAt: T0 + 5,
        to: TO,
      },
    ],
  });
});

test('a queued, scheduled or routed message expires once expiresAt is reached, with a reason', (t) => {
  const histories: MessageEvent[][] = [
    [later],
    [later, scheduled('e2', T0 + 1, SEND_AT)],
    [later, routed('e2', T0 + 1, 'twilio', 1)],
  ];
  for (const history of histories) {
    const result = expireMessage(project(history), { eventId: 'e9', now: EXPIRES_AT });
    t.deepEqual(result, {
      ok: true,
      value: [expired('e9', EXPIRES_AT, `validity period ended at ${new Date(EXPIRES_AT).toISOString()}`)],
    });
  }
  t.like(expireMessage(project([later]), { eventId: 'e9', now: EXPIRES_AT, reason: 'too late' }), {
    ok: true,
    value: [{ reason: 'too late' }],
  });
});

test('a message that is still valid, has no expiry or was already sent does not expire', (t) => {
  const cases: [MessageState | null, number][] = [
    [project([later]), EXPIRES_AT - 1],
    [project([now]), Number.MAX_SAFE_INTEGER],
    [project([later, routed('e2', T0 + 1, 'twilio', 1), sent('e3', T0 + 2, 'twilio', 1, 'SM1')]), EXPIRES_AT],
    [project([later, cancelled('e2', T0 + 1)]), EXPIRES_AT],
  ];
  for (const [state, at] of cases) {
    t.true(refusedWith(expireMessage(state, { eventId: 'e9', now: at }), 'message_not_expired'));
  }
  t.true(refusedWith(expireMessage(null, { eventId: 'e9', now: EXPIRES_AT }), 'message_not_found'));
});
