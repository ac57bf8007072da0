import type { Pool, PoolClient } from './pool.js';

/** A record a consumer dead-lettered, as read from the DLQ topic. */
export interface DeadLetterInput {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  recordedAt: number;
}

/** A stored dead letter, for the operators' API. */
export interface DeadLetter extends DeadLetterInput {
  id: string;
  code: string | null;
  reason: string | null;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  consumerGroup: string | null;
  replayedAt: number | null;
}

interface Row {
  id: string;
  dlq_partition: number;
  dlq_offset: string;
  record_key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  code: string | null;
  reason: string | null;
  source_topic: string | null;
  source_partition: number | null;
  source_offset: string | null;
  consumer_group: string | null;
  recorded_at: Date;
  replayed_at: Date | null;
}

const toDeadLetter = (row: Row): DeadLetter => ({
  id: row.id,
  partition: row.dlq_partition,
  offset: row.dlq_offset,
  key: row.record_key,
  value: row.value,
  headers: row.headers,
  code: row.code,
  reason: row.reason,
  sourceTopic: row.source_topic,
  sourcePartition: row.source_partition,
  sourceOffset: row.source_offset,
  consumerGroup: row.consumer_group,
  recordedAt: row.recorded_at.getTime(),
  replayedAt: row.replayed_at ? row.replayed_at.getTime() : null,
});

/** Stores dead letters in one statement; a record stored already (redelivery) is kept as it is. */
export async function recordDeadLetters(client: PoolClient, letters: DeadLetterInput[]): Promise<void> {
  if (letters.length === 0) return;
  const header = (name: string) => letters.map((l) => l.headers[name] ?? null);
  await client.query(
    `INSERT INTO dead_letters (dlq_partition, dlq_offset, record_key, value, headers, code, reason, source_topic,
                               source_partition, source_offset, consumer_group, recorded_at)
     SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[], $4::bytea[], $5::jsonb[], $6::text[], $7::text[],
                          $8::text[], $9::int[], $10::bigint[], $11::text[], $12::timestamptz[])
     ON CONFLICT (dlq_partition, dlq_offset) DO NOTHING`,
    [
      letters.map((l) => l.partition),
      letters.map((l) => l.offset),
      letters.map((l) => l.key),
      letters.map((l) => l.value),
      letters.map((l) => JSON.stringify(l.headers)),
      header('herald-dlq-code'),
      header('herald-dlq-reason'),
      header('herald-dlq-source-topic'),
      header('herald-dlq-source-partition'),
      header('herald-dlq-source-offset'),
      header('herald-dlq-consumer-group'),
      letters.map((l) => new Date(l.recordedAt)),
    ],
  );
}

/** Dead letters, newest first, `limit` of them before `beforeId` (cursor). */
export async function listDeadLetters(
  pool: Pool,
  options: { limit: number; beforeId?: string },
): Promise<DeadLetter[]> {
  const { rows } = await pool.query<Row>(
    `SELECT * FROM dead_letters WHERE ($2::bigint IS NULL OR id < $2::bigint) ORDER BY id DESC LIMIT $1`,
    [options.limit, options.beforeId ?? null],
  );
  return rows.map(toDeadLetter);
}

/** One dead letter, or null. */
export async function findDeadLetter(pool: Pool, id: string): Promise<DeadLetter | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const { rows } = await pool.query<Row>('SELECT * FROM dead_letters WHERE id = $1', [id]);
  const row = rows[0];
  return row ? toDeadLetter(row) : null;
}

/** Dead letters recorded, split by whether an operator replayed them yet. */
export async function countDeadLetters(pool: Pool): Promise<{ pending: number; replayed: number }> {
  const { rows } = await pool.query<{ pending: string; replayed: string }>(
    `SELECT count(*) FILTER (WHERE replayed_at IS NULL) AS pending,
            count(*) FILTER (WHERE replayed_at IS NOT NULL) AS replayed
       FROM dead_letters`,
  );
  return { pending: Number(rows[0]?.pending ?? 0), replayed: Number(rows[0]?.replayed ?? 0) };
}

/** Notes that a dead letter was put back on its source topic. */
export async function markReplayed(pool: Pool, id: string, now: number): Promise<void> {
  await pool.query('UPDATE dead_letters SET replayed_at = $2 WHERE id = $1', [id, new Date(now)]);
}
