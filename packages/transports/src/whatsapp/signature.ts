import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `X-Hub-Signature-256` value Meta sends: `sha256=` and the hex HMAC-SHA256 of the raw body. */
export function whatsappSignature(appSecret: string, rawBody: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Checks an `X-Hub-Signature-256` header against the exact bytes received, in constant time; a
 * missing or malformed header is false. The body must not be re-serialized first: any change of
 * whitespace or key order changes the HMAC.
 */
export function verifyWhatsAppSignature(
  appSecret: string,
  rawBody: Uint8Array | string,
  header: string | null | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(whatsappSignature(appSecret, rawBody), 'utf8');
  // Hex is case-insensitive; Meta sends lower case, a proxy may not.
  const given = Buffer.from(header.toLowerCase(), 'utf8');
  // The expected length (71) is public, so checking it first leaks nothing.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
