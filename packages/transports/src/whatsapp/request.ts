import { assertNever } from '../exhaustive.js';
import type { OutboundMessage, SendResult } from '../transport.js';

/** The Cloud API's text-message request body. */
export interface WhatsAppTextMessage {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to: string;
  type: 'text';
  text: { preview_url: boolean; body: string };
}

/** The JSON body for /messages, or the reason this message cannot go through the Cloud API. */
export type MessageBody = { ok: true; body: string } | { ok: false; result: SendResult };

/**
 * Maps Herald's message to a Cloud API text message. The sender is the configured phone number
 * (the URL names it), so a message's own `from` has no say here. Link previews stay off: a preview
 * fetches the link from Meta's servers, which a transactional sender should not trigger unasked.
 */
export function buildTextMessage(message: OutboundMessage): MessageBody {
  if (!carriesWhatsApp(message.channel)) {
    return {
      ok: false,
      result: {
        ok: false,
        retryable: false,
        errorCode: 'unsupported_channel',
        errorMessage: `the WhatsApp Cloud API cannot send on channel '${message.channel}'`,
      },
    };
  }
  const body: WhatsAppTextMessage = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: waId(message.to),
    type: 'text',
    text: { preview_url: false, body: message.text },
  };
  return { ok: true, body: JSON.stringify(body) };
}

/** WhatsApp ids are the E.164 digits without the plus (and Meta's examples drop any punctuation). */
export function waId(address: string): string {
  return address.replace(/[^\d]/g, '');
}

function carriesWhatsApp(channel: OutboundMessage['channel']): boolean {
  switch (channel) {
    case 'whatsapp':
      return true;
    case 'sms':
    case 'telegram':
      return false;
    default:
      return assertNever(channel);
  }
}
