import test from 'ava';
import { createPool } from '@herald/store';
import type { Pool } from '@herald/store';
import { createTestDatabase, freePort, requireServices, waitUntilReady } from '@herald/testkit';
import type { AppProcess } from '@herald/testkit';
import {
  caughtUp,
  createTestTopics,
  endOffsets,
  planStream,
  produceRecords,
  readModelChecksums,
  startProjector,
  storedOffsets,
  waitWithOutput,
} from '@herald/simulation';

// About 3.9 events a message: a little over 50,000 events.
const MESSAGES = 13_000;
const SEED = 20250101;

const cleanups: (() => Promise<unknown>)[] = [];
const running = new Set<AppProcess>();

async function eventCount(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
  return Number(rows[0]?.n ?? 0);
}

/** Facts about the event store and the messages read model, to compare with the planned stream. */
async function summary(pool: Pool) {
  const { rows } = await pool.query<Record<string, string>>(`
    SELECT (SELECT md5(string_agg(concat_ws(',', event_id, stream_id, type, tenant_id, data, metadata, kafka_topic,
                                             kafka_partition, kafka_offset, occurred_at), '|' ORDER BY event_id))
              FROM events) AS events_md5,
           (SELECT count(*) FROM events) AS events,
           (SELECT count(DISTINCT event_id) FROM events) AS distinct_events,
           (SELECT count(*) FROM messages) AS messages,
           (SELECT sum(version) FROM messages) AS applied,
           (SELECT count(*) FROM messages WHERE status = 'delivered') AS delivered,
           (SELECT count(*) FROM messages WHERE status = 'failed') AS failed,
           (SELECT count(*) FROM messages WHERE created_at IS NULL) AS without_accept`);
  const row = rows[0] ?? {};
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, /md5$/.test(key) ? value : Number(value)]),
  );
}

test.after.always(async () => {
  await Promise.allSettled([...running].map((app) => app.kill()));
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

test('killing the projector with SIGKILL at random points of a 50,000-event run leaves every read model identical to an uninterrupted run', async (t) => {
  t.timeout(600_000);
  const services = await requireServices();
  const topics = await createTestTopics(services);
  cleanups.push(topics.cleanup);

  const stream = planStream(MESSAGES, SEED);
  await produceRecords(topics, stream.records);
  const ends = await endOffsets(topics);
  const produced = Object.values(ends).reduce((sum, end) => sum + Number(end), 0);
  t.is(produced, stream.records.length, 'every planned record is in Kafka');
  const total = stream.distinctEvents;
  t.true(total >= 50_000, `${total} distinct events`);
  t.log(`${stream.records.length} records, ${total} distinct events, ${stream.finalStatus.size} messages`);

  const databases = await Promise.all([createTestDatabase(services), createTestDatabase(services)]);
  for (const database of databases) cleanups.push(() => database.drop());
  const [poolA, poolB] = databases.map((database) => createPool(database.url, 3)) as [Pool, Pool];
  cleanups.push(
    () => poolA.end(),
    () => poolB.end(),
  );
  const [urlA, urlB] = databases.map((database) => database.url) as [string, string];
  const opsPort = await freePort();
  const readyUrl = `http://127.0.0.1:${opsPort}/readyz`;

  // Run A: uninterrupted.
  const startedA = Date.now();
  const runA = startProjector(services, topics, urlA, opsPort, running);
  await waitUntilReady(runA, readyUrl);
  await waitWithOutput(
    runA,
    'run A to project every record',
    () => caughtUp(poolA, topics.groupId, ends),
    300_000,
  );
  await runA.stop();
  const msA = Date.now() - startedA;
  t.log(`run A: ${msA} ms (${Math.round((total * 1000) / msA)} events/s including start-up)`);

  // Run B uses the same consumer group, whose Kafka offsets now stand at the end of every partition:
  // a fresh database must still rebuild from the log, because the projector seeks every assigned
  // partition to its stored offset, or to the earliest record when it has none.

  // Run B: SIGKILL at three random progress points, restart after each, then let it finish.
  const fractions = [Math.random(), Math.random(), Math.random()]
    .map((r) => 0.1 + r * 0.8)
    .sort((a, b) => a - b);
  const startedB = Date.now();
  const kills: { fraction: number; seen: number; committed: number }[] = [];
  for (const fraction of fractions) {
    const app = startProjector(services, topics, urlB, opsPort, running);
    const threshold = Math.ceil(total * fraction);
    const seen = await waitWithOutput(
      app,
      `run B to pass ${Math.round(fraction * 100)}% of the events`,
      async () => {
        const n = await eventCount(poolB).catch(() => 0);
        return n >= threshold ? n : false;
      },
      300_000,
    );
    await app.kill();
    t.is((await app.exited).signal, 'SIGKILL');
    kills.push({ fraction, seen, committed: await eventCount(poolB) });
  }
  t.log(
    `kills at ${fractions.map((f) => `${Math.round(f * 100)}%`).join(', ')} (events seen → committed after SIGKILL): ${kills.map((k) => `${k.seen}→${k.committed}`).join(', ')}`,
  );
  for (const kill of kills)
    t.true(
      kill.committed < total,
      `the kill after ${Math.round(kill.fraction * 100)}% interrupted the stream`,
    );
  const final = startProjector(services, topics, urlB, opsPort, running);
  await waitWithOutput(
    final,
    'run B to project every record after its crashes',
    () => caughtUp(poolB, topics.groupId, ends),
    300_000,
  );
  await final.stop();
  t.log(`run B: ${Date.now() - startedB} ms`);

  const [modelA, modelB] = await Promise.all([summary(poolA), summary(poolB)]);
  const delivered = [...stream.finalStatus.values()].filter((status) => status === 'delivered').length;
  const expected = {
    events: total,
    distinct_events: total,
    applied: total, // each message's version counts the events applied to it: none twice
    messages: MESSAGES,
    delivered,
    failed: MESSAGES - delivered,
    without_accept: 0,
  };
  t.like(modelA, expected, "run A reaches every message's final status with each event once");
  t.like(modelB, expected, 'run B, killed three times, applies each event exactly once');
  const { rows: statuses } = await poolA.query<{ id: string; status: string }>(
    'SELECT id, status FROM messages',
  );
  const byId = (rows: [string, string][]) => rows.sort(([a], [b]) => a.localeCompare(b));
  t.deepEqual(
    byId(statuses.map((row) => [row.id, row.status])),
    byId([...stream.finalStatus]),
    'each message ends in its own final status',
  );
  t.is(modelB.events_md5, modelA.events_md5, 'event store identical');
  const [sumsA, sumsB] = await Promise.all([readModelChecksums(poolA), readModelChecksums(poolB)]);
  t.log(sumsA);
  t.deepEqual(sumsB, sumsA, 'every read model table identical');
  t.deepEqual(
    await storedOffsets(poolB, topics.groupId, ends),
    ends,
    'stored offsets of run B are the end offsets',
  );
  t.deepEqual(
    await storedOffsets(poolA, topics.groupId, ends),
    ends,
    'stored offsets of run A are the end offsets',
  );
});
