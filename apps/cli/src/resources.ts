// The admin API's answers as the CLI reads them (the server is Herald itself, so they are trusted
// to have this shape; anything missing prints as a dash).
import { fields, show } from './format.js';

/** A tenant. */
export interface TenantJson {
  id: string;
  name: string;
  status: string;
  rate_per_second: number | null;
  burst: number | null;
  created_at: string;
}

/** An API key (with `key` only when just issued). */
export interface KeyJson {
  id: string;
  name: string | null;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  key?: string;
}

/** A balance, in credits and micro-credits. */
export interface BalanceJson {
  balance: string;
  held: string;
  available: string;
}

/** A ledger entry. */
export interface EntryJson {
  id: string;
  kind: string;
  amount: string;
  message_id: string | null;
  reference: string | null;
  reason: string | null;
  occurred_at: string;
}

/** A list answer. */
export interface ListJson<T> {
  data: T[];
}

/** A tenant as `key: value` lines. */
export function tenantLines(tenant: TenantJson): string[] {
  return fields([
    ['id', tenant.id],
    ['name', tenant.name],
    ['status', tenant.status],
    ['rate limit', tenant.rate_per_second === null ? 'default' : `${tenant.rate_per_second}/s`],
    ['burst', tenant.burst === null ? 'default' : String(tenant.burst)],
    ['created', show(tenant.created_at)],
  ]);
}

/** A balance as `key: value` lines. */
export function balanceLines(balance: BalanceJson): string[] {
  return fields([
    ['balance', `${balance.balance} credits`],
    ['held', `${balance.held} credits`],
    ['available', `${balance.available} credits`],
  ]);
}
