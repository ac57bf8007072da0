import test from 'ava';
import { createPool } from '@herald/store';
import type { Pool } from '@herald/store';
import { createTestDatabase, freePort, requireServices, runCli, waitUntilReady } from '@herald/testkit';
import type { AppProcess, CliRun, TestServices } from '@herald/testkit';
import type { TestTopics } from '@herald/simulation';
import {
  READ_MODEL_TABLES,
  caughtUp,
  createTestTopics,
  endOffsets,
  planStream,
  produceRecords,
  readModelChecksums,
  startProjector,
  waitWithOutput,
} from '@herald/simulation';

const MESSAGES = 2000;
const SEED = 777;

const cleanups: (() => Promise<unknown>)[] = [];
const running = new Set<AppProcess>();

test.after.always(async () => {
  await Promise.allSettled([...running].map((app) => app.kill()));
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** `npm run herald -- replay ...` as its own process, against the test's database and topics. */
const herald = (services: TestServices, topics: TestTopics, databaseUrl: string, args: string[]) =>
  runCli(args, {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: services.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: services.schemaRegistryUrl,
    HERALD_TOPIC_PREFIX: topics.prefix,
  });

async function databaseFor(services: TestServices): Promise<{ url: string; pool: Pool }> {
  const database = await createTestDatabase(services);
  const pool = createPool(database.url, 3);
  cleanups.push(
    () => database.drop(),
    () => pool.end(),
  );
  return { url: database.url, pool };
}

test.serial(
  'replaying dropped read models from Kafka and from the store rebuilds them byte for byte',
  async (t) => {
    t.timeout(300_000);
    const services = await requireServices();
    const topics = await createTestTopics(services);
    cleanups.push(topics.cleanup);
    const stream = planStream(MESSAGES, SEED);
    await produceRecords(topics, stream.records);
    const ends = await endOffsets(topics);
    const { url, pool } = await databaseFor(services);

    const opsPort = await freePort();
    const projector = startProjector(services, topics, url, opsPort, running);
    await waitUntilReady(projector, `http://127.0.0.1:${opsPort}/readyz`);
    await waitWithOutput(
      projector,
      'the projector to catch up',
      () => caughtUp(pool, topics.groupId, ends),
      120_000,
    );
    await projector.stop();
    const live = await readModelChecksums(pool);
    t.log(live);

    for (const source of ['kafka', 'store'] as const) {
      await pool.query(`TRUNCATE ${READ_MODEL_TABLES.join(', ')}`);
      t.not((await readModelChecksums(pool)).messages, live.messages, 'the read models are gone');
      const run = await herald(services, topics, url, ['replay', 'all', '--from', source]);
      t.is(run.code, 0, run.stderr);
      t.regex(run.stdout, /messages: rebuilt and swapped in, [\d,]+ events/);
      t.deepEqual(await readModelChecksums(pool), live, `replay from ${source}: every table identical`);
      const { rows } = await pool.query(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'herald_replay_%'",
      );
      t.deepEqual(rows, [], 'no replay schema is left behind');
    }

    // A point-in-time rebuild stays in its own schema; the live tables are untouched.
    const { rows } = await pool.query<{ position: string }>(
      'SELECT position FROM events ORDER BY position OFFSET 99 LIMIT 1',
    );
    const position = rows[0]?.position ?? '100';
    const partial = await herald(services, topics, url, [
      'replay',
      'timeline',
      '--from',
      'store',
      '--to-position',
      position,
    ]);
    t.is(partial.code, 0, partial.stderr);
    t.regex(partial.stdout, /built in schema herald_replay_timeline \(not swapped in\)/);
    const { rows: counted } = await pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM herald_replay_timeline.message_timeline',
    );
    t.is(Number(counted[0]?.n), 100, 'the first 100 events, and no more');
    t.deepEqual(await readModelChecksums(pool), live, 'the live tables are untouched');
    const mismatch = await herald(services, topics, url, ['replay', 'timeline', '--from', 'store']);
    t.is(mismatch.code, 1);
    t.regex(mismatch.stderr, /in progress .* add --restart to discard it/);
    const restarted = await herald(services, topics, url, [
      'replay',
      'timeline',
      '--from',
      'store',
      '--restart',
    ]);
    t.is(restarted.code, 0, restarted.stderr);
    t.deepEqual(await readModelChecksums(pool), live);
  },
);

test.serial(
  'replays while messages keep flowing: after the swaps no event is missing or applied twice',
  async (t) => {
    t.timeout(300_000);
    const services = await requireServices();
    const topics = await createTestTopics(services);
    cleanups.push(topics.cleanup);
    const stream = planStream(MESSAGES * 2, SEED + 1);
    const half = Math.floor(stream.records.length / 2);

    await produceRecords(topics, stream.records.slice(0, half));
    const target = await databaseFor(services);
    const opsPort = await freePort();
    const projector = startProjector(services, topics, target.url, opsPort, running);
    await waitUntilReady(projector, `http://127.0.0.1:${opsPort}/readyz`);

    // The second half is produced in small slices while the read models are replayed one by one, each
    // slice once the live projector has projected the one before: a steady flow through the replays.
    let flowEnded = 0;
    const flow = (async () => {
      const rest = stream.records.slice(half);
      for (let i = 0; i < rest.length; i += 50) {
        await produceRecords(topics, rest.slice(i, i + 50));
        const ends = await endOffsets(topics);
        await waitWithOutput(
          projector,
          'the projector to take a slice',
          () => caughtUp(target.pool, topics.groupId, ends),
          60_000,
        );
      }
      flowEnded = Date.now();
    })();
    const sources = ['kafka', 'store', 'kafka', 'store', 'kafka'] as const;
    const projections = ['messages', 'timeline', 'broadcasts', 'usage', 'provider_health'];
    const replays: (CliRun & { endedAt: number })[] = [];
    for (const [i, name] of projections.entries()) {
      const run = await herald(services, topics, target.url, [
        'replay',
        name,
        '--from',
        sources[i] ?? 'store',
      ]);
      replays.push({ ...run, endedAt: Date.now() });
    }
    await flow;
    for (const run of replays) t.is(run.code, 0, run.stderr);
    t.log(replays.map((run) => run.stdout.trim()).join('\n'));
    t.log(
      `${replays.filter((run) => run.endedAt < flowEnded).length} of ${replays.length} replays swapped in while records were produced`,
    );
    t.true(
      (replays[0]?.endedAt ?? Infinity) < flowEnded,
      'the first replay swapped in while records were still being produced',
    );
    const ends = await endOffsets(topics);
    await waitWithOutput(
      projector,
      'the projector to catch up',
      () => caughtUp(target.pool, topics.groupId, ends),
      120_000,
    );
    await projector.stop();

    // The reference: the same stream projected into a fresh database, without any replay.
    const reference = await databaseFor(services);
    const referenceApp = startProjector(services, topics, reference.url, opsPort, running);
    await waitWithOutput(
      referenceApp,
      'the reference to catch up',
      () => caughtUp(reference.pool, topics.groupId, ends),
      120_000,
    );
    await referenceApp.stop();
    const expected = await readModelChecksums(reference.pool);
    t.deepEqual(
      await readModelChecksums(target.pool),
      expected,
      'every table identical to the uninterrupted projection',
    );
    const { rows } = await target.pool.query<{ applied: string; events: string }>(
      'SELECT (SELECT sum(version) FROM messages) AS applied, (SELECT count(*) FROM events) AS events',
    );
    t.is(rows[0]?.applied, String(stream.distinctEvents), 'each event applied once');
    t.is(rows[0]?.events, String(stream.distinctEvents));
  },
);
