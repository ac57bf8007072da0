import { graphError } from './errors.js';

/** A text-message request that passed the Cloud API's validation. */
export interface SendTextRequest {
  /** The recipient as the request named it. */
  input: string;
  /** The recipient's WhatsApp id: the digits of the number. */
  waId: string;
  body: string;
}

const MAX_BODY_CHARS = 4096;

/**
 * Validates a /messages body the way the Cloud API does, throwing its error codes. Only text messages
 * are simulated; other types get 131051, as a type the number cannot send would.
 */
export function parseSendText(body: unknown, rejected: (reason: string) => void): SendTextRequest {
  const fail = (code: number, message: string, details?: string): never => {
    rejected(`whatsapp_${code}`);
    throw graphError(400, details === undefined ? { code, message } : { code, message, details });
  };
  if (!isRecord(body)) return fail(100, '(#100) Invalid parameter', 'The request body must be a JSON object');
  if (body.messaging_product !== 'whatsapp')
    return fail(100, '(#100) The parameter messaging_product is required.');
  if (typeof body.to !== 'string' || body.to === '') return fail(100, '(#100) The parameter to is required.');
  const type = body.type ?? 'text';
  if (type !== 'text')
    return fail(131051, '(#131051) Unsupported message type', `type ${String(type)} is not simulated`);
  const text = isRecord(body.text) ? body.text.body : undefined;
  if (typeof text !== 'string' || text === '')
    return fail(100, "(#100) The parameter text['body'] is required.");
  if (text.length > MAX_BODY_CHARS) {
    return fail(100, `(#100) Param text['body'] must be at most ${MAX_BODY_CHARS} characters long.`);
  }
  // The API tolerates a leading + and punctuation; what is left must be a plausible E.164 number.
  const waId = body.to.replace(/[\s()+-]/g, '');
  if (!/^[1-9]\d{6,14}$/.test(waId)) {
    return fail(131009, '(#131009) Parameter value is not valid', `Invalid phone number ${body.to}`);
  }
  return { input: body.to, waId, body: text };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
