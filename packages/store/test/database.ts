import pg from 'pg';
import { waitFor } from '@herald/testkit';

/**
 * Drops a test database once the server has seen every client of it leave. `pool.end()` resolves
 * before the server has processed the disconnects, and a forced drop would then send "terminating
 * connection" to a client that no longer listens: an uncaught error in the test process.
 */
export async function dropWhenDisconnected(database: {
  url: string;
  name: string;
  drop: () => Promise<void>;
}): Promise<void> {
  const admin = new URL(database.url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await waitFor(`the clients of ${database.name} to disconnect`, async () => {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [database.name],
      );
      return rows[0]?.n === 0;
    });
  } finally {
    await client.end();
  }
  await database.drop();
}
