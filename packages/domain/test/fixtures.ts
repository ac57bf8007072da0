import type {
  MessageAccepted,
  MessageCancelled,
  MessageCancelRequested,
  MessageDelivered,
  MessageEvent,
  MessageExpired,
  MessageFailed,
  MessageRead,
  MessageRouted,
  MessageScheduled,
  MessageSent,
  MessageState,
  MessageUndelivered,
} from '../src/index.js';
import { evolve } from '../src/index.js';

export const MESSAGE_ID = '0b6f3c1e-2d1a-4f5e-9a7b-1c2d3e4f5a6b';
export const TENANT_ID = 'tenant-1';
export const TO = '+15551234567';

const base = (eventId: string, occurredAt: number) => ({
  eventId,
  messageId: MESSAGE_ID,
  tenantId: TENANT_ID,
  occurredAt,
  to: TO,
});

export const accepted = (
  eventId: string,
  at: number,
  timing: { sendAt?: number | null; expiresAt?: number | null } = {},
): MessageAccepted => ({
  ...base(eventId, at),
  type: 'MessageAccepted',
  channel: 'sms',
  from: 'HERALD',
  text: 'Your code is 123456',
  priority: 'express',
  clientReference: 'order-42',
  callbackUrl: 'https://example.com/hook',
  metadata: { campaign: 'otp' },
  sendAt: timing.sendAt ?? null,
  expiresAt: timing.expiresAt ?? null,
  parts: 1,
  encoding: 'GSM-7',
  costMicros: 10_000,
  broadcastId: null,
});

export const scheduled = (eventId: string, at: number, sendAt: number): MessageScheduled => ({
  ...base(eventId, at),
  type: 'MessageScheduled',
  sendAt,
});

export const cancelRequested = (eventId: string, at: number): MessageCancelRequested => ({
  ...base(eventId, at),
  type: 'MessageCancelRequested',
});

export const cancelled = (
  eventId: string,
  at: number,
  reason = 'cancelled by the client',
): MessageCancelled => ({
  ...base(eventId, at),
  type: 'MessageCancelled',
  reason,
});

export const expired = (eventId: string, at: number, reason = 'validity period ended'): MessageExpired => ({
  ...base(eventId, at),
  type: 'MessageExpired',
  reason,
});

export const read = (
  eventId: string,
  at: number,
  providerId: string | null,
  providerMessageId: string | null,
): MessageRead => ({
  ...base(eventId, at),
  type: 'MessageRead',
  providerId,
  providerMessageId,
});

export const routed = (eventId: string, at: number, providerId: string, attempt: number): MessageRouted => ({
  ...base(eventId, at),
  type: 'MessageRouted',
  channel: 'sms',
  from: 'HERALD',
  text: 'Your code is 123456',
  priority: 'express',
  providerId,
  attempt,
  expiresAt: null,
});

export const sent = (
  eventId: string,
  at: number,
  providerId: string,
  attempt: number,
  providerMessageId: string,
): MessageSent => ({
  ...base(eventId, at),
  type: 'MessageSent',
  providerId,
  providerMessageId,
  attempt,
});

export const delivered = (
  eventId: string,
  at: number,
  providerId: string | null,
  providerMessageId: string | null,
): MessageDelivered => ({
  ...base(eventId, at),
  type: 'MessageDelivered',
  providerId,
  providerMessageId,
});

export const undelivered = (
  eventId: string,
  at: number,
  providerId: string | null,
  providerMessageId: string | null,
  errorCode: string,
): MessageUndelivered => ({
  ...base(eventId, at),
  type: 'MessageUndelivered',
  providerId,
  providerMessageId,
  errorCode,
  errorMessage: `carrier said ${errorCode}`,
});

export const failed = (
  eventId: string,
  at: number,
  providerId: string | null,
  errorCode: string,
): MessageFailed => ({
  ...base(eventId, at),
  type: 'MessageFailed',
  providerId,
  errorCode,
  errorMessage: `refused: ${errorCode}`,
});

/** Folds events from no state, the way a projector rebuilds a message. */
export const project = (
  events: readonly MessageEvent[],
  from: MessageState | null = null,
): MessageState | null => events.reduce<MessageState | null>(evolve, from);
