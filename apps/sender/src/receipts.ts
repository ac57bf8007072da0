import { derivedEventId } from '@herald/kafka';
import type { ProviderCallback } from '@herald/store';
import type { StatusUpdate } from '@herald/transports';

/** Our ids of a message a provider accepted, for attributing its later status reports. */
export interface SentMessage {
  messageId: string;
  tenantId: string;
  to: string;
  providerId: string;
}

/** A message this instance sent, and the trace context it was sent in. */
export interface RememberedSend {
  message: SentMessage;
  traceparent: string | null;
}

/**
 * The provider callback a status report on a provider session (an SMPP deliver_sm receipt) stands
 * for, or null for an intermediate status (queued, sending, sent), which adds nothing the sender did
 * not record. The event id is derived from the provider, its message id and the status: whichever
 * path turns the receipt into an event (this instance's memory, the read model, or the projector
 * after it was parked) and however often the SMSC repeats it, it is the same event.
 */
export function receiptCallback(providerId: string, update: StatusUpdate): ProviderCallback | null {
  const base = {
    eventId: derivedEventId(`${providerId}:${update.providerMessageId}`, `status:${update.status}`),
    providerId,
    providerMessageId: update.providerMessageId,
    providerStatus: update.raw.stat ?? update.status,
    occurredAt: update.occurredAt,
  };
  const failure = {
    errorCode: update.errorCode ?? 'receipt_without_code',
    errorMessage: update.errorMessage ?? `provider reported ${update.status}`,
  };
  const success = { errorCode: null, errorMessage: null };
  switch (update.status) {
    case 'delivered':
      return { ...base, ...success, eventType: 'MessageDelivered' };
    case 'read':
      return { ...base, ...success, eventType: 'MessageRead' };
    case 'undelivered':
      return { ...base, ...failure, eventType: 'MessageUndelivered' };
    case 'failed':
      return { ...base, ...failure, eventType: 'MessageFailed' };
    case 'queued':
    case 'sending':
    case 'sent':
      return null;
    default: {
      const exhaustive: never = update.status;
      return exhaustive;
    }
  }
}

/**
 * The sender's memory of what it sent, the fast path for status reports that arrive on a provider
 * session: the provider only knows its own message id, so the sender remembers, for each message it
 * sent, which of ours it was. Entries are kept for `ttlMs` (receipts come within minutes, rarely
 * days) and at most `capacity` of them, oldest dropped first. A report this memory cannot attribute
 * (another instance sent it, or this one restarted) goes to the read model instead (ReceiptFallback).
 */
export class ReceiptRelay {
  private readonly sent = new Map<string, RememberedSend & { at: number }>();

  constructor(
    private readonly clock: () => number,
    private readonly ttlMs = 24 * 3600_000,
    private readonly capacity = 1_000_000,
  ) {}

  /**
   * Remembers that `providerMessageId` of `message.providerId` is `message`, sent in the trace of
   * `traceparent`, which its receipt's event carries on.
   */
  remember(providerMessageId: string, message: SentMessage, traceparent: string | null = null): void {
    const key = keyOf(message.providerId, providerMessageId);
    this.sent.delete(key);
    this.sent.set(key, { message, traceparent, at: this.clock() });
    while (this.sent.size > this.capacity) {
      const oldest = this.sent.keys().next();
      if (oldest.done) break;
      this.sent.delete(oldest.value);
    }
  }

  /** The message sent here under the provider's id, or null when this instance does not know it. */
  recall(providerId: string, providerMessageId: string): RememberedSend | null {
    const entry = this.sent.get(keyOf(providerId, providerMessageId));
    if (!entry || this.clock() - entry.at > this.ttlMs) return null;
    return { message: entry.message, traceparent: entry.traceparent };
  }
}

function keyOf(providerId: string, providerMessageId: string): string {
  return `${providerId}\u0000${providerMessageId}`;
}
