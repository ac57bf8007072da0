import { authenticateApiKeys, optedOutAmong, optOutKey, readBalances } from '@herald/store';
import type { KeyOwner, OptOutQuery, Pool } from '@herald/store';
import { coalesce } from './coalesce.js';

/**
 * The reads every send makes (who owns this API key, has the recipient opted out, what can the
 * tenant spend), each merged across concurrent requests into one statement per batch. A send made
 * three round trips to Postgres before; under load most now share theirs with other requests.
 */
export interface IngressLookups {
  authenticateKey: (key: string) => Promise<KeyOwner | null>;
  isOptedOut: (query: OptOutQuery) => Promise<boolean>;
  availableMicros: (tenantId: string) => Promise<number>;
}

export function ingressLookups(pool: Pool): IngressLookups {
  return {
    authenticateKey: coalesce(
      (keys) => authenticateApiKeys(pool, keys),
      (key) => key,
    ),
    isOptedOut: coalesce(async (queries) => {
      const blocked = await optedOutAmong(pool, [...queries]);
      return queries.map((query) => blocked.has(optOutKey(query)));
    }, optOutKey),
    availableMicros: coalesce(
      async (tenantIds) => (await readBalances(pool, tenantIds)).map((balance) => balance.available),
      (tenantId) => tenantId,
    ),
  };
}
