import { botApiError } from './errors.js';

/** A sendMessage request that passed the Bot API's validation. */
export interface SendMessageRequest {
  /** A numeric chat id, or a channel's `@username`. */
  chatId: number | string;
  text: string;
}

const MAX_TEXT_CHARS = 4096;

/**
 * Validates sendMessage parameters (from JSON, a form or the query string, as the Bot API accepts
 * them) in the Bot API's order, with its descriptions.
 */
export function parseSendMessage(
  params: Readonly<Record<string, unknown>>,
  rejected: (reason: string) => void,
): SendMessageRequest {
  const fail = (description: string): never => {
    rejected('telegram_400');
    throw botApiError(400, description);
  };
  const chatId = params.chat_id;
  if (chatId === undefined || chatId === null || chatId === '') return fail('Bad Request: chat_id is empty');
  const text = params.text;
  if (typeof text !== 'string' || text.trim() === '') return fail('Bad Request: message text is empty');
  if (text.length > MAX_TEXT_CHARS) return fail('Bad Request: message is too long');
  const parsed = parseChatId(chatId);
  if (parsed === null) return fail('Bad Request: chat not found');
  return { chatId: parsed, text };
}

/** Integers (or their decimal strings) are chat ids; `@name` is a public channel or supergroup. */
function parseChatId(value: unknown): number | string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value !== 0 ? value : null;
  if (typeof value !== 'string') return null;
  if (/^-?[1-9]\d{0,15}$/.test(value)) return Number(value);
  return /^@[A-Za-z]\w{3,31}$/.test(value) ? value : null;
}
