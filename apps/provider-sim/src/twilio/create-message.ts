import { twilioError } from './errors.js';

/** A create-Message request that passed Twilio's validation. */
export interface CreateMessageRequest {
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
}

const E164 = /^\+[1-9]\d{1,14}$/;
// Alphanumeric sender IDs: up to 11 letters, digits and spaces, at least one letter.
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const MAX_BODY_CHARS = 1600;

/**
 * Validates the form the way Twilio does, in the same order, throwing the same error codes.
 * `rejected` learns the reason first so the stats match what the client saw.
 */
export function parseCreateMessage(
  form: Readonly<Record<string, string>>,
  rejected: (reason: string) => void,
): CreateMessageRequest {
  const fail = (code: number, message: string): never => {
    rejected(`twilio_${code}`);
    throw twilioError(400, code, message);
  };
  const to = nonEmpty(form.To);
  const from = nonEmpty(form.From);
  const messagingServiceSid = nonEmpty(form.MessagingServiceSid);
  const body = nonEmpty(form.Body);
  const statusCallback = nonEmpty(form.StatusCallback);
  if (to === null) return fail(21604, "A 'To' phone number is required.");
  if (from === null && messagingServiceSid === null) {
    return fail(21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
  }
  if (body === null) return fail(21602, 'Message body is required.');
  if (!isRecipientAddress(to)) return fail(21211, `The 'To' number ${to} is not a valid phone number.`);
  if (from !== null && !isSenderAddress(from))
    return fail(
      21212,
      `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
    );
  if (body.length > MAX_BODY_CHARS)
    return fail(21617, 'The concatenated message body exceeds the 1600 character limit.');
  if (statusCallback !== null && !isHttpUrl(statusCallback))
    return fail(21609, 'Invalid StatusCallback url.');
  return { to, from, messagingServiceSid, body, statusCallback };
}

/** E.164, optionally behind Twilio's `whatsapp:` channel prefix. */
export function isRecipientAddress(address: string): boolean {
  return E164.test(address.startsWith('whatsapp:') ? address.slice('whatsapp:'.length) : address);
}

/** A phone number (optionally on WhatsApp), a short code or an alphanumeric sender ID. */
export function isSenderAddress(address: string): boolean {
  return isRecipientAddress(address) || /^\d{5,6}$/.test(address) || ALPHANUMERIC_SENDER.test(address);
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
