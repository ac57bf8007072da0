import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { Problem } from '../problems.js';
import { bearerValue } from './bearer.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Guards the admin API with `Authorization: Bearer <admin token>`. Both sides are hashed first, so
 * the comparison is constant-time whatever the lengths. Without a configured token the admin API is
 * off (503), so a missing setting never means "open".
 */
export function adminAuth(options: { token: string | undefined }): MiddlewareHandler {
  const expected = options.token ? digest(options.token) : null;
  return async function adminAuthMiddleware(c, next) {
    if (!expected)
      throw new Problem(
        503,
        'admin_disabled',
        'Admin API disabled',
        'Set HERALD_ADMIN_TOKEN to enable the admin API.',
      );
    const presented = bearerValue(c.req.header('authorization'));
    if (presented === null)
      throw new Problem(
        401,
        'unauthenticated',
        'Authentication required',
        'Send the admin token as `Authorization: Bearer <token>`.',
        undefined,
        { 'WWW-Authenticate': 'Bearer realm="herald-admin"' },
      );
    if (!timingSafeEqual(digest(presented), expected))
      throw new Problem(403, 'forbidden', 'Forbidden', 'This credential may not use the admin API.');
    await next();
  };
}
