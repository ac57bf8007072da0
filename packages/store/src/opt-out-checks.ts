import type { PoolClient } from './pool.js';

/** One recipient to check against its tenant's opt-out list. */
export interface OptOutQuery {
  tenantId: string;
  channel: string;
  recipient: string;
}

const keyOf = (query: OptOutQuery) => `${query.tenantId}\u0000${query.channel}\u0000${query.recipient}`;

/**
 * The queries whose recipient opted out (for their channel, or for every channel), answered with
 * one set-based statement for a whole routing batch. Returns their keys as built by `optOutKey`.
 */
export async function optedOutAmong(client: PoolClient, queries: OptOutQuery[]): Promise<Set<string>> {
  if (queries.length === 0) return new Set();
  const { rows } = await client.query<{ tenant_id: string; channel: string; recipient: string }>(
    `SELECT DISTINCT q.tenant_id, q.channel, q.recipient
       FROM unnest($1::text[], $2::text[], $3::text[]) AS q(tenant_id, channel, recipient)
       JOIN opt_outs o ON o.tenant_id = q.tenant_id AND o.recipient = q.recipient
                      AND (o.channel IS NULL OR o.channel = q.channel)`,
    [queries.map((q) => q.tenantId), queries.map((q) => q.channel), queries.map((q) => q.recipient)],
  );
  return new Set(
    rows.map((row) => keyOf({ tenantId: row.tenant_id, channel: row.channel, recipient: row.recipient })),
  );
}

/** The key `optedOutAmong` uses for a query. */
export const optOutKey = keyOf;
