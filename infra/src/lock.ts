import { createHash } from 'node:crypto';
import type pg from 'pg';
import { InfraError } from './errors.js';
import { repoRoot } from './paths.js';

// Advisory lock keys: a constant class ('HRLD') and a hash of the checkout, so two checkouts do not contend.
const LOCK_CLASS = 0x48524c44;
const LOCK_OBJECT = createHash('sha256').update(repoRoot).digest().readInt32BE(0);

/**
 * Runs `work` while holding a Postgres session advisory lock, so concurrent `up`s (parallel test
 * processes, a start script) never start the same JVM twice. Postgres drops the lock by itself if
 * this process dies, so there is no stale lock to clean up.
 */
export async function withInfraLock<T>(
  client: pg.Client,
  work: () => Promise<T>,
  timeoutMs = 300_000,
): Promise<T> {
  await client.query(`SET statement_timeout = ${Math.round(timeoutMs)}`);
  try {
    await client.query('SELECT pg_advisory_lock($1::int4, $2::int4)', [LOCK_CLASS, LOCK_OBJECT]);
  } catch (error) {
    if ((error as { code?: unknown }).code !== '57014') throw error;
    throw new InfraError(
      'LOCK_TIMEOUT',
      `another "infra up" kept the start-up lock for ${timeoutMs / 1000} s; giving up`,
    );
  } finally {
    await client.query('SET statement_timeout = 0');
  }
  try {
    return await work();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::int4, $2::int4)', [LOCK_CLASS, LOCK_OBJECT]);
  }
}
