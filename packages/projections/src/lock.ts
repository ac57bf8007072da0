import type { PoolClient } from '@herald/store';

// Any constant works; it only has to be the same for every Herald process.
const PROJECTION_LOCK = 726_348_005;

/**
 * Taken (shared) by every live projection transaction; `herald replay` takes it exclusively for the
 * swap, which therefore sees no projection transaction in flight and lets none start until it commits.
 */
export async function shareProjectionLock(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock_shared($1)', [PROJECTION_LOCK]);
}

/** Waits for the live projection transactions in flight and holds off new ones until commit. */
export async function holdProjectionLock(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [PROJECTION_LOCK]);
}
