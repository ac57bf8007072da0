import { inTransaction } from '@herald/store';
import type { Pool, PoolClient } from '@herald/store';
import type { Projection } from '../read-models.js';

/** Where a replay comes from. */
export type ReplaySource = 'kafka' | 'store';

/** What a replay in progress has recorded in its schema, so that it can be resumed. */
export interface ShadowState {
  source: ReplaySource;
  /** Last event store position applied (replays from the store). */
  position: bigint;
  /** Only events up to this position are replayed, and the result is not swapped in. */
  toPosition: bigint | null;
  /** Events applied so far. */
  applied: number;
  startedAt: Date;
}

/** The schema a replay of `projection` builds its tables in, next to the live ones. */
export function shadowSchema(projection: Projection): string {
  return `herald_replay_${projection.name}`;
}

/**
 * Sets the transaction's search_path so that the projection's tables (and the scratch `messages`)
 * resolve to the shadow schema and everything else (the event store) to the live one: the same SQL
 * that keeps the live read models then builds the replayed ones.
 */
export async function useShadow(client: PoolClient, projection: Projection): Promise<void> {
  await client.query(`SET LOCAL search_path TO ${shadowSchema(projection)}, public`);
}

/** The replay state of `projection`'s shadow schema, or null when there is none. */
export async function readShadowState(
  pool: Pool | PoolClient,
  projection: Projection,
): Promise<ShadowState | null> {
  const schema = shadowSchema(projection);
  const { rows: exists } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (exists.length === 0) return null;
  const { rows } = await pool.query<{
    source: ReplaySource;
    position: string;
    to_position: string | null;
    applied: string;
    started_at: Date;
  }>(`SELECT source, position, to_position, applied, started_at FROM ${schema}.replay_state`);
  const row = rows[0];
  if (!row) return null;
  return {
    source: row.source,
    position: BigInt(row.position),
    toPosition: row.to_position === null ? null : BigInt(row.to_position),
    applied: Number(row.applied),
    startedAt: row.started_at,
  };
}

/** Drops a replay's schema and everything in it. */
export async function dropShadow(pool: Pool, projection: Projection): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${shadowSchema(projection)} CASCADE`);
}

// `CREATE INDEX name ON schema.table USING ...` without the name and the schema, to match an index
// of a shadow table with the live index it copies.
const indexShape = (definition: string) =>
  definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?\S+\./, 'CREATE $1INDEX ON ');

interface IndexInfo {
  name: string;
  definition: string;
  /** Backs a primary key or unique constraint (which upserts need while the replay runs). */
  constraint: boolean;
}

async function indexes(client: Pool | PoolClient, schema: string, table: string): Promise<IndexInfo[]> {
  const { rows } = await client.query<IndexInfo>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition,
            EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) AS constraint
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = format('%I.%I', $1::text, $2::text)::regclass`,
    [schema, table],
  );
  return rows;
}

/**
 * Creates the shadow schema with empty copies of the projection's tables (same columns, defaults
 * and constraints; the secondary indexes come at the end, see `indexShadow`), the scratch
 * `messages` table of message states when the projection needs them, and the replay's own
 * bookkeeping: its state, its Kafka offsets and the event ids it applied.
 */
export async function createShadow(
  pool: Pool,
  projection: Projection,
  source: ReplaySource,
  toPosition: bigint | null,
): Promise<void> {
  const schema = shadowSchema(projection);
  await inTransaction(pool, async (client) => {
    await client.query(`CREATE SCHEMA ${schema}`);
    for (const table of projection.tables) {
      await client.query(`CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING ALL)`);
      const live = await indexes(client, 'public', table);
      for (const copy of await indexes(client, schema, table)) {
        // Maintaining secondary indexes row by row is most of the cost of a rebuild; one CREATE
        // INDEX over the finished table is far cheaper.
        if (!copy.constraint) {
          await client.query(`DROP INDEX ${schema}.${copy.name}`);
          continue;
        }
        const original = live.find((index) => indexShape(index.definition) === indexShape(copy.definition));
        if (original && original.name !== copy.name)
          await client.query(`ALTER INDEX ${schema}.${copy.name} RENAME TO ${original.name}`);
      }
    }
    if (projection.needsStates && !projection.tables.includes('messages')) {
      await client.query(`CREATE TABLE ${schema}.messages (LIKE public.messages INCLUDING DEFAULTS)`);
      await client.query(`ALTER TABLE ${schema}.messages ADD PRIMARY KEY (id)`);
    }
    await client.query(
      `CREATE TABLE ${schema}.replay_state (
         source text NOT NULL, position bigint NOT NULL, to_position bigint, applied bigint NOT NULL,
         started_at timestamptz NOT NULL DEFAULT now())`,
    );
    await client.query(
      `INSERT INTO ${schema}.replay_state (source, position, to_position, applied) VALUES ($1, 0, $2, 0)`,
      [source, toPosition?.toString() ?? null],
    );
    await client.query(
      `CREATE TABLE ${schema}.replay_offsets (topic text, partition integer, next_offset bigint NOT NULL,
         PRIMARY KEY (topic, partition))`,
    );
    await client.query(`CREATE TABLE ${schema}.replay_events (event_id uuid PRIMARY KEY)`);
  });
}

/**
 * Creates on the shadow tables every index of the live tables they do not have yet, under the live
 * names, so the swapped-in tables serve the same queries. Idempotent (a resumed replay may have
 * created some already).
 */
export async function indexShadow(pool: Pool, projection: Projection): Promise<void> {
  const schema = shadowSchema(projection);
  for (const table of projection.tables) {
    const present = new Set((await indexes(pool, schema, table)).map((index) => index.name));
    for (const index of await indexes(pool, 'public', table)) {
      if (present.has(index.name)) continue;
      const definition = index.definition.replace(/ ON (ONLY )?public\./, ` ON $1${schema}.`);
      if (definition === index.definition) throw new Error(`cannot place index ${index.name} in ${schema}`);
      await pool.query(definition);
    }
  }
}

/**
 * Replaces the live tables of the projection with the replayed ones and drops the shadow schema,
 * inside the caller's transaction (which holds the projection lock): readers see the old tables
 * until it commits and the new ones after, never a mix.
 */
export async function swapShadow(client: PoolClient, projection: Projection): Promise<void> {
  const schema = shadowSchema(projection);
  for (const table of projection.tables) {
    await client.query(`DROP TABLE public.${table}`);
    await client.query(`ALTER TABLE ${schema}.${table} SET SCHEMA public`);
  }
  await client.query(`DROP SCHEMA ${schema} CASCADE`);
}
