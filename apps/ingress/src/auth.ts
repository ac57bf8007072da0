import type { MiddlewareHandler } from 'hono';
import { authenticateApiKey } from '@herald/store';
import type { Pool } from '@herald/store';
import { Problem } from './problems.js';

/** Variables the auth middleware sets for handlers. */
export interface AuthVariables {
  tenantId: string;
}

const unauthenticated = () =>
  new Problem(
    401,
    'unauthenticated',
    'Authentication required',
    'Send an API key as `Authorization: Bearer <key>`.',
    undefined,
    {
      'WWW-Authenticate': 'Bearer realm="herald"',
    },
  );

/** Authenticates a tenant by API key (`Authorization: Bearer <key>` or `X-API-Key`). */
export function apiKeyAuth(options: { pool: Pool }): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async function apiKeyAuthMiddleware(c, next) {
    const header = c.req.header('authorization');
    const key = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? c.req.header('x-api-key');
    if (!key) throw unauthenticated();
    const owner = await authenticateApiKey(options.pool, key);
    if (!owner) throw unauthenticated();
    c.set('tenantId', owner.tenantId);
    await next();
  };
}
