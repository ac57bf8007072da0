import test from 'ava';
import type { ExecutionContext } from 'ava';
import { decide } from '../src/index.js';
import type { MessageCommand, MessageErrorCode, MessageEvent, NewMessage } from '../src/index.js';
import { accepted, delivered, MESSAGE_ID, project, routed, TENANT_ID, TO } from './fixtures.js';

const T0 = 1_750_000_000_000;

// given(events) / when(command) / then(events), in the manner of emmett's DeciderSpecification.
const given = (t: ExecutionContext, events: readonly MessageEvent[]) => ({
  when: (command: MessageCommand) => {
    const result = decide(command, project(events));
    return {
      then: (expected: readonly MessageEvent[]) => t.deepEqual(result, { ok: true, value: expected }),
      thenFails: (code: MessageErrorCode) => {
        t.false(result.ok);
        if (!result.ok) t.is(result.error.code, code);
      },
    };
  },
});

const sms: NewMessage = {
  channel: 'sms',
  to: TO,
  from: 'HERALD',
  text: 'Your code is 123456',
  priority: 'express',
  clientReference: 'order-42',
  callbackUrl: 'https://example.com/hook',
  metadata: { campaign: 'otp' },
  sendAt: null,
  expiresAt: null,
  parts: 1,
  encoding: 'GSM-7',
  costMicros: 10_000,
  broadcastId: null,
};

const acceptCommand: MessageCommand = {
  type: 'AcceptMessage',
  messageId: MESSAGE_ID,
  tenantId: TENANT_ID,
  eventId: 'e1',
  now: T0,
  message: sms,
};

const routeTo = (providerId: string): MessageCommand => ({
  type: 'RouteMessage',
  messageId: MESSAGE_ID,
  providerId,
  eventId: 'e9',
  now: T0 + 5,
});

test('accepting a new message records it as accepted', (t) => {
  given(t, [])
    .when(acceptCommand)
    .then([accepted('e1', T0)]);
});

test('accepting a message whose callback was projected first still records the accept', (t) => {
  given(t, [delivered('e4', T0 + 900, 'twilio', 'SM1')])
    .when(acceptCommand)
    .then([accepted('e1', T0)]);
});

test('accepting the same message twice is refused', (t) => {
  given(t, [accepted('e1', T0)])
    .when({ ...acceptCommand, eventId: 'e2' })
    .thenFails('message_already_accepted');
});

test('routing a queued message hands it to the chosen provider as attempt 1, with what the sender needs', (t) => {
  given(t, [accepted('e1', T0)])
    .when(routeTo('twilio'))
    .then([routed('e9', T0 + 5, 'twilio', 1)]);
});

test('routing a message that was never accepted is refused', (t) => {
  given(t, []).when(routeTo('twilio')).thenFails('message_not_found');
  given(t, [delivered('e4', T0 + 900, 'twilio', 'SM1')])
    .when(routeTo('twilio'))
    .thenFails('message_not_found');
});

test('routing a message that is already on its way is refused', (t) => {
  given(t, [accepted('e1', T0), routed('e2', T0 + 1, 'twilio', 1)])
    .when(routeTo('vonage'))
    .thenFails('message_not_routable');
});

test('routing a delivered message is refused even when the accept was projected last', (t) => {
  given(t, [delivered('e4', T0 + 900, 'twilio', 'SM1'), accepted('e1', T0)])
    .when(routeTo('twilio'))
    .thenFails('message_not_routable');
});
