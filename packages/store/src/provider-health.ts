import type { Pool, PoolClient } from './pool.js';

/** One provider's figures for one minute (or what one batch adds to them). */
export interface ProviderHealthRow {
  providerId: string;
  /** Start of the minute, epoch ms. */
  minute: number;
  sent: number;
  failed: number;
  delivered: number;
  undelivered: number;
  latencyMsSum: number;
  latencyMsMax: number;
}

/** Adds one batch's provider figures in one statement. */
export async function addProviderHealth(
  client: PoolClient,
  rows: readonly ProviderHealthRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO provider_health_minutely (provider_id, minute, sent, failed, delivered, undelivered, latency_ms_sum, latency_ms_max)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::int[], $6::int[], $7::bigint[], $8::int[])
     ON CONFLICT (provider_id, minute) DO UPDATE SET
       sent = provider_health_minutely.sent + EXCLUDED.sent,
       failed = provider_health_minutely.failed + EXCLUDED.failed,
       delivered = provider_health_minutely.delivered + EXCLUDED.delivered,
       undelivered = provider_health_minutely.undelivered + EXCLUDED.undelivered,
       latency_ms_sum = provider_health_minutely.latency_ms_sum + EXCLUDED.latency_ms_sum,
       latency_ms_max = GREATEST(provider_health_minutely.latency_ms_max, EXCLUDED.latency_ms_max)`,
    [
      rows.map((r) => r.providerId),
      rows.map((r) => new Date(r.minute)),
      rows.map((r) => r.sent),
      rows.map((r) => r.failed),
      rows.map((r) => r.delivered),
      rows.map((r) => r.undelivered),
      rows.map((r) => r.latencyMsSum),
      rows.map((r) => r.latencyMsMax),
    ],
  );
}

/** Each provider's (or only `providerId`'s) figures per minute starting in [from, to), oldest first. */
export async function providerHealth(
  pool: Pool,
  from: number,
  to: number,
  providerId?: string,
): Promise<ProviderHealthRow[]> {
  const { rows } = await pool.query<{
    provider_id: string;
    minute: Date;
    sent: number;
    failed: number;
    delivered: number;
    undelivered: number;
    latency_ms_sum: string;
    latency_ms_max: number;
  }>(
    `SELECT * FROM provider_health_minutely
      WHERE minute >= $1 AND minute < $2 AND ($3::text IS NULL OR provider_id = $3)
      ORDER BY minute, provider_id`,
    [new Date(from), new Date(to), providerId ?? null],
  );
  return rows.map((row) => ({
    providerId: row.provider_id,
    minute: row.minute.getTime(),
    sent: row.sent,
    failed: row.failed,
    delivered: row.delivered,
    undelivered: row.undelivered,
    latencyMsSum: Number(row.latency_ms_sum),
    latencyMsMax: row.latency_ms_max,
  }));
}
