import type { HeraldEvent } from '@herald/contracts';
import { derivedEventId } from '@herald/kafka';
import type { StatusUpdate } from '@herald/transports';

/** Our ids of a message a provider accepted, for attributing its later status reports. */
export interface SentMessage {
  messageId: string;
  tenantId: string;
  to: string;
  providerId: string;
}

type ReceiptEvent = Extract<
  HeraldEvent,
  { type: 'MessageDelivered' | 'MessageUndelivered' | 'MessageFailed' | 'MessageRead' }
>;

/**
 * Turns status reports that arrive on a provider session (SMPP deliver_sm receipts) into events.
 * The provider only knows its own message id, so the sender remembers, for each message it sent,
 * which of ours it was; entries are kept for `ttlMs` (receipts come within minutes, rarely days)
 * and at most `capacity` of them, oldest dropped first.
 */
export class ReceiptRelay {
  private readonly sent = new Map<string, { message: SentMessage; at: number; traceparent: string | null }>();

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
    const key = `${message.providerId}\u0000${providerMessageId}`;
    this.sent.delete(key);
    this.sent.set(key, { message, at: this.clock(), traceparent });
    while (this.sent.size > this.capacity) {
      const oldest = this.sent.keys().next();
      if (oldest.done) break;
      this.sent.delete(oldest.value);
    }
  }

  /**
   * The event a status report stands for, or null (intermediate status, or a message not known
   * here), and the trace context its message was sent in.
   */
  toEvent(
    providerId: string,
    update: StatusUpdate,
  ): { event: ReceiptEvent | null; known: boolean; traceparent?: string | null } {
    const entry = this.sent.get(`${providerId}\u0000${update.providerMessageId}`);
    if (!entry || this.clock() - entry.at > this.ttlMs) return { event: null, known: false };
    return { ...this.eventOf(providerId, update, entry.message), traceparent: entry.traceparent };
  }

  private eventOf(
    providerId: string,
    update: StatusUpdate,
    message: SentMessage,
  ): { event: ReceiptEvent | null; known: boolean } {
    const base = {
      eventId: derivedEventId(`${providerId}:${update.providerMessageId}`, `status:${update.status}`),
      messageId: message.messageId,
      tenantId: message.tenantId,
      to: message.to,
      occurredAt: update.occurredAt,
      providerId,
      providerMessageId: update.providerMessageId,
    };
    const errorCode = update.errorCode ?? 'receipt_without_code';
    const errorMessage = update.errorMessage ?? `provider reported ${update.status}`;
    switch (update.status) {
      case 'delivered':
        return {
          event: { type: 'MessageDelivered', ...base, providerStatus: update.raw.stat ?? 'delivered' },
          known: true,
        };
      case 'read':
        return { event: { type: 'MessageRead', ...base }, known: true };
      case 'undelivered':
        return { event: { type: 'MessageUndelivered', ...base, errorCode, errorMessage }, known: true };
      case 'failed': {
        // MessageFailed carries no provider message id.
        const { eventId, messageId, tenantId, to, occurredAt } = base;
        const failed = { eventId, messageId, tenantId, to, occurredAt, providerId };
        return { event: { type: 'MessageFailed', ...failed, errorCode, errorMessage }, known: true };
      }
      case 'queued':
      case 'sending':
      case 'sent':
        return { event: null, known: true };
      default: {
        const exhaustive: never = update.status;
        return exhaustive;
      }
    }
  }
}
