import type { HeraldEvent } from '@herald/contracts';
import { partitionKey, startBoundedReader } from '@herald/kafka';
import type { PartitionBatch, PartitionKey, SchemaCatalog } from '@herald/kafka';
import { inTransaction, loadMessages } from '@herald/store';
import type { Pool, PoolClient, StoredMessage } from '@herald/store';
import type { Logger } from '@herald/telemetry';
import type { Kafka } from 'kafkajs';
import { foldEvents } from '../fold.js';
import { holdProjectionLock } from '../lock.js';
import { applyProjections, projectionNamed } from '../read-models.js';
import type { Projection } from '../read-models.js';
import type { ReplayProgress } from './progress.js';
import {
  createShadow,
  dropShadow,
  indexShadow,
  readShadowState,
  shadowSchema,
  swapShadow,
  useShadow,
} from './shadow.js';
import type { ReplaySource, ShadowState } from './shadow.js';

/** Why a replay cannot start; the message says what to do. */
export class ReplayError extends Error {
  constructor(
    readonly code: 'replay_running' | 'replay_mismatch' | 'invalid_option',
    message: string,
  ) {
    super(message);
    this.name = 'ReplayError';
  }
}

/** Where Kafka replays read from and which live group they must catch up with. */
export interface KafkaReplaySource {
  kafka: Kafka;
  catalog: SchemaCatalog;
  /** The topics the live projector consumes. */
  topics: readonly string[];
  /** The live projector's group, whose stored offsets the replay reads up to. */
  liveGroupId: string;
  /** The replay's own consumer group; it starts from the earliest retained records. */
  replayGroupId: string;
}

export interface ReplayOptions {
  pool: Pool;
  projection: Projection;
  source: ReplaySource;
  /** Replay from the store up to this position only, and keep the result in its schema (no swap). */
  toPosition?: bigint;
  /** Discard a replay in progress instead of resuming it. */
  restart?: boolean;
  kafka?: KafkaReplaySource;
  log: Logger;
  onProgress?: (progress: ReplayProgress) => void;
  /** Aborting interrupts the replay after the batch in hand; running it again resumes. */
  signal?: AbortSignal;
  /** Events per transaction when reading the store. */
  pageSize?: number;
}

export interface ReplayResult {
  /** swapped: the live tables are the replayed ones; built: kept in `schema`; interrupted: resumable. */
  outcome: 'swapped' | 'built' | 'interrupted';
  schema: string;
  /** Events applied by this run. */
  applied: number;
  elapsedMs: number;
  eventsPerSecond: number;
}

// A round of reading ends once the live projection is this close; the rest is read under the lock.
const CATCH_UP_THRESHOLD = 2000;
const REPLAY_LOCK = 726_348_006;

/**
 * Rebuilds one read model from the event store or from Kafka into fresh tables in a schema of its
 * own while the live one keeps serving, then swaps the tables in under the projection lock, with
 * the events the live projector applied meanwhile: no event missing, none applied twice. Progress
 * is committed with each batch, so an interrupted (or killed) replay resumes where it stopped.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const { pool, projection } = options;
  if (options.toPosition !== undefined && options.source !== 'store')
    throw new ReplayError('invalid_option', '--to-position applies to replays from the store only');
  if (options.source === 'kafka' && !options.kafka)
    throw new ReplayError('invalid_option', 'a replay from Kafka needs the Kafka settings');
  // One replay of a projection at a time: a session lock held on a connection of its own.
  const guard = await pool.connect();
  try {
    const { rows } = await guard.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
      [REPLAY_LOCK, projection.name],
    );
    if (!rows[0]?.locked)
      throw new ReplayError('replay_running', `a replay of ${projection.name} is already running`);
    try {
      const state = await prepareShadow(options);
      return options.source === 'store'
        ? await replayFromStore(options, state)
        : await replayFromKafka(options, options.kafka as KafkaReplaySource);
    } finally {
      await guard.query('SELECT pg_advisory_unlock($1, hashtext($2))', [REPLAY_LOCK, projection.name]);
    }
  } finally {
    guard.release();
  }
}

async function prepareShadow(options: ReplayOptions): Promise<ShadowState> {
  const { pool, projection, source } = options;
  const toPosition = options.toPosition ?? null;
  if (options.restart) await dropShadow(pool, projection);
  const existing = await readShadowState(pool, projection);
  if (existing) {
    if (existing.source !== source || existing.toPosition !== toPosition) {
      const was = `--from ${existing.source}${existing.toPosition === null ? '' : ` --to-position ${existing.toPosition}`}`;
      throw new ReplayError(
        'replay_mismatch',
        `a replay of ${projection.name} (${was}) is in progress in schema ${shadowSchema(projection)}: run it again with the same options to resume it, or add --restart to discard it`,
      );
    }
    options.log.info({ projection: projection.name, applied: existing.applied }, 'resuming replay');
    return existing;
  }
  await createShadow(pool, projection, source, toPosition);
  const created = await readShadowState(pool, projection);
  if (!created) throw new Error(`schema ${shadowSchema(projection)} was created without its replay state`);
  return created;
}

/** The read models a replay writes: the projection, and the message states it derives from. */
function written(projection: Projection): Projection[] {
  const messages = projectionNamed('messages');
  return projection.needsStates && projection.name !== 'messages' && messages
    ? [messages, projection]
    : [projection];
}

