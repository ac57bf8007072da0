import { randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { createTestDatabase, requireServices } from '@herald/testkit';
import {
  authenticateApiKey,
  createPool,
  createTenant,
  findTenant,
  issueApiKey,
  listApiKeys,
  listTenants,
  migrate,
  revokeApiKey,
  touchApiKeys,
  updateTenant,
} from '../src/index.js';
import type { Pool } from '../src/index.js';
import { dropWhenDisconnected } from './database.js';

const test = anyTest as TestFn<{ pool: Pool; drop: () => Promise<void> }>;

test.before(async (t) => {
  const database = await createTestDatabase(await requireServices());
  const pool = createPool(database.url, 5);
  await migrate(pool);
  t.context = { pool, drop: () => dropWhenDisconnected(database) };
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.drop?.();
});

const slug = () => `t-${randomUUID().slice(0, 8)}`;

test('a tenant is created once; the second create reports tenant_exists', async (t) => {
  const { pool } = t.context;
  const id = slug();
  const created = await createTenant(pool, { id, name: 'Acme', burst: 5 });
  t.like(created, {
    ok: true,
    tenant: { id, name: 'Acme', status: 'active', ratePerSecond: null, burst: 5 },
  });
  t.deepEqual(await createTenant(pool, { id, name: 'Other' }), { ok: false, code: 'tenant_exists' });
  t.is((await findTenant(pool, id))?.name, 'Acme');
  t.true((await listTenants(pool)).some((tenant) => tenant.id === id));
  t.is(await findTenant(pool, 'nobody'), null);
});

test('a patch changes what it names, null clears an override, omitted fields stay', async (t) => {
  const { pool } = t.context;
  const id = slug();
  await createTenant(pool, { id, name: 'Acme', ratePerSecond: 10, burst: 20 });
  t.like(await updateTenant(pool, id, { status: 'suspended', burst: null }), {
    name: 'Acme',
    status: 'suspended',
    ratePerSecond: 10,
    burst: null,
  });
  t.like(await updateTenant(pool, id, { name: 'Acme Inc', ratePerSecond: 2.5 }), {
    name: 'Acme Inc',
    status: 'suspended',
    ratePerSecond: 2.5,
    burst: null,
  });
  t.is(await updateTenant(pool, 'nobody', { name: 'x' }), null);
});

test('issued keys authenticate with their tenant; a revoked key stops at once', async (t) => {
  const { pool } = t.context;
  const id = slug();
  await createTenant(pool, { id, name: 'Acme' });
  const first = await issueApiKey(pool, id, 'server');
  const second = await issueApiKey(pool, id, null);
  t.regex(first.key, /^hk_[A-Za-z0-9_-]{43}$/);
  t.is(first.info.prefix, first.key.slice(0, 10));
  t.like(await authenticateApiKey(pool, first.key), { tenantId: id, keyId: first.info.id, tenant: { id } });
  t.like(await authenticateApiKey(pool, second.key), { tenantId: id, keyId: second.info.id });

  const revoked = await revokeApiKey(pool, id, first.info.id);
  t.truthy(revoked?.revokedAt);
  t.is(await authenticateApiKey(pool, first.key), null);
  t.truthy(await authenticateApiKey(pool, second.key));
  // Revoking again keeps the first time; another tenant's key id is not found.
  t.is((await revokeApiKey(pool, id, first.info.id))?.revokedAt, revoked?.revokedAt);
  t.is(await revokeApiKey(pool, 'someone-else', second.info.id), null);

  const listed = await listApiKeys(pool, id);
  t.deepEqual(
    listed.map((key) => [key.id, key.name, key.revokedAt === null]),
    [
      [first.info.id, 'server', false],
      [second.info.id, null, true],
    ],
  );
  t.false(JSON.stringify(listed).includes(first.key.slice(10)), 'no secret in the listing');
  t.is(await authenticateApiKey(pool, `${second.key}x`), null);
});

test('last use is written at most once a minute per key', async (t) => {
  const { pool } = t.context;
  const id = slug();
  await createTenant(pool, { id, name: 'Acme' });
  const { info } = await issueApiKey(pool, id, null);
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  const lastUsed = async () => (await listApiKeys(pool, id))[0]?.lastUsedAt;
  await touchApiKeys(pool, [info.id], t0);
  t.is(await lastUsed(), t0);
  await touchApiKeys(pool, [info.id], t0 + 59_000);
  t.is(await lastUsed(), t0, 'within the minute: unchanged');
  await touchApiKeys(pool, [info.id], t0 + 61_000);
  t.is(await lastUsed(), t0 + 61_000);
});
