import test from 'ava';
import pg from 'pg';
import { requireServices, waitFor } from '@herald/testkit';
import { createPool } from '../src/index.js';

test('an idle connection terminated by the server is reported and replaced, not a crash', async (t) => {
  const services = await requireServices();
  const reported: Error[] = [];
  const pool = createPool(services.databaseUrl, 1, (error) => reported.push(error));
  t.teardown(() => pool.end());
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = rows[0]?.pid;
  const admin = new pg.Client({ connectionString: services.databaseUrl });
  await admin.connect();
  t.teardown(() => admin.end());
  await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  await waitFor('the pool to report its terminated idle connection', () => reported.length > 0);
  t.regex(reported[0]?.message ?? '', /terminating connection/);
  const again = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  t.not(again.rows[0]?.pid, pid, 'a new connection answers');
});
