import { assertNever } from '../exhaustive.js';
import type { ProviderStatus } from '../transport.js';

/** Every status the Cloud API reports in a `statuses` webhook for a message a business sent. */
export const WHATSAPP_MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;

/** A documented WhatsApp Cloud API message status string. */
export type WhatsAppMessageStatus = (typeof WHATSAPP_MESSAGE_STATUSES)[number];

const KNOWN: ReadonlySet<string> = new Set(WHATSAPP_MESSAGE_STATUSES);

/** Narrows an untrusted string (a webhook field) to a documented status. */
export function isWhatsAppMessageStatus(status: string): status is WhatsAppMessageStatus {
  return KNOWN.has(status);
}

/**
 * Maps a WhatsApp status to Herald's vocabulary; null for anything else (Meta adds statuses such as
 * `deleted` or `warning` that say nothing about delivery), so a caller can ignore it instead of guessing.
 */
export function mapWhatsAppStatus(status: string): ProviderStatus | null {
  if (!isWhatsAppMessageStatus(status)) return null;
  switch (status) {
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
    // A `failed` webhook may follow `sent` (e.g. 131026 undeliverable); Herald records it as failed.
    case 'failed':
      return 'failed';
    default:
      return assertNever(status);
  }
}
