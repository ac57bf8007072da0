import { assertNever } from '../exhaustive.js';
import type { OutboundMessage, SendResult } from '../transport.js';

/** A chat id as sendMessage takes it: a numeric id, or `@channelusername`. */
export type TelegramChatId = number | string;

/** The JSON body for sendMessage, or the reason this message cannot go through Telegram. */
export type SendMessageBody =
  { ok: true; chatId: TelegramChatId; body: string } | { ok: false; result: SendResult };

/**
 * Maps Herald's message to sendMessage parameters. Plain text only (no parse_mode): a tenant's text
 * must never be read as Markdown or HTML. A bot always sends as itself, so `from` has no say here.
 */
export function buildSendMessage(message: OutboundMessage): SendMessageBody {
  if (!carriesTelegram(message.channel)) {
    return {
      ok: false,
      result: {
        ok: false,
        retryable: false,
        errorCode: 'unsupported_channel',
        errorMessage: `the Telegram Bot API cannot send on channel '${message.channel}'`,
      },
    };
  }
  const chatId = toChatId(message.to);
  return { ok: true, chatId, body: JSON.stringify({ chat_id: chatId, text: message.text }) };
}

/**
 * Numeric chat ids go out as JSON numbers, the type the Bot API documents (ids fit in 52 bits, so a
 * double holds them exactly); anything else, such as `@channel`, goes as the string it is.
 */
export function toChatId(address: string): TelegramChatId {
  if (!/^-?\d{1,16}$/.test(address)) return address;
  const id = Number(address);
  return Number.isSafeInteger(id) ? id : address;
}

function carriesTelegram(channel: OutboundMessage['channel']): boolean {
  switch (channel) {
    case 'telegram':
      return true;
    case 'sms':
    case 'whatsapp':
      return false;
    default:
      return assertNever(channel);
  }
}
