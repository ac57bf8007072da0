import test from 'ava';
import { mapTwilioStatus, TWILIO_MESSAGE_STATUSES } from '../../src/index.js';
import type { ProviderStatus, TwilioMessageStatus } from '../../src/index.js';

const EXPECTED: Record<TwilioMessageStatus, ProviderStatus | null> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  receiving: null,
  received: null,
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  read: 'read',
  canceled: 'failed',
  partially_delivered: 'delivered',
};

test('the table covers exactly the documented Twilio statuses', (t) => {
  t.deepEqual(Object.keys(EXPECTED).sort(), [...TWILIO_MESSAGE_STATUSES].sort());
});

for (const [twilio, herald] of Object.entries(EXPECTED)) {
  test(`maps Twilio status '${twilio}' to ${String(herald)}`, (t) => {
    t.is(mapTwilioStatus(twilio), herald);
  });
}

test('returns null for unknown or differently cased strings instead of guessing', (t) => {
  t.is(mapTwilioStatus('Delivered'), null);
  t.is(mapTwilioStatus('expired'), null);
  t.is(mapTwilioStatus(''), null);
  t.is(mapTwilioStatus('constructor'), null);
});
