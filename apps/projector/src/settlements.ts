import type { HeraldEvent } from '@herald/contracts';

/** A credit settlement the projector applies for an event, in the same transaction as its rows. */
export interface Settlement {
  tenantId: string;
  messageId: string;
  action: 'capture' | 'release';
  reason?: string;
}

/**
 * The ledger effect of a message event: credits held at routing are captured once the provider
 * took the message (sent, or delivered when that arrives first) and released when it ends without
 * being sent. Settlement is idempotent per message in the ledger, so the first one applied wins:
 * an `undelivered` after `sent` stays charged, as with the providers themselves.
 */
export function settlementFor(event: HeraldEvent): Settlement | null {
  const ids = { tenantId: event.tenantId, messageId: event.messageId };
  switch (event.type) {
    case 'MessageSent':
    case 'MessageDelivered':
    case 'MessageRead':
      return { ...ids, action: 'capture' };
    case 'MessageFailed':
      return { ...ids, action: 'release', reason: `failed: ${event.errorCode}` };
    case 'MessageExpired':
      return { ...ids, action: 'release', reason: 'expired' };
    case 'MessageCancelled':
      return { ...ids, action: 'release', reason: 'cancelled' };
    case 'MessageAccepted':
    case 'MessageRouted':
    case 'MessageScheduled':
    case 'MessageCancelRequested':
    case 'MessageUndelivered':
      return null;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}
