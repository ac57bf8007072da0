import type { SendResult } from '../transport.js';
import { mapTwilioStatus } from './status.js';

/** The documented error body: `{ code, message, more_info, status }`. */
interface TwilioErrorBody {
  code: number | null;
  message: string | null;
}

/** Maps a Messages.json answer (status code, Retry-After, raw body) to a SendResult. */
export function interpretTwilioResponse(
  statusCode: number,
  retryAfter: string | undefined,
  bodyText: string,
  now: number,
): SendResult {
  const body = parseJson(bodyText);
  if (statusCode >= 200 && statusCode < 300) return interpretCreated(body);
  const error = readErrorBody(body);
  const retryable = statusCode === 429 || statusCode === 408 || statusCode >= 500;
  const result: SendResult = {
    ok: false,
    retryable,
    errorCode: error.code === null ? `http_${statusCode}` : `twilio_${error.code}`,
    errorMessage: error.message ?? (bodyText.slice(0, 200) || `HTTP ${statusCode}`),
  };
  const retryAfterMs = retryable ? parseRetryAfter(retryAfter, now) : undefined;
  return retryAfterMs === undefined ? result : { ...result, retryAfterMs };
}

function interpretCreated(body: unknown): SendResult {
  if (!isRecord(body) || typeof body.sid !== 'string' || body.sid === '') {
    // Twilio created something we cannot identify; retrying would send the message twice.
    return {
      ok: false,
      retryable: false,
      errorCode: 'twilio_invalid_response',
      errorMessage: 'Twilio answered 2xx without a message sid',
    };
  }
  // A status string newer than this code still means "created": queued is the safe floor.
  const status = typeof body.status === 'string' ? mapTwilioStatus(body.status) : null;
  return { ok: true, providerMessageId: body.sid, status: status ?? 'queued' };
}

function readErrorBody(body: unknown): TwilioErrorBody {
  if (!isRecord(body)) return { code: null, message: null };
  return {
    code: typeof body.code === 'number' && Number.isInteger(body.code) ? body.code : null,
    message: typeof body.message === 'string' && body.message !== '' ? body.message : null,
  };
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
