import { assertNever } from '../exhaustive.js';
import type { OutboundMessage, SendResult } from '../transport.js';
import type { ResolvedTwilioOptions } from './options.js';

/** The form body for Messages.json, or the reason this message cannot go through Twilio. */
export type MessageForm = { ok: true; body: string } | { ok: false; result: SendResult };

/** Maps Herald's message to Twilio's create-Message parameters, in a stable order. */
export function buildMessageForm(message: OutboundMessage, options: ResolvedTwilioOptions): MessageForm {
  const prefix = addressPrefix(message.channel);
  if (prefix === null) {
    return {
      ok: false,
      result: {
        ok: false,
        retryable: false,
        errorCode: 'unsupported_channel',
        errorMessage: `Twilio cannot send on channel '${message.channel}'`,
      },
    };
  }
  const form = new URLSearchParams();
  form.set('To', withPrefix(prefix, message.to));
  const from = message.from ?? options.from;
  if (from !== null) form.set('From', withPrefix(prefix, from));
  if (options.messagingServiceSid !== null) form.set('MessagingServiceSid', options.messagingServiceSid);
  form.set('Body', message.text);
  if (message.statusCallbackUrl !== null) form.set('StatusCallback', message.statusCallbackUrl);
  return { ok: true, body: form.toString() };
}

/** Twilio addresses WhatsApp users as `whatsapp:+E164`; null means Twilio has no such channel. */
function addressPrefix(channel: OutboundMessage['channel']): string | null {
  switch (channel) {
    case 'sms':
      return '';
    case 'whatsapp':
      return 'whatsapp:';
    case 'telegram':
      return null;
    default:
      return assertNever(channel);
  }
}

function withPrefix(prefix: string, address: string): string {
  return address.startsWith(prefix) ? address : `${prefix}${address}`;
}
