import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks symmetric signatures (https://www.standardwebhooks.com): each secret signs
 * `${id}.${timestamp}.${body}` with HMAC-SHA256, and the `webhook-signature` header carries one
 * `v1,<base64>` entry per secret, so during a rotation the old and the new secret both sign.
 */

/** Prefix of every secret Herald hands out, as in the specification's examples. */
export const SECRET_PREFIX = 'whsec_';

/** The fewest decoded bytes a secret may have; the specification asks for 24 to 64. */
export const MIN_SECRET_BYTES = 24;

const GENERATED_SECRET_BYTES = 32;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Raised when a signing secret is not `whsec_` + base64 of at least 24 bytes. */
export class WebhookSecretError extends Error {
  readonly code = 'invalid_secret';
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSecretError';
  }
}

/** What a signature is computed over. `timestamp` is in seconds since the epoch. */
export interface SignedContent {
  readonly id: string;
  readonly timestamp: number;
  readonly body: string;
}

/** The three Standard Webhooks headers of one delivery. */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** A fresh secret: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(GENERATED_SECRET_BYTES).toString('base64');
}

/** The key bytes of a secret given with or without the `whsec_` prefix; throws WebhookSecretError. */
export function parseSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // Buffer.from(…, 'base64') silently skips bad characters, so the alphabet is checked first.
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new WebhookSecretError('the secret must be base64, optionally prefixed with whsec_');
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES) {
    throw new WebhookSecretError(`the secret must decode to at least ${MIN_SECRET_BYTES} bytes`);
  }
  return key;
}

/** The `webhook-signature` header value: one `v1,<base64 HMAC>` per secret, space-separated. */
export function sign(content: SignedContent & { readonly secrets: readonly string[] }): string {
  if (content.secrets.length === 0) throw new WebhookSecretError('at least one secret must sign');
  return content.secrets.map((secret) => `v1,${signature(parseSecret(secret), content)}`).join(' ');
}

/** The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers of a delivery. */
export function headersFor(content: SignedContent & { readonly secrets: readonly string[] }): WebhookHeaders {
  return {
    'webhook-id': content.id,
    'webhook-timestamp': String(content.timestamp),
    'webhook-signature': sign(content),
  };
}

/** What `verify` checks: the signed content, the header value, the secrets and the time now. */
export interface VerifyInput extends SignedContent {
  /** The received `webhook-signature` header value. */
  readonly signature: string;
  readonly secrets: readonly string[];
  /** Epoch milliseconds; the timestamp must lie within `toleranceSeconds` of it. */
  readonly now: number;
  readonly toleranceSeconds?: number;
}

/**
 * True when any `v1` entry of the header matches any secret and the timestamp is recent enough
 * (five minutes either way by default, the specification's replay window).
 */
export function verify(input: VerifyInput): boolean {
  const tolerance = input.toleranceSeconds ?? 300;
  if (!Number.isInteger(input.timestamp) || input.timestamp < 0) return false;
  if (Math.abs(input.now / 1000 - input.timestamp) > tolerance) return false;
  const received = input.signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  return input.secrets.some((secret) => {
    const expected = Buffer.from(signature(parseSecret(secret), input), 'base64');
    return received.some(
      (candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
    );
  });
}

function signature(key: Buffer, { id, timestamp, body }: SignedContent): string {
  if (!Number.isInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`the timestamp must be whole seconds since the epoch, got ${timestamp}`);
  }
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}
