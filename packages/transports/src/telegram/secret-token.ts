import { createHash, timingSafeEqual } from 'node:crypto';

/** The secret_token rule of setWebhook: 1 to 256 of A-Z, a-z, 0-9, `_` and `-`. */
export const TELEGRAM_SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Checks an `X-Telegram-Bot-Api-Secret-Token` header against the secret given to setWebhook, in
 * constant time: both sides are hashed first, so neither the content nor the length leaks.
 */
export function verifyTelegramSecretToken(expected: string, header: string | null | undefined): boolean {
  if (!header) return false;
  return timingSafeEqual(sha256(header), sha256(expected));
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
