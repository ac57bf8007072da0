import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { graphError } from './errors.js';

/**
 * Bearer-token auth as Graph does it: a missing or wrong token is 401 with code 190 (invalid OAuth
 * access token), and WWW-Authenticate names the failure as Graph's does.
 */
export function graphBearerAuth(accessToken: string, rejected: (reason: string) => void): MiddlewareHandler {
  // Digests have equal length, so timingSafeEqual never throws and leaks no length.
  const expected = sha256(accessToken);
  return async function graphBearerAuthMiddleware(c, next) {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (token === undefined || !timingSafeEqual(sha256(token), expected)) {
      rejected('whatsapp_190');
      throw graphError(
        401,
        { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
        { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' },
      );
    }
    await next();
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
