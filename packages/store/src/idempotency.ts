import type { Pool } from './pool.js';

/** The response a request answered with, kept to replay it to a repeat of the request. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A request that carries an Idempotency-Key, identified by its tenant, key and body hash. */
export interface IdempotentRequest {
  tenantId: string;
  key: string;
  /** Digest of method, path and body: a repeat must match it to be a repeat. */
  requestHash: Buffer;
  /** How long the key is remembered after its first use. */
  ttlSeconds: number;
  /** After how long a claim that never completed (its process crashed) may be taken over. */
  leaseSeconds: number;
}

/** What a request with a key may do: run (with the seed of its ids), replay, or be refused. */
export type IdempotencyClaim =
  | { kind: 'claimed'; seed: string }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

interface KeyRow {
  request_hash: Buffer;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
}

/**
 * Claims a key for a request. A new or expired key is claimed with `newSeed`; a claim that is
 * older than the lease and never completed is taken over by the same request with its old seed,
 * so the retry recreates the same ids. Otherwise the stored row decides: another body is a
 * mismatch, a running request is in progress, a completed one is replayed.
 */
export async function claimIdempotencyKey(
  pool: Pool,
  request: IdempotentRequest,
  newSeed: string,
): Promise<IdempotencyClaim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await pool.query<{ seed: string }>(
      `INSERT INTO idempotency_keys AS k (tenant_id, idempotency_key, request_hash, seed, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
       ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET
         request_hash = EXCLUDED.request_hash,
         seed = CASE WHEN k.expires_at <= now() THEN EXCLUDED.seed ELSE k.seed END,
         expires_at = CASE WHEN k.expires_at <= now() THEN EXCLUDED.expires_at ELSE k.expires_at END,
         response_status = NULL, response_headers = NULL, response_body = NULL, claimed_at = now()
       WHERE k.expires_at <= now()
          OR (k.response_status IS NULL AND k.request_hash = EXCLUDED.request_hash
              AND k.claimed_at <= now() - make_interval(secs => $6))
       RETURNING seed`,
      [request.tenantId, request.key, request.requestHash, newSeed, request.ttlSeconds, request.leaseSeconds],
    );
    const seed = claimed.rows[0]?.seed;
    if (seed !== undefined) return { kind: 'claimed', seed };
    const { rows } = await pool.query<KeyRow>(
      `SELECT request_hash, response_status, response_headers, response_body FROM idempotency_keys
        WHERE tenant_id = $1 AND idempotency_key = $2`,
      [request.tenantId, request.key],
    );
    const row = rows[0];
    if (row) return claimOf(row, request.requestHash);
    // Released between the two statements: try to claim it again.
  }
  return { kind: 'in_progress' };
}

function claimOf(row: KeyRow, requestHash: Buffer): IdempotencyClaim {
  if (!row.request_hash.equals(requestHash)) return { kind: 'mismatch' };
  if (row.response_status === null) return { kind: 'in_progress' };
  return {
    kind: 'replay',
    response: {
      status: row.response_status,
      headers: row.response_headers ?? {},
      body: row.response_body ?? '',
    },
  };
}

/** Stores the response of a claimed request, for its repeats. */
export async function completeIdempotencyKey(
  pool: Pool,
  tenantId: string,
  key: string,
  seed: string,
  response: StoredResponse,
): Promise<void> {
  await pool.query(
    `UPDATE idempotency_keys SET response_status = $4, response_headers = $5, response_body = $6
      WHERE tenant_id = $1 AND idempotency_key = $2 AND seed = $3`,
    [tenantId, key, seed, response.status, JSON.stringify(response.headers), response.body],
  );
}

/** Forgets a claim whose request created nothing, so that retrying with the key runs it again. */
export async function releaseIdempotencyKey(
  pool: Pool,
  tenantId: string,
  key: string,
  seed: string,
): Promise<void> {
  await pool.query(
    `DELETE FROM idempotency_keys
      WHERE tenant_id = $1 AND idempotency_key = $2 AND seed = $3 AND response_status IS NULL`,
    [tenantId, key, seed],
  );
}

/** Deletes up to `limit` expired keys; returns how many. */
export async function purgeExpiredIdempotencyKeys(pool: Pool, limit = 10000): Promise<number> {
  const result = await pool.query(
    `DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT $1))`,
    [limit],
  );
  return result.rowCount ?? 0;
}
