import { createHash, randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { derivedEventId } from '@herald/kafka';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  purgeExpiredIdempotencyKeys,
  releaseIdempotencyKey,
} from '@herald/store';
import type { Pool, StoredResponse } from '@herald/store';
import type { Logger } from '@herald/telemetry';
import { Problem } from './problems.js';

/** Variables the idempotency middleware sets: the seed of the ids a keyed request creates. */
export interface IdempotencyVariables {
  idSeed?: string;
}

/** Header that marks a response replayed from an earlier request with the same key. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** Longest Idempotency-Key accepted. */
export const MAX_KEY_LENGTH = 255;
// A claim older than this whose request never answered (its process died) may be taken over by a
// retry; the retry derives the same ids from the claim's seed, so it recreates, never duplicates.
const LEASE_SECONDS = 300;
// Replayed as they were; everything else about the response is recomputed.
const KEPT_HEADERS = ['content-type', 'location'];

/** Options of the Idempotency-Key middleware. */
export interface IdempotencyOptions {
  pool: Pool;
  /** How long a key is remembered after its first use. */
  ttlSeconds: number;
  log: Logger;
}

/**
 * `Idempotency-Key` for POST requests of an authenticated tenant: the first request with a key runs
 * and its 2xx response is stored; a repeat with the same method, path and body gets that response
 * again (`Idempotent-Replayed: true`) and creates nothing. Another body with the key is 422, a repeat
 * while the first still runs is 409. A request that ends in an error created nothing, so its key is
 * released and may be retried. Keys are scoped per tenant and expire after `ttlSeconds`.
 */
export function idempotency(
  options: IdempotencyOptions,
): MiddlewareHandler<{ Variables: { tenantId: string } & IdempotencyVariables }> {
  return async function idempotencyMiddleware(c, next) {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    checkKey(key);
    const tenantId = c.get('tenantId');
    const body = Buffer.from(await c.req.arrayBuffer());
    const url = new URL(c.req.url);
    const requestHash = createHash('sha256')
      .update(`${c.req.method}\n${url.pathname}${url.search}\n`)
      .update(body)
      .digest();
    const claim = await claimIdempotencyKey(
      options.pool,
      { tenantId, key, requestHash, ttlSeconds: options.ttlSeconds, leaseSeconds: LEASE_SECONDS },
      randomUUID(),
    );
    switch (claim.kind) {
      case 'mismatch':
        throw new Problem(
          422,
          'idempotency_key_reused',
          'Idempotency key reused',
          'This Idempotency-Key was used with another request; use a new key for a new request.',
        );
      case 'in_progress':
        throw new Problem(
          409,
          'idempotency_in_progress',
          'Request in progress',
          'A request with this Idempotency-Key is still running; retry when it has answered.',
          undefined,
          { 'Retry-After': '1' },
        );
      case 'replay':
        return replay(c, claim.response);
      case 'claimed':
        break;
      default: {
        const _exhaustive: never = claim;
        return _exhaustive;
      }
    }
    c.set('idSeed', claim.seed);
    await runClaimed(c, next, { ...options, tenantId, key, seed: claim.seed });
  };
}

function checkKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new Problem(400, 'validation_failed', 'Invalid Idempotency-Key', undefined, [
      {
        field: 'Idempotency-Key',
        message: `1 to ${MAX_KEY_LENGTH} visible ASCII characters, such as a UUID`,
      },
    ]);
  }
}

function replay(c: Context, response: StoredResponse): Response {
  return new Response(response.body, {
    status: response.status,
    headers: { ...response.headers, [REPLAYED_HEADER]: 'true' },
  });
}

async function runClaimed(
  c: Context,
  next: () => Promise<void>,
  claim: IdempotencyOptions & { tenantId: string; key: string; seed: string },
): Promise<void> {
  const { pool, tenantId, key, seed } = claim;
  try {
    await next();
  } catch (error) {
    await releaseIdempotencyKey(pool, tenantId, key, seed);
    throw error;
  }
  try {
    if (c.res.status >= 200 && c.res.status < 300) {
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = c.res.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      const body = await c.res.clone().text();
      await completeIdempotencyKey(pool, tenantId, key, seed, { status: c.res.status, headers, body });
    } else {
      await releaseIdempotencyKey(pool, tenantId, key, seed);
    }
  } catch (error) {
    // The request itself succeeded: answer it. A retry of the key waits out the lease, then
    // takes the claim over and recreates the same ids.
    claim.log.error({ err: error, tenantId }, 'could not store the idempotent response');
  }
}

/** A source of ids for what a request creates: derived from the key's seed, or random without a key. */
export type IdSource = (role: string) => string;

/** The id source of a request: derived from its key's seed (`c.get('idSeed')`), else random. */
export function idSource(seed: string | undefined): IdSource {
  return seed === undefined ? () => randomUUID() : (role) => derivedEventId(seed, role);
}

/** Deletes expired keys every `intervalMs`; returns the function that stops it. */
export function startIdempotencyPurge(pool: Pool, log: Logger, intervalMs = 60_000): () => void {
  const timer = setInterval(() => {
    purgeExpiredIdempotencyKeys(pool).then(
      (purged) => {
        if (purged > 0) log.debug({ purged }, 'expired idempotency keys purged');
      },
      (error: unknown) => log.warn({ err: error }, 'purging expired idempotency keys failed'),
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
