import { randomUUID } from 'node:crypto';
import { PROJECTIONS, replay } from '@herald/projections';
import type { ReplaySource } from '@herald/projections';
import {
  caughtUp,
  createTestTopics,
  endOffsets,
  planStream,
  produceRecords,
  startProjector,
} from '@herald/simulation';
import type { TestTopics } from '@herald/simulation';
import { createPool, inTransaction } from '@herald/store';
import type { Pool } from '@herald/store';
import { createLogger } from '@herald/telemetry';
import { createTestDatabase, freePort, waitFor, waitUntilReady } from '@herald/testkit';
import type { AppProcess, TestServices } from '@herald/testkit';
import type { Measurement } from '../report.js';
import type { ScenarioContext, ScenarioResult } from './context.js';

/** Events a message of the simulated stream has, on average (measured: 50,111 for 13,000). */
const EVENTS_PER_MESSAGE = 3.85;

export interface ProjectionBenchOptions {
  services: TestServices;
  /** Distinct events to project and replay. */
  events: number;
  log: (line: string) => void;
}

/**
 * The projector under live load (records produced as fast as Kafka takes them while the projector
 * runs), then `herald replay` of every read model from the store and from Kafka, with two
 * baselines from the same database: reading the events table page by page, and a set-based insert
 * of as many rows.
 */