/** Applies events to the shadow tables inside the caller's transaction and records the progress. */
async function applyToShadow(
  client: PoolClient,
  projection: Projection,
  events: readonly HeraldEvent[],
  progress: { position?: bigint; offsets?: { topic: string; partition: number; next: bigint } },
  cache?: Map<string, StoredMessage>,
): Promise<number> {
  await useShadow(client, projection);
  // A replay writes one batch at a time (a Kafka replay reads its partitions one batch after the
  // other), so it needs no writer locks, and the states it keeps in memory are the current ones.
  const ids = events.map((event) => event.messageId);
  const current = projection.needsStates
    ? await statesOf(client, ids, cache)
    : new Map<string, StoredMessage>();
  let fresh = events;
  if (progress.offsets) {
    // Kafka carries some events twice (producer retries, duplicate callbacks); the live projector
    // applies each once, and so does the replay.
    const { rows } = await client.query<{ event_id: string }>(
      'INSERT INTO replay_events SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id',
      [events.map((event) => event.eventId)],
    );
    const inserted = new Set(rows.map((row) => row.event_id));
    fresh = events.filter((event) => inserted.delete(event.eventId));
    const { topic, partition, next } = progress.offsets;
    await client.query(
      `INSERT INTO replay_offsets (topic, partition, next_offset) VALUES ($1, $2, $3)
       ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`,
      [topic, partition, next.toString()],
    );
  }
  const batch = foldEvents(current, fresh);
  await applyProjections(client, batch, written(projection));
  if (cache && projection.needsStates) {
    if (cache.size > STATE_CACHE_LIMIT) cache.clear();
    for (const change of batch.changes) cache.set(change.after.state.id, change.after);
  }
  await client.query(
    `UPDATE replay_state SET applied = applied + $1${progress.position === undefined ? '' : ', position = $2'}`,
    progress.position === undefined ? [fresh.length] : [fresh.length, progress.position.toString()],
  );
  return fresh.length;
}

// Message states a replay keeps in memory (it is the only writer of its tables, and a failed
// transaction fails the whole run), so it rarely reads them back; about 1 KB each.
const STATE_CACHE_LIMIT = 500_000;

/** States of the given messages: from the cache where known, the rest read from the shadow table. */
async function statesOf(
  client: PoolClient,
  ids: readonly string[],
  cache: Map<string, StoredMessage> | undefined,
): Promise<Map<string, StoredMessage>> {
  if (!cache) return loadMessages(client, ids);
  const known = new Map<string, StoredMessage>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const state = cache.get(id);
    if (state) known.set(id, state);
    else missing.push(id);
  }
  for (const [id, state] of await loadMessages(client, missing)) known.set(id, state);
  return known;
}

/** Reports progress every 250 ms until stopped. */
function reporter(options: ReplayOptions, measure: () => Omit<ReplayProgress, 'elapsedMs'>) {
  const started = Date.now();
  const report = () => options.onProgress?.({ ...measure(), elapsedMs: Date.now() - started });
  const timer = setInterval(report, 250);
  timer.unref();
  return {
    started,
    stop: () => {
      clearInterval(timer);
      report();
    },
  };
}

function result(
  options: ReplayOptions,
  outcome: ReplayResult['outcome'],
  applied: number,
  started: number,
): ReplayResult {
  const elapsedMs = Date.now() - started;
  return {
    outcome,
    schema: shadowSchema(options.projection),
    applied,
    elapsedMs,
    eventsPerSecond: elapsedMs > 0 ? Math.round((applied * 1000) / elapsedMs) : applied,
  };
}

// --- from the event store ------------------------------------------------------------------------

interface StoredEventRow {
  position: string;
  type: string;
  data: Record<string, unknown>;
}

const readPage = (db: Pool | PoolClient, after: bigint, upTo: bigint, limit: number) =>
  db
    .query<StoredEventRow>(
      `SELECT position, type, data FROM public.events WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3`,
      [after.toString(), upTo.toString(), limit],
    )
    .then(({ rows }) => rows);

