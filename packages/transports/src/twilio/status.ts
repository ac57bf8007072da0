import { assertNever } from '../exhaustive.js';
import type { ProviderStatus } from '../transport.js';

/** Every Message status Twilio documents for the Messages resource and its status callbacks. */
export const TWILIO_MESSAGE_STATUSES = [
  'accepted',
  'scheduled',
  'queued',
  'sending',
  'sent',
  'receiving',
  'received',
  'delivered',
  'undelivered',
  'failed',
  'read',
  'canceled',
  'partially_delivered',
] as const;

/** A documented Twilio Message status string. */
export type TwilioMessageStatus = (typeof TWILIO_MESSAGE_STATUSES)[number];

const KNOWN: ReadonlySet<string> = new Set(TWILIO_MESSAGE_STATUSES);

/** Narrows an untrusted string (an API body, a callback field) to a documented status. */
export function isTwilioMessageStatus(status: string): status is TwilioMessageStatus {
  return KNOWN.has(status);
}

/**
 * Maps a Twilio status to Herald's vocabulary; null when the string is unknown or describes an
 * inbound message, so a caller can ignore it instead of guessing.
 */
export function mapTwilioStatus(status: string): ProviderStatus | null {
  if (!isTwilioMessageStatus(status)) return null;
  switch (status) {
    // Twilio holds the message (choosing a sender, or waiting for SendAt): not yet handed on.
    case 'accepted':
    case 'scheduled':
    case 'queued':
      return 'queued';
    case 'sending':
      return 'sending';
    case 'sent':
      return 'sent';
    // Inbound states never describe a message Herald sent.
    case 'receiving':
    case 'received':
      return null;
    // At least part reached the handset; Herald's model has no partial state and delivered is the
    // status the recipient would agree with.
    case 'partially_delivered':
    case 'delivered':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    // A canceled scheduled message will never be sent: terminal, like a failure.
    case 'canceled':
    case 'failed':
      return 'failed';
    case 'read':
      return 'read';
    default:
      return assertNever(status);
  }
}
