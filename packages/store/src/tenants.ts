import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from './pool.js';

/** Whether a tenant may use the API. */
export type TenantStatus = 'active' | 'suspended';

/** A tenant: configuration stored in Postgres (the source of truth), not derived from Kafka. */
export interface Tenant {
  id: string;
  name: string;
  status: TenantStatus;
  /** Rate limit overrides; null means the instance default applies. */
  ratePerSecond: number | null;
  burst: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What an API key authenticates: its owner, with the tenant row as of this request. */
export interface KeyOwner {
  tenantId: string;
  keyId: string;
  tenant: Tenant;
}

/** An API key as it is listed: never the secret, only a prefix to recognise it by. */
export interface ApiKeyInfo {
  id: string;
  tenantId: string;
  name: string | null;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Fields an administrator may change on a tenant; omitted fields are left as they are. */
export interface TenantPatch {
  name?: string;
  status?: TenantStatus;
  ratePerSecond?: number | null;
  burst?: number | null;
}

interface TenantRow {
  id: string;
  name: string;
  status: TenantStatus;
  rate_per_second: number | null;
  burst: number | null;
  created_at: Date;
  updated_at: Date;
}

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string | null;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const TENANT_COLUMNS = 'id, name, status, rate_per_second, burst, created_at, updated_at';
const KEY_COLUMNS = 'id, tenant_id, name, prefix, created_at, last_used_at, revoked_at';
// Enough of the key to tell keys apart in a list; far too little to guess the rest (256 random bits).
const PREFIX_LENGTH = 10;

const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest();
const newKeyId = () => `key_${randomBytes(8).toString('hex')}`;
const time = (value: Date | null) => (value === null ? null : value.getTime());

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    ratePerSecond: row.rate_per_second,
    burst: row.burst,
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
  };
}

function toApiKey(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at.getTime(),
    lastUsedAt: time(row.last_used_at),
    revokedAt: time(row.revoked_at),
  };
}

/** A new random API key: `hk_` + 43 characters of base64url (32 random bytes). */
export function generateApiKey(): string {
  return `hk_${randomBytes(32).toString('base64url')}`;
}

/** Creates the tenant if missing (idempotent). */
export async function ensureTenant(pool: Pool, id: string, name: string): Promise<void> {
  await pool.query('INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, name]);
}

/** Creates a tenant; an existing id is reported as a value, not thrown. */
export async function createTenant(
  pool: Pool,
  tenant: { id: string; name: string; ratePerSecond?: number | null; burst?: number | null },
): Promise<{ ok: true; tenant: Tenant } | { ok: false; code: 'tenant_exists' }> {
  const { rows } = await pool.query<TenantRow>(
    `INSERT INTO tenants (id, name, rate_per_second, burst) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO NOTHING RETURNING ${TENANT_COLUMNS}`,
    [tenant.id, tenant.name, tenant.ratePerSecond ?? null, tenant.burst ?? null],
  );
  const row = rows[0];
  return row ? { ok: true, tenant: toTenant(row) } : { ok: false, code: 'tenant_exists' };
}

/** Every tenant, by id. */
export async function listTenants(pool: Pool): Promise<Tenant[]> {
  const { rows } = await pool.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY id`);
  return rows.map(toTenant);
}

/** One tenant, or null. */
export async function findTenant(pool: Pool, id: string): Promise<Tenant | null> {
  const { rows } = await pool.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = $1`, [id]);
  const row = rows[0];
  return row ? toTenant(row) : null;
}

/** Applies a patch; null when the tenant does not exist. */
export async function updateTenant(pool: Pool, id: string, patch: TenantPatch): Promise<Tenant | null> {
  // A CASE per column keeps one statement: "not in the patch" and "set to null" stay distinct.
  const { rows } = await pool.query<TenantRow>(
    `UPDATE tenants SET
       name = COALESCE($2, name),
       status = COALESCE($3, status),
       rate_per_second = CASE WHEN $4::boolean THEN $5::double precision ELSE rate_per_second END,
       burst = CASE WHEN $6::boolean THEN $7::integer ELSE burst END,
       updated_at = now()
     WHERE id = $1 RETURNING ${TENANT_COLUMNS}`,
    [
      id,
      patch.name ?? null,
      patch.status ?? null,
      patch.ratePerSecond !== undefined,
      patch.ratePerSecond ?? null,
      patch.burst !== undefined,
      patch.burst ?? null,
    ],
  );
  const row = rows[0];
  return row ? toTenant(row) : null;
}

