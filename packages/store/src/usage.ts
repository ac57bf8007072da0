import type { Pool } from './pool.js';

/** One day and channel of a tenant's usage. */
export interface UsageRow {
  day: string;
  channel: string;
  messages: number;
  parts: number;
  delivered: number;
  spendMicros: number;
}

/**
 * A tenant's messages (by the day they were accepted) and spend (credits captured, by the day of
 * capture) per day and channel, UTC days in [fromDay, toDay].
 */
export async function usageByDay(
  pool: Pool,
  tenantId: string,
  fromDay: string,
  toDay: string,
): Promise<UsageRow[]> {
  const { rows } = await pool.query<{
    day: string;
    channel: string;
    messages: string;
    parts: string;
    delivered: string;
    spend: string;
  }>(
    `WITH bounds AS (SELECT $2::date::timestamp AT TIME ZONE 'UTC' AS lo, ($3::date + 1)::timestamp AT TIME ZONE 'UTC' AS hi),
     sent AS (
       SELECT (created_at AT TIME ZONE 'UTC')::date AS day, channel, count(*) AS messages, sum(parts) AS parts,
              count(*) FILTER (WHERE status IN ('delivered', 'read')) AS delivered
         FROM messages, bounds
        WHERE tenant_id = $1 AND created_at >= bounds.lo AND created_at < bounds.hi AND channel IS NOT NULL
        GROUP BY 1, 2),
     spend AS (
       SELECT (l.occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(l.channel, m.channel) AS channel, sum(l.amount) AS spend
         FROM ledger_entries l CROSS JOIN bounds LEFT JOIN messages m ON m.id::text = l.message_id
        WHERE l.tenant_id = $1 AND l.kind = 'credits_captured' AND l.occurred_at >= bounds.lo AND l.occurred_at < bounds.hi
        GROUP BY 1, 2)
     SELECT to_char(coalesce(s.day, p.day), 'YYYY-MM-DD') AS day, coalesce(s.channel, p.channel) AS channel,
            coalesce(s.messages, 0) AS messages, coalesce(s.parts, 0) AS parts, coalesce(s.delivered, 0) AS delivered,
            coalesce(p.spend, 0) AS spend
       FROM sent s FULL JOIN spend p ON p.day = s.day AND p.channel = s.channel
      ORDER BY 1, 2`,
    [tenantId, fromDay, toDay],
  );
  return rows.map((row) => ({
    day: row.day,
    channel: row.channel,
    messages: Number(row.messages),
    parts: Number(row.parts),
    delivered: Number(row.delivered),
    spendMicros: Number(row.spend),
  }));
}
