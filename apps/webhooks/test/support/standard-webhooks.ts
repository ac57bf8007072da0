// An independent implementation of the receiving side of Standard Webhooks
// (https://www.standardwebhooks.com, "Verifying webhook authenticity"), written from the
// specification and not from Herald's code, so the tests check Herald against the scheme itself.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh `whsec_` secret of 32 random bytes. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The secrets (by index) whose signature appears in the `webhook-signature` header: each is
 * HMAC-SHA256 keyed with the base64-decoded secret (without `whsec_`) over `${id}.${timestamp}.${body}`,
 * sent as `v1,<base64>`, several separated by spaces.
 */
export function matchingSecrets(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  secrets: readonly string[],
): number[] {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  const signatures = String(headers['webhook-signature'])
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice('v1,'.length), 'base64'));
  return secrets.flatMap((secret, index) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
    return signatures.some(
      (candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
    )
      ? [index]
      : [];
  });
}

/** True when the signature verifies with the secret and the timestamp is within five minutes of now. */
export function verifies(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  secret: string,
  now = Date.now(),
): boolean {
  const timestamp = Number(headers['webhook-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > 300) return false;
  return matchingSecrets(headers, body, [secret]).length === 1;
}

/** The callback_url secret of a tenant, as the design defines it. */
export function callbackSecret(master: string, tenantId: string): string {
  return `whsec_${createHmac('sha256', master).update(`herald-callback:${tenantId}`).digest('base64')}`;
}