/** Stores an API key for a tenant, hashed; storing the same key again is a no-op. */
export async function addApiKey(pool: Pool, tenantId: string, key: string, name?: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO api_keys (id, tenant_id, key_hash, prefix, name) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key_hash) DO UPDATE SET revoked_at = NULL WHERE api_keys.tenant_id = EXCLUDED.tenant_id
     RETURNING id`,
    [newKeyId(), tenantId, hashKey(key), key.slice(0, PREFIX_LENGTH), name ?? null],
  );
  const stored = rows[0];
  if (!stored) throw new Error('that API key is already registered to another tenant');
  return stored.id;
}

/** Issues a new random key for a tenant; the secret is returned here and never again. */
export async function issueApiKey(
  pool: Pool,
  tenantId: string,
  name: string | null,
): Promise<{ key: string; info: ApiKeyInfo }> {
  const key = generateApiKey();
  const { rows } = await pool.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, tenant_id, key_hash, prefix, name) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${KEY_COLUMNS}`,
    [newKeyId(), tenantId, hashKey(key), key.slice(0, PREFIX_LENGTH), name],
  );
  const row = rows[0];
  if (!row) throw new Error('INSERT ... RETURNING returned no row');
  return { key, info: toApiKey(row) };
}

/** A tenant's keys, oldest first, revoked ones included. */
export async function listApiKeys(pool: Pool, tenantId: string): Promise<ApiKeyInfo[]> {
  const { rows } = await pool.query<ApiKeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`,
    [tenantId],
  );
  return rows.map(toApiKey);
}

/** Revokes a key at once (revoking twice keeps the first time); null when the tenant has no such key. */
export async function revokeApiKey(pool: Pool, tenantId: string, keyId: string): Promise<ApiKeyInfo | null> {
  const { rows } = await pool.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
     WHERE tenant_id = $1 AND id = $2 RETURNING ${KEY_COLUMNS}`,
    [tenantId, keyId],
  );
  const row = rows[0];
  return row ? toApiKey(row) : null;
}

/**
 * Records that keys were used at `now`. A key already marked within the last minute is left alone,
 * so many ingress instances together still write each key at most once a minute.
 */
export async function touchApiKeys(pool: Pool, keyIds: string[], now: number): Promise<void> {
  if (keyIds.length === 0) return;
  await pool.query(
    `UPDATE api_keys SET last_used_at = $2
     WHERE id = ANY($1::text[]) AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
    [keyIds, new Date(now)],
  );
}

/**
 * Finds the owner of an API key, with its tenant. The lookup is by SHA-256 digest, and the stored
 * digest is compared again in constant time, so neither the database index nor this code leaks
 * timing about the key. Revoked keys are never found.
 */
export async function authenticateApiKey(pool: Pool, key: string): Promise<KeyOwner | null> {
  return (await authenticateApiKeys(pool, [key]))[0] ?? null;
}

/**
 * `authenticateApiKey` for many keys in one statement (the ingress merges concurrent requests'
 * lookups); answers are in the order of `keys`, null for a key that is unknown or revoked.
 */
export async function authenticateApiKeys(pool: Pool, keys: readonly string[]): Promise<(KeyOwner | null)[]> {
  if (keys.length === 0) return [];
  const digests = keys.map(hashKey);
  const { rows } = await pool.query<TenantRow & { key_id: string; key_hash: Buffer }>(
    `SELECT k.id AS key_id, k.key_hash, t.id, t.name, t.status, t.rate_per_second, t.burst, t.created_at, t.updated_at
       FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
      WHERE k.key_hash = ANY($1::bytea[]) AND k.revoked_at IS NULL`,
    [digests],
  );
  const byDigest = new Map(rows.map((row) => [row.key_hash.toString('hex'), row]));
  return digests.map((digest) => {
    const row = byDigest.get(digest.toString('hex'));
    if (!row || row.key_hash.length !== digest.length || !timingSafeEqual(row.key_hash, digest)) return null;
    return { tenantId: row.id, keyId: row.key_id, tenant: toTenant(row) };
  });
}
