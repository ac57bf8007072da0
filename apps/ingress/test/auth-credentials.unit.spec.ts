import { generateKeyPairSync } from 'node:crypto';
import test from 'ava';
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import type { KeyOwner, Tenant } from '@herald/store';
import { looksLikeJwt, readCredential } from '../src/auth/bearer.js';
import { createJwtVerifier } from '../src/auth/jwt.js';
import type { JwtVerifier } from '../src/auth/jwt.js';
import { tenantAuth } from '../src/auth/tenant-auth.js';
import type { AuthVariables } from '../src/auth/tenant-auth.js';
import { renderProblem, toProblem } from '../src/problems.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const SECRET = 'a-shared-secret-of-at-least-32-characters';
const KEY = 'hk_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

const tenant = (id: string, status: Tenant['status'] = 'active'): Tenant => ({
  id,
  name: id,
  status,
  ratePerSecond: null,
  burst: null,
  createdAt: NOW,
  updatedAt: NOW,
});

const hs256 = (claims: Record<string, unknown>, options: { iss?: string; aud?: string; exp?: number } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(options.iss ?? 'https://idp.test')
    .setAudience(options.aud ?? 'herald')
    .setIssuedAt(Math.floor(NOW / 1000))
    .setExpirationTime(options.exp ?? Math.floor(NOW / 1000) + 300)
    .sign(new TextEncoder().encode(SECRET));

/** The real middleware and error handler in a tiny app, with counting fakes for the store. */
function harness(options: { verifyJwt?: JwtVerifier | null; tenants?: Record<string, Tenant> } = {}) {
  const calls = { keys: [] as string[], used: [] as string[] };
  const tenants = options.tenants ?? { acme: tenant('acme'), frozen: tenant('frozen', 'suspended') };
  const app = new Hono<{ Variables: AuthVariables }>();
  app.onError((error, c) => renderProblem(c, toProblem(error)));
  app.use(
    '*',
    tenantAuth({
      authenticateKey: async (key): Promise<KeyOwner | null> => {
        calls.keys.push(key);
        const owner = key === KEY ? tenants.acme : key === 'hk_frozen_key' ? tenants.frozen : undefined;
        return owner ? { tenantId: owner.id, keyId: `key_${owner.id}`, tenant: owner } : null;
      },
      findTenant: async (id) => tenants[id] ?? null,
      verifyJwt:
        options.verifyJwt === undefined
          ? createJwtVerifier({
              hs256Secret: SECRET,
              rs256PublicKey: null,
              issuer: 'https://idp.test',
              audience: 'herald',
            })
          : options.verifyJwt,
      onKeyUsed: (keyId) => calls.used.push(keyId),
      clock: () => NOW,
    }),
  );
  app.get('/whoami', (c) => c.json({ tenant: c.get('tenantId') }));
  const get = (headers: Record<string, string>) => app.request('/whoami', { headers });
  return { app, calls, get };
}

test('a bearer value with three base64url parts is a JWT, anything else an API key', (t) => {
  t.true(looksLikeJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl'));
  t.false(looksLikeJwt(KEY));
  t.false(looksLikeJwt('a.b'));
  t.false(looksLikeJwt('a.b.c.d'));
  t.false(looksLikeJwt('a.b.'), 'an empty signature (alg none) is not taken as a JWT');
  t.false(looksLikeJwt('a+b.c/d.e=f'), 'base64 but not base64url');
  t.deepEqual(readCredential('Bearer x.y.z', undefined), { kind: 'jwt', token: 'x.y.z' });
  t.deepEqual(readCredential(`bearer ${KEY}`, undefined), { kind: 'api_key', key: KEY });
  t.deepEqual(readCredential(undefined, KEY), { kind: 'api_key', key: KEY });
  t.is(readCredential(`Basic ${KEY}`, KEY), null, 'a non-bearer Authorization header is not overridden');
  t.is(readCredential('Bearer', undefined), null);
  t.is(readCredential(undefined, undefined), null);
});

test('an API key authenticates its tenant and its use is recorded', async (t) => {
  const { calls, get } = harness();
  const response = await get({ Authorization: `Bearer ${KEY}` });
  t.is(response.status, 200);
  t.deepEqual(await response.json(), { tenant: 'acme' });
  t.deepEqual(calls.used, ['key_acme']);
});

test('a JWT is verified as a JWT and never looked up as an API key', async (t) => {
  const { calls, get } = harness();
  const response = await get({ Authorization: `Bearer ${await hs256({ tenant_id: 'acme' })}` });
  t.is(response.status, 200);
  t.deepEqual(await response.json(), { tenant: 'acme' });
  t.deepEqual(calls.keys, []);
});

test('the tenant comes from tenant_id, else from sub', async (t) => {
  const { get } = harness();
  const bySub = await get({ Authorization: `Bearer ${await hs256({ sub: 'acme' })}` });
  t.deepEqual(await bySub.json(), { tenant: 'acme' });
  const both = await get({ Authorization: `Bearer ${await hs256({ sub: 'someone', tenant_id: 'acme' })}` });
  t.deepEqual(await both.json(), { tenant: 'acme' });
});

const refusals: [string, () => Promise<Record<string, string>>, number, string][] = [
  ['no credential', async () => ({}), 401, 'unauthenticated'],
  ['an unknown API key', async () => ({ Authorization: 'Bearer hk_nope' }), 401, 'unauthenticated'],
  ['a Basic header', async () => ({ Authorization: 'Basic dXNlcjpwYXNz' }), 401, 'unauthenticated'],
  [
    'a JWT from another issuer',
    async () => ({ Authorization: `Bearer ${await hs256({ sub: 'acme' }, { iss: 'https://evil.test' })}` }),
    401,
    'unauthenticated',
  ],
  [
    'a JWT for another audience',
    async () => ({ Authorization: `Bearer ${await hs256({ sub: 'acme' }, { aud: 'other' })}` }),
    401,
    'unauthenticated',
  ],
  [
    'an expired JWT (beyond the clock tolerance)',
    async () => ({
      Authorization: `Bearer ${await hs256({ sub: 'acme' }, { exp: Math.floor(NOW / 1000) - 31 })}`,
    }),
    401,
    'unauthenticated',
  ],
  [
    'a JWT with a forged signature',
    async () => ({ Authorization: `Bearer ${(await hs256({ sub: 'acme' })).slice(0, -4)}AAAA` }),
    401,
    'unauthenticated',
  ],
  [
    "a JWT whose tenant doesn't exist",
    async () => ({ Authorization: `Bearer ${await hs256({ sub: 'ghost' })}` }),
    401,
    'unauthenticated',
  ],
  [
    'a suspended tenant by key',
    async () => ({ Authorization: 'Bearer hk_frozen_key' }),
    403,
    'tenant_suspended',
  ],
  [
    'a suspended tenant by JWT',
    async () => ({ Authorization: `Bearer ${await hs256({ sub: 'frozen' })}` }),
    403,
    'tenant_suspended',
  ],
];

for (const [name, headers, status, code] of refusals) {
  test(`refused with ${status} ${code}: ${name}`, async (t) => {
    const response = await harness().get(await headers());
    t.is(response.status, status);
    t.is(response.headers.get('content-type'), 'application/problem+json');
    const problem = (await response.json()) as { code: string; status: number; detail: string };
    t.is(problem.code, code);
    t.is(problem.status, status);
    t.truthy(problem.detail);
    if (status === 401) t.regex(response.headers.get('www-authenticate') ?? '', /^Bearer realm="herald"/);
    else t.is(response.headers.get('www-authenticate'), null);
  });
}

test('an expired JWT within the clock tolerance still passes', async (t) => {
  const token = await hs256({ sub: 'acme' }, { exp: Math.floor(NOW / 1000) - 10 });
  t.is((await harness().get({ Authorization: `Bearer ${token}` })).status, 200);
});

test('JWTs are refused when no JWT key is configured', async (t) => {
  const response = await harness({ verifyJwt: null }).get({
    Authorization: `Bearer ${await hs256({ sub: 'acme' })}`,
  });
  t.is(response.status, 401);
  t.regex(((await response.json()) as { detail: string }).detail, /not enabled/);
});

test('with only an RS256 key, an HS256 token is refused (no algorithm confusion)', async (t) => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const verifyJwt = createJwtVerifier({
    hs256Secret: null,
    rs256PublicKey: publicKey,
    issuer: 'https://idp.test',
    audience: 'herald',
  });
  const outcome = await verifyJwt(await hs256({ sub: 'acme' }), NOW);
  t.false(outcome.ok);
});
