import { randomUUID } from 'node:crypto';
import { createPool, migrate } from '@herald/store';
import type { Pool } from '@herald/store';
import { createTestDatabase } from '@herald/testkit';
import { MESSAGE_TEXT, recipients } from '../load/payloads.js';
import type { Measurement } from '../report.js';
import type { ScenarioContext, ScenarioResult } from './context.js';

/** Rows per statement, as the projector's batches. */
const ROWS = 5000;

const UPSERT = `
  INSERT INTO bench_messages (id, tenant_id, channel, recipient, body, priority, status, provider_id,
                              status_times, version, created_at, updated_at, parts, encoding, cost_micros)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::jsonb[], $10::int[], $11::timestamptz[], $12::timestamptz[], $13::int[],
                       $14::text[], $15::bigint[])
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, provider_id = EXCLUDED.provider_id,
    status_times = EXCLUDED.status_times, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`;

/** One pass of upserts over `ids` (new rows on the first pass, updates of them on the second). */
async function upsertPass(pool: Pool, ids: string[], status: string, version: number): Promise<number> {
  const to = recipients();
  const started = performance.now();
  for (let done = 0; done < ids.length; done += ROWS) {
    const chunk = ids.slice(done, done + ROWS);
    const n = chunk.length;
    const now = new Date();
    const fill = <T>(value: T) => Array.from({ length: n }, () => value);
    await pool.query(UPSERT, [
      chunk,
      fill('bench'),
      fill('sms'),
      chunk.map((_, i) => to(done + i)),
      fill(MESSAGE_TEXT),
      fill('normal'),
      fill(status),
      fill('twilio-primary'),
      fill(JSON.stringify({ [status]: now.getTime() })),
      fill(version),
      fill(now),
      fill(now),
      fill(1),
      fill('GSM-7'),
      fill(10_000),
    ]);
  }
  return (performance.now() - started) / 1000;
}

/**
 * Baseline: raw Postgres unnest-upserts, 5,000 rows a statement, into a scratch table with the
 * columns and indexes of `messages` (CREATE TABLE ... LIKE messages INCLUDING ALL): a pass of new
 * rows, then a pass updating each of them, as a message's later events do.
 */
export async function benchPostgres(context: ScenarioContext): Promise<ScenarioResult> {
  const { services, plan, log } = context;
  const database = await createTestDatabase(services);
  const pool = createPool(database.url, 2);
  try {
    await migrate(pool);
    await pool.query('CREATE TABLE bench_messages (LIKE messages INCLUDING ALL)');
    const ids = Array.from({ length: plan.baselineRecords }, () => randomUUID());
    const measurements: Measurement[] = [];
    for (const [pass, status, version] of [
      ['insert', 'queued', 1],
      ['update', 'delivered', 2],
    ] as const) {
      const seconds = await upsertPass(pool, ids, status, version);
      const rate = Math.round(ids.length / seconds);
      if (pass === 'insert') context.baselines.postgresRowsPerSecond = rate;
      measurements.push({
        name: `unnest upsert into a table like messages (${ROWS.toLocaleString('en-US')} rows a statement), ${pass}`,
        value: rate,
        unit: 'rows/s',
        count: ids.length,
        seconds: Number(seconds.toFixed(2)),
      });
      log(`postgres: ${pass} ${rate} rows/s`);
    }
    return {
      sections: [{ title: 'Baseline: raw Postgres upserts', measurements }],
      targets: [],
      charts: [],
      failures: [],
    };
  } finally {
    await pool.end();
    await database.drop();
  }
}