const toEvents = (rows: readonly StoredEventRow[]) =>
  rows.map((row) => ({ ...row.data, type: row.type }) as unknown as HeraldEvent);

/**
 * The highest position below which every event is committed: taken under the projection lock, when
 * no projection transaction (the only writers of events) is in flight, so no lower position can
 * still appear later.
 */
async function committedHorizon(pool: Pool): Promise<bigint> {
  return inTransaction(pool, async (client) => {
    await holdProjectionLock(client);
    const { rows } = await client.query<{ max: string | null }>(
      'SELECT max(position) AS max FROM public.events',
    );
    return BigInt(rows[0]?.max ?? '0');
  });
}

/** Applies the stored events in positions (after, upTo] inside the caller's transaction. */
async function applyStoreRange(
  client: PoolClient,
  projection: Projection,
  after: bigint,
  upTo: bigint,
  pageSize: number,
  cache: Map<string, StoredMessage>,
): Promise<number> {
  if (projection.copyFromStore) {
    // A read model Postgres can build from the events table alone never leaves the database.
    await useShadow(client, projection);
    const copied = await projection.copyFromStore(client, after, upTo);
    await client.query('UPDATE replay_state SET applied = applied + $1, position = $2', [
      copied,
      upTo.toString(),
    ]);
    return copied;
  }
  let applied = 0;
  for (let cursor = after; ;) {
    const rows = await readPage(client, cursor, upTo, pageSize);
    const last = rows[rows.length - 1];
    if (!last) return applied;
    cursor = BigInt(last.position);
    applied += await applyToShadow(client, projection, toEvents(rows), { position: cursor }, cache);
  }
}

async function replayFromStore(options: ReplayOptions, state: ShadowState): Promise<ReplayResult> {
  const { pool, projection } = options;
  const pageSize = options.pageSize ?? 25_000;
  const cache = new Map<string, StoredMessage>();
  const toPosition = options.toPosition ?? null;
  const first = state.position;
  let cursor = state.position;
  let horizon = toPosition ?? (await committedHorizon(pool));
  let applied = 0;
  let phase: ReplayProgress['phase'] = 'replaying';
  const progress = reporter(options, () => ({
    phase,
    done: Number(cursor - first),
    total: Number((horizon > cursor ? horizon : cursor) - first),
  }));
  const step = BigInt(pageSize);
  try {
    for (;;) {
      const roundStart = cursor;
      if (projection.copyFromStore) {
        while (cursor < horizon) {
          const upTo = cursor + step < horizon ? cursor + step : horizon;
          const from = cursor;
          applied += await inTransaction(pool, (client) =>
            applyStoreRange(client, projection, from, upTo, pageSize, cache),
          );
          cursor = upTo;
          if (options.signal?.aborted) return result(options, 'interrupted', applied, progress.started);
        }
      } else {
        // Below the horizon every event is committed: the next page is read while this one is written.
        let page = readPage(pool, cursor, horizon, pageSize);
        for (let rows = await page; rows.length > 0; rows = await page) {
          const position = BigInt(rows[rows.length - 1]?.position ?? cursor);
          page = position < horizon ? readPage(pool, position, horizon, pageSize) : Promise.resolve([]);
          applied += await inTransaction(pool, (client) =>
            applyToShadow(client, projection, toEvents(rows), { position }, cache),
          );
          cursor = position;
          if (options.signal?.aborted) {
            await page.catch(() => undefined);
            return result(options, 'interrupted', applied, progress.started);
          }
        }
        cursor = horizon > cursor ? horizon : cursor;
      }
      if (toPosition !== null) {
        await indexShadow(pool, projection);
        await pool.query(`UPDATE ${shadowSchema(projection)}.replay_state SET position = $1`, [
          cursor.toString(),
        ]);
        return result(options, 'built', applied, progress.started);
      }
      if (cursor - roundStart <= CATCH_UP_THRESHOLD) break;
      horizon = await committedHorizon(pool);
    }
    phase = 'indexing';
    await indexShadow(pool, projection);
    phase = 'swapping';
    applied += await inTransaction(pool, async (client) => {
      // No projection transaction is in flight now: every event is committed, none is coming.
      await holdProjectionLock(client);
      const { rows } = await client.query<{ max: string | null }>(
        'SELECT max(position) AS max FROM public.events',
      );
      horizon = BigInt(rows[0]?.max ?? '0');
      const caughtUp =
        horizon > cursor ? await applyStoreRange(client, projection, cursor, horizon, pageSize, cache) : 0;
      cursor = horizon > cursor ? horizon : cursor;
      await swapShadow(client, projection);
      return caughtUp;
    });
    phase = 'done';
    return result(options, 'swapped', applied, progress.started);
  } finally {
    progress.stop();
  }
}

