import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from './pool.js';

/** The tenant an API key belongs to. */
export interface KeyOwner {
  tenantId: string;
  keyId: string;
}

const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/** A new random API key: `hk_` + 43 characters of base64url (32 random bytes). */
export function generateApiKey(): string {
  return `hk_${randomBytes(32).toString('base64url')}`;
}

/** Creates the tenant if missing (idempotent). */
export async function ensureTenant(pool: Pool, id: string, name: string): Promise<void> {
  await pool.query('INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, name]);
}

/** Stores an API key for a tenant, hashed; storing the same key again is a no-op. */
export async function addApiKey(pool: Pool, tenantId: string, key: string): Promise<string> {
  const keyId = `key_${randomBytes(8).toString('hex')}`;
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO api_keys (id, tenant_id, key_hash, prefix) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key_hash) DO UPDATE SET revoked_at = NULL WHERE api_keys.tenant_id = EXCLUDED.tenant_id
     RETURNING id`,
    [keyId, tenantId, hashKey(key), key.slice(0, 7)],
  );
  const stored = rows[0];
  if (!stored) throw new Error('that API key is already registered to another tenant');
  return stored.id;
}

/**
 * Finds the owner of an API key. The lookup is by SHA-256 digest, and the stored digest is compared
 * again in constant time, so neither the database index nor this code leaks timing about the key.
 */
export async function authenticateApiKey(pool: Pool, key: string): Promise<KeyOwner | null> {
  const digest = hashKey(key);
  const { rows } = await pool.query<{ id: string; tenant_id: string; key_hash: Buffer }>(
    'SELECT id, tenant_id, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [digest],
  );
  const row = rows[0];
  if (!row || row.key_hash.length !== digest.length || !timingSafeEqual(row.key_hash, digest)) return null;
  return { tenantId: row.tenant_id, keyId: row.id };
}
