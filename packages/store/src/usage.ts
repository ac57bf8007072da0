import type { Pool, PoolClient } from './pool.js';

/** Figures of one tenant, UTC day and channel (or the change one batch makes to them). */
export interface UsageFigures {
  messages: number;
  parts: number;
  delivered: number;
  failed: number;
  spendMicros: number;
}

/** One day and channel of a tenant's usage. */
export interface UsageRow extends UsageFigures {
  /** YYYY-MM-DD, UTC. */
  day: string;
  channel: string;
}

/** A change to one row of the usage read model. */
export interface UsageDelta extends UsageRow {
  tenantId: string;
}

/** Adds one batch's changes to the usage read model in one statement. */
export async function applyUsageDeltas(client: PoolClient, deltas: readonly UsageDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await client.query(
    `INSERT INTO usage_daily (tenant_id, day, channel, messages, parts, delivered, failed, spend_micros)
     SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::bigint[])
     ON CONFLICT (tenant_id, day, channel) DO UPDATE SET
       messages = usage_daily.messages + EXCLUDED.messages, parts = usage_daily.parts + EXCLUDED.parts,
       delivered = usage_daily.delivered + EXCLUDED.delivered, failed = usage_daily.failed + EXCLUDED.failed,
       spend_micros = usage_daily.spend_micros + EXCLUDED.spend_micros`,
    [
      deltas.map((d) => d.tenantId),
      deltas.map((d) => d.day),
      deltas.map((d) => d.channel),
      deltas.map((d) => d.messages),
      deltas.map((d) => d.parts),
      deltas.map((d) => d.delivered),
      deltas.map((d) => d.failed),
      deltas.map((d) => d.spendMicros),
    ],
  );
}

/** A tenant's usage per UTC day (of acceptance) and channel, days in [fromDay, toDay]. */
export async function usageByDay(
  pool: Pool,
  tenantId: string,
  fromDay: string,
  toDay: string,
): Promise<UsageRow[]> {
  const { rows } = await pool.query<{
    day: string;
    channel: string;
    messages: number;
    parts: number;
    delivered: number;
    failed: number;
    spend_micros: string;
  }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, channel, messages, parts, delivered, failed, spend_micros
       FROM usage_daily WHERE tenant_id = $1 AND day BETWEEN $2::date AND $3::date
      ORDER BY day, channel`,
    [tenantId, fromDay, toDay],
  );
  return rows.map((row) => ({
    day: row.day,
    channel: row.channel,
    messages: row.messages,
    parts: row.parts,
    delivered: row.delivered,
    failed: row.failed,
    spendMicros: Number(row.spend_micros),
  }));
}
