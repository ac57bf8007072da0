import { createHmac } from 'node:crypto';
import { SECRET_PREFIX } from './signing.js';

/**
 * Deliveries to a message's own `callback_url` have no endpoint, and so no secret of their own: they
 * are signed with a per-tenant secret derived from one master secret, which the tenant reads at
 * `GET /v1/webhooks/callback-secret`. Deriving it (rather than storing one per tenant) means the
 * dispatcher and the API agree on it without a table, and rotating the master rotates them all.
 */

/**
 * The master secret outside production when none is configured. Public, so it protects nothing:
 * the apps log that they use it, and production requires HERALD_CALLBACK_SIGNING_SECRET.
 */
export const DEVELOPMENT_CALLBACK_SIGNING_SECRET = 'herald-development-callback-signing-secret';

/** The tenant's callback signing secret: `whsec_` + base64(HMAC-SHA256(master, "herald-callback:" + tenant)). */
export function callbackSecretFor(masterSecret: string, tenantId: string): string {
  const key = createHmac('sha256', masterSecret).update(`herald-callback:${tenantId}`).digest('base64');
  return SECRET_PREFIX + key;
}
