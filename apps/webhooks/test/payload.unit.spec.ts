import test from 'ava';
import type { EventOf } from '@herald/contracts';
import { webhookIdOf, webhookMessageOf } from '../src/payload.js';

const base = {
  eventId: '0b9e4c2a-6f1d-4a8e-9c3b-2d7f5e1a0c44',
  messageId: '5d1c7e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
  tenantId: 'tenant-a',
  occurredAt: Date.UTC(2026, 10, 22, 12, 0, 0, 250),
  to: '+14155550100',
};

test('the webhook id is msg_ and the event id without dashes, the same on every build', (t) => {
  t.is(webhookIdOf(base.eventId), 'msg_0b9e4c2a6f1d4a8e9c3b2d7f5e1a0c44');
  const event: EventOf<'MessageDelivered'> = {
    type: 'MessageDelivered',
    ...base,
    providerId: 'twilio-main',
    providerMessageId: 'SM123',
    providerStatus: 'delivered',
  };
  t.deepEqual(webhookMessageOf(event), webhookMessageOf(event));
});

test('a delivered event becomes message.delivered with the exact payload of the design', (t) => {
  const message = webhookMessageOf({
    type: 'MessageDelivered',
    ...base,
    providerId: 'twilio-main',
    providerMessageId: 'SM123',
    providerStatus: 'delivered',
  });
  t.like(message, {
    id: 'msg_0b9e4c2a6f1d4a8e9c3b2d7f5e1a0c44',
    tenantId: 'tenant-a',
    eventId: base.eventId,
    messageId: base.messageId,
    eventType: 'message.delivered',
    occurredAt: base.occurredAt,
  });
  t.is(
    message?.payload,
    JSON.stringify({
      type: 'message.delivered',
      timestamp: '2026-11-22T12:00:00.250Z',
      data: {
        id: base.messageId,
        status: 'delivered',
        to: '+14155550100',
        provider_id: 'twilio-main',
        provider_message_id: 'SM123',
        error: null,
        event_id: base.eventId,
        occurred_at: '2026-11-22T12:00:00.250Z',
      },
    }),
  );
});

test('a failure carries its error; an accept its channel and no provider', (t) => {
  const failed = webhookMessageOf({
    type: 'MessageFailed',
    ...base,
    providerId: null,
    errorCode: 'opted_out',
    errorMessage: 'the recipient opted out',
  });
  t.like(JSON.parse(failed?.payload ?? '{}'), {
    type: 'message.failed',
    data: {
      status: 'failed',
      provider_id: null,
      error: { code: 'opted_out', message: 'the recipient opted out' },
    },
  });
  const accepted = webhookMessageOf({
    type: 'MessageAccepted',
    ...base,
    channel: 'whatsapp',
    from: null,
    text: 'hello',
    priority: 'normal',
    clientReference: null,
    callbackUrl: 'https://example.com/hook',
    metadata: null,
    sendAt: null,
    expiresAt: null,
    parts: 1,
    encoding: null,
    costMicros: 10_000,
    broadcastId: null,
  });
  const payload = JSON.parse(accepted?.payload ?? '{}') as { type: string; data: Record<string, unknown> };
  t.is(payload.type, 'message.accepted');
  t.like(payload.data, {
    status: 'queued',
    channel: 'whatsapp',
    provider_id: null,
    provider_message_id: null,
  });
  t.false('text' in payload.data, 'the message body is not sent in webhooks');
});

test('a routed message is message.sending; a cancel request is not told', (t) => {
  const routed = webhookMessageOf({
    type: 'MessageRouted',
    ...base,
    channel: 'sms',
    from: null,
    text: 'hello',
    priority: 'express',
    providerId: 'sim-eu',
    attempt: 1,
    expiresAt: null,
    notBefore: null,
    lastErrorCode: null,
    lastErrorMessage: null,
  });
  t.is(routed?.eventType, 'message.sending');
  t.like(JSON.parse(routed?.payload ?? '{}'), {
    data: { status: 'sending', channel: 'sms', provider_id: 'sim-eu' },
  });
  t.is(webhookMessageOf({ type: 'MessageCancelRequested', ...base }), null);
});
