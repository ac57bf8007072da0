import type { HeraldEvent } from '@herald/contracts';
import type { ProviderCallback } from './provider-message-ids.js';

/** The event a provider callback stands for. */
export type ProviderCallbackEvent = Extract<
  HeraldEvent,
  { type: 'MessageDelivered' | 'MessageRead' | 'MessageUndelivered' | 'MessageFailed' }
>;

/**
 * The event of a provider callback, addressed to the message it is about: used by the ingress when
 * the message is known, and by the projector for callbacks parked until the send was recorded.
 */
export function providerCallbackEvent(
  callback: ProviderCallback,
  message: { messageId: string; tenantId: string; to: string },
): ProviderCallbackEvent {
  const base = {
    eventId: callback.eventId,
    messageId: message.messageId,
    tenantId: message.tenantId,
    to: message.to,
    occurredAt: callback.occurredAt,
    providerId: callback.providerId,
  };
  // Parked failures always carry a code; the fallbacks only guard a hand-edited row.
  const errorCode = callback.errorCode ?? 'provider_error';
  const errorMessage = callback.errorMessage ?? `the provider reported ${callback.providerStatus}`;
  switch (callback.eventType) {
    case 'MessageDelivered':
      return {
        type: 'MessageDelivered',
        ...base,
        providerMessageId: callback.providerMessageId,
        providerStatus: callback.providerStatus,
      };
    case 'MessageRead':
      return { type: 'MessageRead', ...base, providerMessageId: callback.providerMessageId };
    case 'MessageUndelivered':
      return {
        type: 'MessageUndelivered',
        ...base,
        providerMessageId: callback.providerMessageId,
        errorCode,
        errorMessage,
      };
    case 'MessageFailed':
      return { type: 'MessageFailed', ...base, errorCode, errorMessage };
    default: {
      const exhaustive: never = callback.eventType;
      throw new Error(`unknown callback event type ${String(exhaustive)}`);
    }
  }
}
