import { encodeEvent, eventHeaders } from '@herald/kafka';
import type { OutgoingRecord, SchemaCatalog } from '@herald/kafka';
import { providerCallbackEvent } from '@herald/store';
import type { ProviderCallbackEvent } from '@herald/store';
import { contextFromHeaders } from '@herald/telemetry';
import type { Logger } from '@herald/telemetry';
import type { StatusUpdate } from '@herald/transports';
import type { FallbackOutcome, ReceiptFallback } from './receipt-fallback.js';
import type { ReceiptRelay } from './receipts.js';
import { receiptCallback } from './receipts.js';

/** How a receipt was settled: by this instance's memory, or by the fallback. */
export type ReceiptOutcome = 'memory' | FallbackOutcome;

/** What the receipt listener needs from the process. */
export interface ReceiptListenerDeps {
  relay: ReceiptRelay;
  fallback: ReceiptFallback;
  /** The receipt producer's group commit; resolves once Kafka has the records. */
  produce: (records: OutgoingRecord[]) => Promise<void>;
  catalog: SchemaCatalog;
  eventsTopic: string;
  /** Told once per receipt of the memory path how it was settled, for metrics. */
  settled: (providerId: string, outcome: ReceiptOutcome) => void;
  log: Logger;
}

/**
 * The listener transports call with the status reports of their sessions (SMPP deliver_sm
 * receipts). A receipt for a message this instance remembers sending becomes its event at once, in
 * the trace of the send; any other goes to the fallback (read model, or parked for the projector).
 * Transports call it synchronously from their session, after acknowledging the PDU: it neither
 * blocks nor throws back into them.
 */
export function receiptListener(
  deps: ReceiptListenerDeps,
): (providerId: string, update: StatusUpdate) => void {
  return (providerId, update) => {
    try {
      const callback = receiptCallback(providerId, update);
      if (callback === null) return;
      const known = deps.relay.recall(providerId, update.providerMessageId);
      if (known === null) {
        deps.fallback.add(callback);
        return;
      }
      const event = providerCallbackEvent(callback, known.message);
      deps.produce([receiptRecord(deps.catalog, deps.eventsTopic, event, known.traceparent)]).then(
        () => deps.settled(providerId, 'memory'),
        (error: unknown) => {
          deps.settled(providerId, 'lost');
          deps.log.error(
            { err: error, messageId: event.messageId, provider: providerId },
            'recording a provider receipt failed',
          );
        },
      );
    } catch (error) {
      deps.log.error(
        { err: error, provider: providerId, providerMessageId: update.providerMessageId },
        'turning a provider receipt into an event failed',
      );
    }
  };
}

/**
 * The record of a receipt's event, keyed by recipient, carrying on the trace its message was sent
 * in (`traceparent`) rather than whatever context happens to be active when it is produced.
 */
export function receiptRecord(
  catalog: SchemaCatalog,
  topic: string,
  event: ProviderCallbackEvent,
  traceparent: string | null,
): OutgoingRecord {
  const cause = traceparent === null ? {} : { traceparent };
  return {
    topic,
    key: event.to,
    value: encodeEvent(catalog, topic, event),
    headers: eventHeaders(event, cause, contextFromHeaders(cause)),
  };
}
