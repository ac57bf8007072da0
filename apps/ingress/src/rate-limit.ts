import type { MiddlewareHandler } from 'hono';
import { takeToken } from '@herald/domain';
import type { TokenBucketDecision, TokenBucketPolicy, TokenBucketState } from '@herald/domain';
import type { Tenant } from '@herald/store';
import type { AuthVariables } from './auth/tenant-auth.js';
import { Problem } from './problems.js';

/** The limit that applies to a tenant: its overrides, else the instance defaults. */
export function rateLimitOf(tenant: Tenant, defaults: TokenBucketPolicy): TokenBucketPolicy {
  return {
    ratePerSecond: tenant.ratePerSecond ?? defaults.ratePerSecond,
    burst: tenant.burst ?? defaults.burst,
  };
}

const seconds = (ms: number) => String(Math.ceil(ms / 1000));

// RateLimit-* as in the IETF draft (ratelimit-headers): the limit is the burst, reset is in seconds.
function rateLimitHeaders(policy: TokenBucketPolicy, decision: TokenBucketDecision): Record<string, string> {
  return {
    'RateLimit-Limit': String(policy.burst),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': seconds(decision.resetMs),
  };
}

/**
 * Per-tenant token bucket, one token per request. Buckets live in this process: with N ingress
 * instances behind a balancer a tenant gets up to N times the limit. Runs after tenant auth, which
 * supplies the tenant and its overrides; every response carries the RateLimit-* headers.
 */
export function tenantRateLimit(options: {
  defaults: TokenBucketPolicy;
  clock: () => number;
}): MiddlewareHandler<{ Variables: AuthVariables }> {
  const buckets = new Map<string, TokenBucketState>();
  return async function tenantRateLimitMiddleware(c, next) {
    const tenant = c.get('tenant');
    const policy = rateLimitOf(tenant, options.defaults);
    const decision = takeToken(buckets.get(tenant.id) ?? null, policy, options.clock());
    buckets.set(tenant.id, decision.state);
    if (!decision.allowed) {
      throw new Problem(
        429,
        'rate_limited',
        'Too many requests',
        `The rate limit is ${policy.ratePerSecond} requests per second with bursts of ${policy.burst}.`,
        undefined,
        { 'Retry-After': seconds(decision.retryAfterMs), ...rateLimitHeaders(policy, decision) },
      );
    }
    await next();
    for (const [name, value] of Object.entries(rateLimitHeaders(policy, decision))) c.header(name, value);
  };
}
