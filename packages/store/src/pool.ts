import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// bigint (int8) columns come back as strings by default; positions and offsets fit in a JS number
// well past any realistic event count, but offsets stay strings to match KafkaJS.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

/**
 * A connection pool for one Herald database. An idle connection that fails (Postgres restarted, an
 * administrator terminated it, a dropped database) is removed by the pool and reported to
 * `onIdleError`; without a listener, pg's 'error' event would crash the process.
 */
export function createPool(
  databaseUrl: string,
  max = 10,
  onIdleError: (error: Error) => void = (error) =>
    process.emitWarning(`idle Postgres connection failed: ${error.message}`, 'HeraldPoolWarning'),
): Pool {
  // A query waits at most 10 s for a free connection, rather than forever.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    application_name: 'herald',
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', onIdleError);
  return pool;
}

/** Runs `work` in a transaction; rolls back and rethrows on any error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined); // the original error is the one to report
    throw error;
  } finally {
    client.release();
  }
}