// --- from Kafka ------------------------------------------------------------------------------------

type Offsets = Map<PartitionKey, bigint>;

/** The live projector's stored offsets of every partition (its starting point where it has none). */
async function liveOffsets(db: Pool | PoolClient, groupId: string, low: Offsets): Promise<Offsets> {
  const { rows } = await db.query<{ topic: string; partition: number; next_offset: string }>(
    'SELECT topic, partition, next_offset FROM public.consumer_offsets WHERE group_id = $1',
    [groupId],
  );
  const offsets = new Map(low);
  for (const row of rows) {
    const key = partitionKey(row.topic, row.partition);
    if (offsets.has(key)) offsets.set(key, BigInt(row.next_offset));
  }
  return offsets;
}

const gap = (from: ReadonlyMap<PartitionKey, bigint>, to: Offsets) =>
  [...to].reduce((sum, [key, target]) => {
    const at = from.get(key) ?? 0n;
    return sum + (target > at ? target - at : 0n);
  }, 0n);

async function replayFromKafka(options: ReplayOptions, source: KafkaReplaySource): Promise<ReplayResult> {
  const { pool, projection, log } = options;
  const schema = shadowSchema(projection);
  const admin = source.kafka.admin();
  await admin.connect();
  let reader: Awaited<ReturnType<typeof startBoundedReader>> | null = null;
  try {
    const low: Offsets = new Map();
    for (const topic of source.topics)
      for (const { partition, low: offset } of await admin.fetchTopicOffsets(topic))
        low.set(partitionKey(topic, partition), BigInt(offset));
    const start: Offsets = new Map(low);
    const { rows } = await pool.query<{ topic: string; partition: number; next_offset: string }>(
      `SELECT topic, partition, next_offset FROM ${schema}.replay_offsets`,
    );
    for (const row of rows) {
      const key = partitionKey(row.topic, row.partition);
      const offset = BigInt(row.next_offset);
      if (start.has(key) && offset > (start.get(key) ?? 0n)) start.set(key, offset);
    }
    let targets = await liveOffsets(pool, source.liveGroupId, low);
    let applied = 0;
    const cache = new Map<string, StoredMessage>();
    let phase: ReplayProgress['phase'] = 'replaying';
    const started = new Map(start);
    const progress = reporter(options, () => {
      const positions = reader?.positions() ?? start;
      return { phase, done: Number(gap(started, new Map(positions))), total: Number(gap(started, targets)) };
    });
    try {
      reader = await startBoundedReader({
        kafka: source.kafka,
        groupId: source.replayGroupId,
        topics: source.topics,
        catalog: source.catalog,
        log,
        start,
        concurrency: 1,
        handle: async (batch: PartitionBatch) => {
          // Undecodable records are skipped, as the live projector skips them.
          const count = await inTransaction(pool, (client) =>
            applyToShadow(
              client,
              projection,
              batch.records.map((record) => record.event),
              {
                offsets: {
                  topic: batch.topic,
                  partition: batch.partition,
                  next: BigInt(batch.lastOffset) + 1n,
                },
              },
              cache,
            ),
          );
          applied += count;
        },
      });
      const running = reader;
      const interrupted = new Promise<'interrupted'>((resolve) => {
        if (options.signal?.aborted) resolve('interrupted');
        options.signal?.addEventListener('abort', () => resolve('interrupted'), { once: true });
      });
      for (;;) {
        const outcome = await Promise.race([
          running.readUntil(targets).then(() => 'read' as const),
          interrupted,
        ]);
        if (outcome === 'interrupted') return result(options, 'interrupted', applied, progress.started);
        const next = await liveOffsets(pool, source.liveGroupId, low);
        if (gap(running.positions(), next) <= BigInt(CATCH_UP_THRESHOLD)) break;
        targets = next;
      }
      phase = 'indexing';
      await indexShadow(pool, projection);
      phase = 'swapping';
      await inTransaction(pool, async (client) => {
        await holdProjectionLock(client);
        targets = await liveOffsets(client, source.liveGroupId, low);
        await running.readUntil(targets);
        await swapShadow(client, projection);
      });
      phase = 'done';
      return result(options, 'swapped', applied, progress.started);
    } finally {
      progress.stop();
    }
  } finally {
    await reader?.stop();
    await admin
      .deleteGroups([source.replayGroupId])
      .catch((error: unknown) =>
        log.warn({ err: error, group: source.replayGroupId }, 'could not delete the replay group'),
      );
    await admin.disconnect();
  }
}
