import { twilioSignature } from '@herald/transports';
import type { CallbackRequest } from '../callbacks.js';
import type { StoredMessage } from './messages.js';

/**
 * The form Twilio POSTs to a StatusCallback, signed over the exact callback URL (query string
 * included) and these params. The idempotency token stays the same across retries of one status,
 * as Twilio's does, so a receiver can drop duplicates.
 */
export function buildStatusCallback(message: StoredMessage, url: string, authToken: string): CallbackRequest {
  const params: Record<string, string> = {
    AccountSid: message.accountSid,
    ApiVersion: '2010-04-01',
    From: message.from,
    MessageSid: message.sid,
    MessageStatus: message.status,
    SmsSid: message.sid,
    SmsStatus: message.status,
    To: message.to,
  };
  if (message.messagingServiceSid !== null) params.MessagingServiceSid = message.messagingServiceSid;
  if (message.errorCode !== null) params.ErrorCode = String(message.errorCode);
  return {
    url,
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-twilio-signature': twilioSignature(authToken, url, params),
      'i-twilio-idempotency-token': `${message.sid}-${message.status}`,
      'user-agent': 'TwilioProxy/1.1 (herald provider-sim)',
    },
  };
}
