import type { HeraldEvent } from '@herald/contracts';
import { takePendingCallbacks } from '@herald/store';
import type { PoolClient, ProviderCallback } from '@herald/store';

type MessageSent = Extract<HeraldEvent, { type: 'MessageSent' }>;

/** An event a parked provider callback becomes once its send is known. */
export type PendingCallbackEvent = Extract<
  HeraldEvent,
  { type: 'MessageDelivered' | 'MessageRead' | 'MessageUndelivered' | 'MessageFailed' }
>;

/**
 * The events of provider callbacks (WhatsApp status webhooks) that arrived before these sends were
 * projected, built with the message's ids and recipient from each MessageSent.
 *
 * Contract: call it with the batch's transaction client, for the MessageSent events the batch
 * applies. It deletes the rows it returns, under the same locks the ingress takes when it parks a
 * callback, so every parked callback is returned exactly once by a committed transaction. Produce
 * the returned events to the events topic (key `event.to`) and wait for the acks BEFORE committing:
 * if the commit then fails, the rows come back and the events are produced again with the same ids
 * (derived at the ingress from the provider's id and status), which the projector deduplicates.
 */
export async function pendingCallbacksFor(
  client: PoolClient,
  sentEvents: readonly MessageSent[],
): Promise<PendingCallbackEvent[]> {
  const sends = new Map(sentEvents.map((sent) => [`${sent.providerId}:${sent.providerMessageId}`, sent]));
  const callbacks = await takePendingCallbacks(client, sentEvents);
  const events: PendingCallbackEvent[] = [];
  for (const callback of callbacks) {
    const sent = sends.get(`${callback.providerId}:${callback.providerMessageId}`);
    if (sent) events.push(callbackEvent(callback, sent));
  }
  return events;
}

/** The event a callback stands for, addressed to the message the send recorded. */
export function callbackEvent(callback: ProviderCallback, sent: MessageSent): PendingCallbackEvent {
  const base = {
    eventId: callback.eventId,
    messageId: sent.messageId,
    tenantId: sent.tenantId,
    to: sent.to,
    occurredAt: callback.occurredAt,
    providerId: callback.providerId,
  };
  // The ingress always parks failures with a code; the fallbacks only guard a hand-edited row.
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