export async function benchProjection(options: ProjectionBenchOptions): Promise<Measurement[]> {
  const { services, log } = options;
  const cleanups: (() => Promise<unknown>)[] = [];
  const running = new Set<AppProcess>();
  try {
    const topics = await createTestTopics(services);
    cleanups.push(topics.cleanup);
    const database = await createTestDatabase(services);
    const pool = createPool(database.url, 8);
    cleanups.push(
      () => database.drop(),
      () => pool.end(),
    );
    const stream = planStream(Math.ceil(options.events / EVENTS_PER_MESSAGE), 4242);
    log(`projection: ${stream.records.length} records, ${stream.distinctEvents} distinct events`);

    const opsPort = await freePort();
    const projector = startProjector(services, topics, database.url, opsPort, running);
    await waitUntilReady(projector, `http://127.0.0.1:${opsPort}/readyz`);
    const started = performance.now();
    await produceRecords(topics, stream.records);
    const produced = performance.now();
    const ends = await endOffsets(topics);
    await waitFor('the projector to catch up', () => caughtUp(pool, topics.groupId, ends), {
      timeoutMs: 600_000,
      intervalMs: 20,
    });
    const projected = performance.now();
    await projector.stop();
    const results: Measurement[] = [
      rate(
        'projector under live load (produce + project)',
        stream.distinctEvents,
        projected - started,
        'events/s',
      ),
      rate(
        '  of which: producing the records to Kafka',
        stream.records.length,
        produced - started,
        'records/s',
      ),
    ];
    log(`projection: projector ${results[0]?.value} events/s`);

    results.push(await baselineRead(pool));
    results.push(await baselineInsert(pool, stream.distinctEvents));
    for (const source of ['store', 'kafka'] as const) {
      for (const projection of PROJECTIONS) {
        const measured = await replayOnce(pool, topics, projection.name, source);
        results.push(measured);
        log(`projection: ${measured.name} ${measured.value} events/s`);
      }
    }
    return results;
  } finally {
    await Promise.allSettled([...running].map((app) => app.kill()));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

function rate(name: string, count: number, ms: number, unit: string): Measurement {
  return {
    name,
    value: Math.round((count * 1000) / ms),
    unit,
    count,
    seconds: Number((ms / 1000).toFixed(2)),
  };
}

async function replayOnce(
  pool: Pool,
  topics: TestTopics,
  name: string,
  source: ReplaySource,
): Promise<Measurement> {
  const projection = PROJECTIONS.find((p) => p.name === name);
  if (!projection) throw new Error(`no projection ${name}`);
  const cpu = process.cpuUsage();
  const result = await replay({
    pool,
    projection,
    source,
    log: createLogger('bench-replay', 'warn'),
    kafka: {
      kafka: topics.kafka,
      catalog: topics.catalog,
      topics: topics.consumed,
      liveGroupId: topics.groupId,
      replayGroupId: `${topics.prefix}herald-replay-${name}`,
    },
  });
  const used = process.cpuUsage(cpu);
  if (result.outcome !== 'swapped') throw new Error(`replay of ${name} ended ${result.outcome}`);
  const nodeMicros = (used.user + used.system) / Math.max(1, result.applied);
  const wallMicros = (result.elapsedMs * 1000) / Math.max(1, result.applied);
  return {
    ...rate(`replay ${name} --from ${source}`, result.applied, result.elapsedMs, 'events/s'),
    note: `Node CPU ${nodeMicros.toFixed(1)} µs/event of ${wallMicros.toFixed(1)} µs/event`,
  };
}

/** Baseline: reading every event in position order, 5,000 a page, as a replay from the store does. */
async function baselineRead(pool: Pool): Promise<Measurement> {
  const started = performance.now();
  let after = '0';
  let count = 0;
  for (;;) {
    const { rows } = await pool.query<{ position: string; type: string; data: unknown }>(
      'SELECT position, type, data FROM events WHERE position > $1 ORDER BY position LIMIT 5000',
      [after],
    );
    const last = rows[rows.length - 1];
    if (!last) break;
    after = last.position;
    count += rows.length;
  }
  return rate(
    'baseline: read the events table (pages of 5,000)',
    count,
    performance.now() - started,
    'rows/s',
  );
}

/** Baseline: a set-based insert (unnest, 5,000 rows a statement) of as many narrow rows. */
async function baselineInsert(pool: Pool, count: number): Promise<Measurement> {
  await pool.query('CREATE TABLE bench_unnest (id uuid PRIMARY KEY, n integer NOT NULL, body text NOT NULL)');
  const started = performance.now();
  for (let done = 0; done < count; done += 5000) {
    const n = Math.min(5000, count - done);
    const numbers = Array.from({ length: n }, (_, i) => done + i);
    await inTransaction(pool, (client) =>
      client.query(
        `INSERT INTO bench_unnest (id, n, body) SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[])
         ON CONFLICT (id) DO NOTHING`,
        [numbers.map(() => randomUUID()), numbers, numbers.map((x) => `Your code is ${x}`)],
      ),
    );
  }
  const ms = performance.now() - started;
  await pool.query('DROP TABLE bench_unnest');
  return rate('baseline: unnest insert into Postgres (5,000 rows a statement)', count, ms, 'rows/s');
}

/** The projection scenario with its target: replay ≥ 50,000 events/s from the store. */
export async function projectionScenario(context: ScenarioContext): Promise<ScenarioResult> {
  const measurements = await benchProjection({
    services: context.services,
    events: context.plan.events,
    log: context.log,
  });
  const fromStore = measurements.filter((m) => /^replay .* --from store$/.test(m.name));
  const slowest = [...fromStore].sort((a, b) => a.value - b.value)[0];
  return {
    sections: [{ title: 'Projector and replay (issue 5)', measurements }],
    targets: [
      {
        target: 'replay ≥ 50,000 events/s (every read model, from the store)',
        reached: fromStore.length > 0 && fromStore.every((m) => m.value >= 50_000),
        measured: slowest
          ? `slowest: ${slowest.name} ${slowest.value.toLocaleString('en-US')} events/s`
          : 'not measured',
        bottleneck: slowest?.note
          ? `CPU: ${slowest.note} (parsing the stored events, folding them, serialising the upsert); Postgres spends the rest on the upserts, and both share the 2 cores. The timeline, copied inside Postgres, reaches the goal.`
          : undefined,
      },
    ],
    charts: [],
    failures: [],
  };
}
