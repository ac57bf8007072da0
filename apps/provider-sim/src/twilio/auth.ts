import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { TwilioAccount } from '../options.js';
import { twilioError } from './errors.js';

/**
 * HTTP Basic auth with the account's SID and auth token, answering Twilio's 401 (code 20003) when
 * the credentials are wrong or name another account than the URL does.
 */
export function twilioBasicAuth(
  account: TwilioAccount,
  rejected: (reason: string) => void,
): MiddlewareHandler {
  // Digests have equal length, so timingSafeEqual never throws and leaks no length.
  const expected = sha256(`${account.accountSid}:${account.authToken}`);
  return async function twilioBasicAuthMiddleware(c, next) {
    const credentials = basicCredentials(c.req.header('authorization'));
    const authorized =
      credentials !== null &&
      timingSafeEqual(sha256(credentials), expected) &&
      c.req.param('accountSid') === account.accountSid;
    if (!authorized) {
      rejected('twilio_20003');
      throw twilioError(401, 20003, 'Authenticate', { 'www-authenticate': 'Basic realm="Twilio API"' });
    }
    await next();
  };
}

function basicCredentials(header: string | undefined): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  return match?.[1] === undefined ? null : Buffer.from(match[1], 'base64').toString('utf8');
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
