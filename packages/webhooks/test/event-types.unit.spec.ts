import test from 'ava';
import { EVENT_TYPES } from '@herald/contracts';
import type { EventType } from '@herald/contracts';
import {
  EventFilterError,
  matches,
  parseFilter,
  WEBHOOK_EVENT_TYPES,
  webhookEventTypeOf,
} from '../src/index.js';
import type { WebhookEventType } from '../src/index.js';

const EXPECTED: Record<EventType, WebhookEventType | null> = {
  MessageAccepted: 'message.accepted',
  MessageScheduled: 'message.scheduled',
  MessageCancelRequested: null,
  MessageCancelled: 'message.cancelled',
  MessageExpired: 'message.expired',
  MessageRouted: 'message.sending',
  MessageSent: 'message.sent',
  MessageDelivered: 'message.delivered',
  MessageRead: 'message.read',
  MessageUndelivered: 'message.undelivered',
  MessageFailed: 'message.failed',
};

test('every Herald event type maps to its webhook type, and a cancel request to none', (t) => {
  for (const type of EVENT_TYPES) t.is(webhookEventTypeOf(type), EXPECTED[type], type);
});

test('the published list holds exactly the types some event maps to', (t) => {
  const mapped = EVENT_TYPES.map(webhookEventTypeOf).filter((type) => type !== null);
  t.deepEqual([...mapped].sort(), [...WEBHOOK_EVENT_TYPES].sort());
  t.is(new Set(mapped).size, mapped.length);
});

test('exact types, a group wildcard and * are valid filters', (t) => {
  t.is(parseFilter('message.delivered'), 'message.delivered');
  t.is(parseFilter('message.*'), 'message.*');
  t.is(parseFilter('*'), '*');
});

test('filters that could never match are refused with a code naming the pattern', (t) => {
  for (const bad of [
    'message.unknown',
    'sms.*',
    '',
    'message.',
    'MESSAGE.DELIVERED',
    ' message.sent',
    'message.**',
    '**',
  ]) {
    const error = t.throws(() => parseFilter(bad), { instanceOf: EventFilterError }, bad);
    t.is(error?.code, 'unknown_event_type');
    t.is(error?.pattern, bad);
  }
});

test('an endpoint without filters receives every type', (t) => {
  for (const type of WEBHOOK_EVENT_TYPES) t.true(matches([], type));
});

test('filters select exact types, whole groups or everything', (t) => {
  const filters = ['message.delivered', 'message.failed'].map(parseFilter);
  t.true(matches(filters, 'message.delivered'));
  t.true(matches(filters, 'message.failed'));
  t.false(matches(filters, 'message.sent'));
  t.false(matches(filters, 'message.accepted'));
  t.true(matches([parseFilter('message.*')], 'message.read'));
  t.true(matches([parseFilter('*')], 'message.sending'));
});
