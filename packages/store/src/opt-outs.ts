import type { Channel } from '@herald/domain';
import type { Pool, PoolClient } from './pool.js';

/** How a recipient came onto the list. */
export type OptOutSource = 'api' | 'keyword';

/** A recipient a tenant must not message, on one channel or (channel null) on every channel. */
export interface OptOut {
  id: string;
  tenantId: string;
  recipient: string;
  channel: Channel | null;
  source: OptOutSource;
  createdAt: number;
}

interface OptOutRow {
  id: string;
  tenant_id: string;
  recipient: string;
  channel: Channel | null;
  source: OptOutSource;
  created_at: Date;
}

type Queryable = Pool | PoolClient;

const toOptOut = (row: OptOutRow): OptOut => ({
  id: row.id,
  tenantId: row.tenant_id,
  recipient: row.recipient,
  channel: row.channel,
  source: row.source,
  createdAt: row.created_at.getTime(),
});

/** Adds a recipient to a tenant's list; adding it again keeps the first entry (`created` false). */
export async function addOptOut(
  db: Queryable,
  entry: { tenantId: string; recipient: string; channel: Channel | null; source: OptOutSource },
): Promise<{ optOut: OptOut; created: boolean }> {
  const params = [entry.tenantId, entry.recipient, entry.channel];
  const inserted = await db.query<OptOutRow>(
    `INSERT INTO opt_outs (tenant_id, recipient, channel, source) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, recipient, channel) DO NOTHING RETURNING *`,
    [...params, entry.source],
  );
  const row = inserted.rows[0];
  if (row) return { optOut: toOptOut(row), created: true };
  const { rows } = await db.query<OptOutRow>(
    'SELECT * FROM opt_outs WHERE tenant_id = $1 AND recipient = $2 AND channel IS NOT DISTINCT FROM $3',
    params,
  );
  const existing = rows[0];
  // Removed between the two statements: add it again.
  return existing ? { optOut: toOptOut(existing), created: false } : addOptOut(db, entry);
}

/**
 * Removes entries of a recipient: with `channel` undefined every entry, with null only the
 * every-channel entry, with a channel only that channel's entry. Returns how many were removed.
 */
export async function removeOptOut(
  db: Queryable,
  tenantId: string,
  recipient: string,
  channel?: Channel | null,
): Promise<number> {
  const result =
    channel === undefined
      ? await db.query('DELETE FROM opt_outs WHERE tenant_id = $1 AND recipient = $2', [tenantId, recipient])
      : await db.query(
          'DELETE FROM opt_outs WHERE tenant_id = $1 AND recipient = $2 AND channel IS NOT DISTINCT FROM $3',
          [tenantId, recipient, channel],
        );
  return result.rowCount ?? 0;
}

/** True when the recipient opted out of `channel` or of every channel. */
export async function isOptedOut(
  db: Queryable,
  tenantId: string,
  channel: Channel,
  recipient: string,
): Promise<boolean> {
  return (await optedOutRecipients(db, tenantId, channel, [recipient])).size > 0;
}

/** The recipients among `recipients` that opted out of `channel`, in one statement for any count. */
export async function optedOutRecipients(
  db: Queryable,
  tenantId: string,
  channel: Channel,
  recipients: readonly string[],
): Promise<Set<string>> {
  if (recipients.length === 0) return new Set();
  const { rows } = await db.query<{ recipient: string }>(
    `SELECT DISTINCT recipient FROM opt_outs
      WHERE tenant_id = $1 AND recipient = ANY($3::text[]) AND (channel IS NULL OR channel = $2)`,
    [tenantId, channel, recipients],
  );
  return new Set(rows.map((row) => row.recipient));
}

/** One page of a tenant's list, newest first; `before` is the id the previous page ended at. */
export async function listOptOuts(
  db: Queryable,
  tenantId: string,
  page: { limit: number; before?: string; recipient?: string },
): Promise<{ optOuts: OptOut[]; hasMore: boolean }> {
  const { rows } = await db.query<OptOutRow>(
    `SELECT * FROM opt_outs
      WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id < $2) AND ($3::text IS NULL OR recipient = $3)
      ORDER BY id DESC LIMIT $4`,
    [tenantId, page.before ?? null, page.recipient ?? null, page.limit + 1],
  );
  return { optOuts: rows.slice(0, page.limit).map(toOptOut), hasMore: rows.length > page.limit };
}

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
export async function optedOutAmong(client: Queryable, queries: OptOutQuery[]): Promise<Set<string>> {
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
