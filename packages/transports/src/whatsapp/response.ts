import type { SendResult } from '../transport.js';
import { isRetryableWhatsAppError } from './errors.js';

/** The part of a Graph error body Herald reads: `{ error: { message, type, code, error_subcode, ... } }`. */
export interface GraphError {
  code: number | null;
  subcode: number | null;
  message: string | null;
  details: string | null;
}

/** Maps a /messages answer (status code and raw body) to a SendResult. */
export function interpretWhatsAppResponse(statusCode: number, bodyText: string): SendResult {
  const body = parseJson(bodyText);
  if (statusCode >= 200 && statusCode < 300) return interpretAccepted(body);
  const error = readGraphError(body);
  return {
    ok: false,
    retryable: isRetryableWhatsAppError(error.code, statusCode),
    errorCode: error.code === null ? `http_${statusCode}` : `whatsapp_${error.code}`,
    errorMessage: describe(error) ?? (bodyText.slice(0, 200) || `HTTP ${statusCode}`),
  };
}

function interpretAccepted(body: unknown): SendResult {
  const messages = isRecord(body) && Array.isArray(body.messages) ? body.messages : [];
  const first: unknown = messages[0];
  if (!isRecord(first) || typeof first.id !== 'string' || first.id === '') {
    // Meta took something we cannot identify; retrying would send the message twice.
    return {
      ok: false,
      retryable: false,
      errorCode: 'whatsapp_invalid_response',
      errorMessage: 'the Cloud API answered 2xx without a message id',
    };
  }
  // Accepted (or held for quality assessment): handed to WhatsApp, not yet sent to the handset.
  return { ok: true, providerMessageId: first.id, status: 'queued' };
}

/** Reads Graph's error object; fields it lacks come back null. */
export function readGraphError(body: unknown): GraphError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  if (error === null) return { code: null, subcode: null, message: null, details: null };
  const data = isRecord(error.error_data) ? error.error_data : null;
  return {
    code: integerOrNull(error.code),
    subcode: integerOrNull(error.error_subcode),
    message: textOrNull(error.message),
    details: textOrNull(data?.details),
  };
}

function describe(error: GraphError): string | null {
  if (error.message === null) return error.details;
  return error.details === null || error.message.includes(error.details)
    ? error.message
    : `${error.message}: ${error.details}`;
}

function integerOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
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
