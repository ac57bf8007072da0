import type { Tenant } from '@herald/store';

/** Looks tenants up through a short per-instance cache. */
export type TenantLookup = (id: string) => Promise<Tenant | null>;

/**
 * Caches found tenants for `ttlMs`, so JWT requests do not read the tenants table every time; a
 * suspension or a new rate limit reaches a JWT client within that time. Unknown ids are not cached:
 * a tenant created a moment ago must work at once.
 */
export function cachedTenants(
  find: TenantLookup,
  options: { ttlMs: number; clock: () => number },
): TenantLookup {
  const cache = new Map<string, { tenant: Tenant; expiresAt: number }>();
  return async function findCachedTenant(id) {
    const now = options.clock();
    const hit = cache.get(id);
    if (hit && hit.expiresAt > now) return hit.tenant;
    const tenant = await find(id);
    if (tenant) cache.set(id, { tenant, expiresAt: now + options.ttlMs });
    else cache.delete(id);
    return tenant;
  };
}
