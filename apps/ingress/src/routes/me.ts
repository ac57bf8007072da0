import { Hono } from 'hono';
import type { TokenBucketPolicy } from '@herald/domain';
import { readBalance } from '@herald/store';
import type { Pool } from '@herald/store';
import type { AuthVariables } from '../auth/tenant-auth.js';
import { balanceResource } from '../credit-amounts.js';
import { rateLimitOf } from '../rate-limit.js';

/** What `GET /v1/me` needs from the process. */
export interface MeDeps {
  pool: Pool;
  /** The instance's default rate limit, for tenants without overrides. */
  rateLimit: TokenBucketPolicy;
}

/** `GET /v1/me`: the calling tenant, the rate limit in force and its credits. */
export function meRoutes(deps: MeDeps) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get('/', async (c) => {
    const tenant = c.get('tenant');
    const limit = rateLimitOf(tenant, deps.rateLimit);
    return c.json({
      id: tenant.id,
      name: tenant.name,
      status: tenant.status,
      created_at: new Date(tenant.createdAt).toISOString(),
      // Buckets are kept per ingress instance: behind N instances the effective limit is up to N times this.
      rate_limit: { rate_per_second: limit.ratePerSecond, burst: limit.burst, scope: 'instance' },
      balance: balanceResource(await readBalance(deps.pool, tenant.id)),
    });
  });
  return app;
}
