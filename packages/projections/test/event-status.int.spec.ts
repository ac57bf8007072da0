import test from 'ava';
import { EVENT_TYPES } from '@herald/contracts';
import { eventStatus } from '@herald/domain';
import type { MessageEvent } from '@herald/domain';
import { createPool, migrate } from '@herald/store';
import { createTestDatabase, requireServices } from '@herald/testkit';

test("Postgres's herald_event_status (the timeline's replay from the store) agrees with the domain", async (t) => {
  const database = await createTestDatabase(await requireServices());
  const pool = createPool(database.url, 1);
  try {
    await migrate(pool);
    for (const type of EVENT_TYPES) {
      const { rows } = await pool.query<{ status: string | null }>(
        'SELECT herald_event_status($1) AS status',
        [type],
      );
      t.is(rows[0]?.status, eventStatus({ type } as MessageEvent), type);
    }
  } finally {
    await pool.end();
    await database.drop();
  }
});
