import type { MiddlewareHandler } from 'hono';
import { findTenant, touchApiKeys } from '@herald/store';
import type { KeyOwner, Pool } from '@herald/store';
import type { Logger } from '@herald/telemetry';
import { tenantRateLimit } from '../rate-limit.js';
import { createJwtVerifier } from './jwt.js';
import { keyUsageRecorder } from './key-usage.js';
import type { AuthSettings } from './settings.js';
import { tenantAuth } from './tenant-auth.js';
import type { AuthVariables } from './tenant-auth.js';
import { cachedTenants } from './tenant-cache.js';

// JWT requests find their tenant through this cache; API keys read it fresh with the key.
const TENANT_CACHE_MS = 5_000;

/** Tenant authentication then the tenant's rate limit, wired to Postgres: the guards of `/v1/*`. */
export function tenantGuards(deps: {
  pool: Pool;
  auth: AuthSettings;
  clock: () => number;
  log: Logger;
  /** Finds the owner of an API key (the ingress merges concurrent lookups into one query). */
  authenticateKey: (key: string) => Promise<KeyOwner | null>;
}): MiddlewareHandler<{ Variables: AuthVariables }>[] {
  const { pool, auth, clock } = deps;
  return [
    tenantAuth({
      authenticateKey: deps.authenticateKey,
      findTenant: cachedTenants((id) => findTenant(pool, id), { ttlMs: TENANT_CACHE_MS, clock }),
      verifyJwt: auth.jwt ? createJwtVerifier(auth.jwt) : null,
      onKeyUsed: keyUsageRecorder({
        touch: (ids, now) => touchApiKeys(pool, ids, now),
        clock,
        log: deps.log,
      }),
      clock,
    }),
    tenantRateLimit({ defaults: auth.rateLimit, clock }),
  ];
}
