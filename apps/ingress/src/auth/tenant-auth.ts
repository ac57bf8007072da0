import type { MiddlewareHandler } from 'hono';
import type { KeyOwner, Tenant } from '@herald/store';
import type { Credential } from './bearer.js';
import { readCredential } from './bearer.js';
import type { JwtVerifier } from './jwt.js';
import type { KeyUsageRecorder } from './key-usage.js';
import { tenantSuspended, unauthenticated } from './problems.js';
import type { TenantLookup } from './tenant-cache.js';

/** Variables the auth middleware sets for handlers. */
export interface AuthVariables {
  tenantId: string;
  /** The authenticated tenant as read for this request (status, rate limit overrides). */
  tenant: Tenant;
}

/** Where tenant credentials are checked; plain functions so tests can pass their own. */
export interface TenantAuthOptions {
  authenticateKey: (key: string) => Promise<KeyOwner | null>;
  findTenant: TenantLookup;
  /** Null when no JWT key is configured: JWTs are then refused. */
  verifyJwt: JwtVerifier | null;
  onKeyUsed?: KeyUsageRecorder;
  clock: () => number;
}

const MISSING = 'Send an API key or a JWT as `Authorization: Bearer <credential>`.';

async function tenantOfJwt(token: string, options: TenantAuthOptions): Promise<Tenant> {
  if (!options.verifyJwt) throw unauthenticated('JWT bearer tokens are not enabled on this server.', true);
  const outcome = await options.verifyJwt(token, options.clock());
  if (!outcome.ok) throw unauthenticated(`The bearer token is invalid: ${outcome.reason}.`, true);
  const tenant = await options.findTenant(outcome.tenantId);
  if (!tenant) throw unauthenticated(`The token's tenant ${outcome.tenantId} does not exist.`, true);
  return tenant;
}

async function tenantOfKey(key: string, options: TenantAuthOptions): Promise<Tenant> {
  const owner = await options.authenticateKey(key);
  if (!owner) throw unauthenticated('The API key is unknown or revoked.', true);
  options.onKeyUsed?.(owner.keyId);
  return owner.tenant;
}

function tenantOf(credential: Credential, options: TenantAuthOptions): Promise<Tenant> {
  switch (credential.kind) {
    case 'jwt':
      return tenantOfJwt(credential.token, options);
    case 'api_key':
      return tenantOfKey(credential.key, options);
    default: {
      const unexpected: never = credential;
      throw new Error(`unknown credential ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * Authenticates the tenant of a request by API key or JWT and sets `tenantId` and `tenant`.
 * 401 for a missing or invalid credential, 403 `tenant_suspended` for a suspended tenant.
 */
export function tenantAuth(options: TenantAuthOptions): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async function tenantAuthMiddleware(c, next) {
    const credential = readCredential(c.req.header('authorization'), c.req.header('x-api-key'));
    if (!credential) throw unauthenticated(MISSING);
    const tenant = await tenantOf(credential, options);
    if (tenant.status === 'suspended') throw tenantSuspended(tenant.id);
    c.set('tenantId', tenant.id);
    c.set('tenant', tenant);
    await next();
  };
}
