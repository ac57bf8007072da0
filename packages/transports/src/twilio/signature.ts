import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's request signature: base64(HMAC-SHA1(authToken, url + each param name followed by its
 * value, names sorted)). `url` must be the exact URL Twilio called, query string included.
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>>,
): string {
  // Plain code-unit sort, as Twilio's SDKs do; localeCompare would reorder mixed-case names.
  const names = Object.keys(params).sort();
  const hmac = createHmac('sha1', authToken).update(url, 'utf8');
  for (const name of names) hmac.update(`${name}${params[name] ?? ''}`, 'utf8');
  return hmac.digest('base64');
}

/** Checks an `X-Twilio-Signature` header in constant time; a missing or malformed header is false. */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>>,
  header: string | null | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params), 'utf8');
  const given = Buffer.from(header, 'utf8');
  // timingSafeEqual throws on unequal lengths; the expected length (28) is public, so checking it leaks nothing.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
