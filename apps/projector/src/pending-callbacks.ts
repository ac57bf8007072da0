import type { HeraldEvent } from '@herald/contracts';
import { providerCallbackEvent, takePendingCallbacks } from '@herald/store';
import type { PoolClient, ProviderCallbackEvent } from '@herald/store';

type MessageSent = Extract<HeraldEvent, { type: 'MessageSent' }>;

/** An event a parked provider callback becomes once its send is known. */
export type PendingCallbackEvent = ProviderCallbackEvent;

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
    if (sent) events.push(providerCallbackEvent(callback, sent));
  }
  return events;
}
