import test from 'ava';
import { Hono } from 'hono';
import type { Tenant } from '@herald/store';
import type { AuthVariables } from '../src/auth/tenant-auth.js';
import { renderProblem, toProblem } from '../src/problems.js';
import { tenantRateLimit } from '../src/rate-limit.js';

const tenant = (id: string, overrides: Partial<Tenant> = {}): Tenant => ({
  id,
  name: id,
  status: 'active',
  ratePerSecond: null,
  burst: null,
  createdAt: 0,
  updatedAt: 0,
  ...overrides,
});

/** The limiter behind a stand-in for tenant auth that takes the tenant from a header. */
function harness(tenants: Record<string, Tenant>, defaults = { ratePerSecond: 2, burst: 3 }) {
  let now = Date.parse('2025-01-01T00:00:00Z');
  const app = new Hono<{ Variables: AuthVariables }>();
  app.onError((error, c) => renderProblem(c, toProblem(error)));
  app.use('*', async (c, next) => {
    const id = c.req.header('x-tenant') ?? '';
    const found = tenants[id];
    if (!found) throw new Error(`no tenant ${id}`);
    c.set('tenantId', id);
    c.set('tenant', found);
    await next();
  });
  app.use('*', tenantRateLimit({ defaults, clock: () => now }));
  app.get('/ok', (c) => c.json({ ok: true }));
  app.get('/missing', (c) => c.json({ code: 'not_found' }, 404));
  return {
    get: (id: string, path = '/ok') => app.request(path, { headers: { 'x-tenant': id } }),
    advance: (ms: number) => (now += ms),
  };
}

const headers = (response: Response) => ({
  limit: response.headers.get('ratelimit-limit'),
  remaining: response.headers.get('ratelimit-remaining'),
  reset: response.headers.get('ratelimit-reset'),
});

test('every answer carries the RateLimit headers, errors included', async (t) => {
  const { get } = harness({ acme: tenant('acme') });
  const first = await get('acme');
  t.is(first.status, 200);
  t.deepEqual(headers(first), { limit: '3', remaining: '2', reset: '1' });
  const missing = await get('acme', '/missing');
  t.is(missing.status, 404);
  t.deepEqual(headers(missing), { limit: '3', remaining: '1', reset: '1' });
});

test('an empty bucket answers 429 rate_limited with Retry-After rounded up, then refills', async (t) => {
  const { get, advance } = harness({ acme: tenant('acme') });
  for (let i = 0; i < 3; i += 1) t.is((await get('acme')).status, 200);
  const limited = await get('acme');
  t.is(limited.status, 429);
  t.is(limited.headers.get('content-type'), 'application/problem+json');
  t.is(((await limited.json()) as { code: string }).code, 'rate_limited');
  t.is(limited.headers.get('retry-after'), '1', '500 ms at 2/s, rounded up to a whole second');
  t.deepEqual(headers(limited), { limit: '3', remaining: '0', reset: '2' });
  advance(499);
  t.is((await get('acme')).status, 429);
  advance(1);
  t.is((await get('acme')).status, 200);
});

test('each tenant has its own bucket, with its own overrides', async (t) => {
  const { get } = harness({ small: tenant('small', { burst: 1, ratePerSecond: 0.1 }), big: tenant('big') });
  t.is((await get('small')).status, 200);
  const limited = await get('small');
  t.is(limited.status, 429);
  t.is(limited.headers.get('retry-after'), '10');
  t.is(limited.headers.get('ratelimit-limit'), '1');
  t.is((await get('big')).status, 200, 'another tenant is not affected');
});
