import type { SendResult } from '../transport.js';
import type { TelegramChatId } from './request.js';

/**
 * Maps a sendMessage answer to a SendResult. Telegram has no delivery receipts: once it stored the
 * message in the chat, it is delivered as far as anyone can know, so success reports `delivered`.
 */
export function interpretTelegramResponse(
  statusCode: number,
  bodyText: string,
  chatId: TelegramChatId,
): SendResult {
  const body = parseJson(bodyText);
  if (isRecord(body) && body.ok === true) return interpretSent(body.result, chatId);
  return interpretError(statusCode, bodyText, body);
}

function interpretSent(result: unknown, chatId: TelegramChatId): SendResult {
  const messageId = isRecord(result) ? result.message_id : undefined;
  if (typeof messageId !== 'number' || !Number.isInteger(messageId)) {
    // Telegram took something we cannot identify; retrying would post the text twice.
    return {
      ok: false,
      retryable: false,
      errorCode: 'telegram_invalid_response',
      errorMessage: 'the Bot API answered ok without a message_id',
    };
  }
  // message_id is unique per chat only; the numeric chat id Telegram answers with (also for an
  // @channel) makes the pair unique.
  const chat = isRecord(result) && isRecord(result.chat) ? result.chat.id : undefined;
  const chatKey = typeof chat === 'number' && Number.isInteger(chat) ? chat : chatId;
  return { ok: true, providerMessageId: `${chatKey}:${messageId}`, status: 'delivered' };
}

/** `{ ok: false, error_code, description, parameters: { retry_after, migrate_to_chat_id } }`. */
function interpretError(statusCode: number, bodyText: string, body: unknown): SendResult {
  const error = isRecord(body) ? body : {};
  const code =
    typeof error.error_code === 'number' && Number.isInteger(error.error_code) ? error.error_code : null;
  const effective = code ?? statusCode;
  const parameters = isRecord(error.parameters) ? error.parameters : {};
  const description =
    typeof error.description === 'string' && error.description !== '' ? error.description : null;
  const base = {
    ok: false as const,
    retryable: effective === 429 || effective >= 500,
    errorCode: code === null ? `http_${statusCode}` : `telegram_${code}`,
    errorMessage: withMigration(description ?? (bodyText.slice(0, 200) || `HTTP ${statusCode}`), parameters),
  };
  const retryAfter = parameters.retry_after;
  if (!base.retryable || typeof retryAfter !== 'number' || !(retryAfter >= 0)) return base;
  // Telegram refuses every message to that chat until then: the sender must not try earlier.
  return { ...base, retryAfterMs: Math.ceil(retryAfter * 1000) };
}

/** A group that became a supergroup has a new id; the message names it so an operator can update the recipient. */
function withMigration(message: string, parameters: Record<string, unknown>): string {
  const moved = parameters.migrate_to_chat_id;
  return typeof moved === 'number' ? `${message} (the group is now chat ${moved})` : message;
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
