import type { TokenBucketPolicy } from '@herald/domain';
import type { IngressConfig } from '../config.js';
import type { JwtOptions } from './jwt.js';
import { jwtOptionsFromConfig } from './jwt-config.js';

/** How the API authenticates and limits its callers. */
export interface AuthSettings {
  /** Bearer token of the admin API; undefined turns the admin API off. */
  adminToken: string | undefined;
  /** Tenant JWT verification; null refuses JWTs. */
  jwt: JwtOptions | null;
  /** Default per-tenant rate limit; a tenant's overrides win. */
  rateLimit: TokenBucketPolicy;
}

/** The settings from validated configuration. */
export function authSettingsFromConfig(config: IngressConfig): AuthSettings {
  return {
    adminToken: config.HERALD_ADMIN_TOKEN,
    jwt: jwtOptionsFromConfig(config),
    rateLimit: { ratePerSecond: config.HERALD_RATE_LIMIT_PER_SECOND, burst: config.HERALD_RATE_LIMIT_BURST },
  };
}

/** Admin API off, JWTs refused, the documented default rate limit (100/s, bursts of 200). */
export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  adminToken: undefined,
  jwt: null,
  rateLimit: { ratePerSecond: 100, burst: 200 },
};
