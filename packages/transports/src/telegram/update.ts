/** The part of a Telegram Update Herald reads: a text someone sent to the bot. */
export interface TelegramInboundText {
  updateId: number;
  /** The chat it came from, as Herald addresses it (the numeric id as a string). */
  chatId: string;
  text: string;
}

/** What an Update holds, or why it is not one. */
export type ParsedTelegramUpdate =
  { ok: true; updateId: number; inbound: TelegramInboundText | null } | { ok: false; reason: string };

/**
 * Reads an Update (https://core.telegram.org/bots/api#update). Only `message` and `channel_post`
 * texts are of interest; every other kind (edits, callbacks, member changes) is valid and ignored.
 */
export function parseTelegramUpdate(body: unknown): ParsedTelegramUpdate {
  if (!isRecord(body) || typeof body.update_id !== 'number' || !Number.isInteger(body.update_id)) {
    return { ok: false, reason: 'expected an Update with an integer update_id' };
  }
  const updateId = body.update_id;
  const message = isRecord(body.message)
    ? body.message
    : isRecord(body.channel_post)
      ? body.channel_post
      : null;
  const chat = message !== null && isRecord(message.chat) ? message.chat : null;
  if (message === null || chat === null || typeof message.text !== 'string')
    return { ok: true, updateId, inbound: null };
  if (typeof chat.id !== 'number' || !Number.isInteger(chat.id)) {
    return { ok: false, reason: 'message.chat.id must be an integer' };
  }
  return { ok: true, updateId, inbound: { updateId, chatId: String(chat.id), text: message.text } };
}

/**
 * A bot command addressed to this or any bot (`/stop`, `/stop@HeraldBot`) read as its bare keyword,
 * so `/stop` and `STOP` mean the same; other text is returned as is.
 */
export function telegramKeyword(text: string): string {
  const command = /^\/([A-Za-z]+)(?:@\w+)?\s*$/.exec(text.trim());
  return command?.[1] ?? text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
