import { randomBytes } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import type { CryptoKey } from 'jose';
import { requireServices, startStack, uniqueId, waitFor } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';

const ADMIN_TOKEN = `hadm_${randomBytes(24).toString('base64url')}`;
const HS256_SECRET = randomBytes(32).toString('base64url');
const ISSUER = 'https://idp.herald.test';
const AUDIENCE = 'herald-api';

interface Context {
  stack: TestStack;
  rsaPrivateKey: CryptoKey;
}

const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  const services = await requireServices();
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  t.context.rsaPrivateKey = privateKey;
  t.context.stack = await startStack(services, {
    env: {
      HERALD_ADMIN_TOKEN: ADMIN_TOKEN,
      HERALD_JWT_HS256_SECRET: HS256_SECRET,
      HERALD_JWT_RS256_PUBLIC_KEY: await exportSPKI(publicKey),
      HERALD_JWT_ISSUER: ISSUER,
      HERALD_JWT_AUDIENCE: AUDIENCE,
    },
  });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(
  stack: TestStack,
  method: string,
  path: string,
  credential: string | null,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      ...(credential === null ? {} : { Authorization: `Bearer ${credential}` }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const admin = (stack: TestStack, method: string, path: string, body?: unknown) =>
  call(stack, method, `/v1/admin${path}`, ADMIN_TOKEN, body);

async function newTenant(stack: TestStack, extra: Record<string, unknown> = {}): Promise<string> {
  const id = `acme-${uniqueId()}`;
  const created = await admin(stack, 'POST', '/tenants', { id, name: `Acme ${id}`, ...extra });
  if (created.status !== 201)
    throw new Error(`tenant create: ${created.status} ${JSON.stringify(created.body)}`);
  return id;
}

async function issueKey(
  stack: TestStack,
  tenantId: string,
  name?: string,
): Promise<{ id: string; key: string }> {
  const issued = await admin(
    stack,
    'POST',
    `/tenants/${tenantId}/keys`,
    name === undefined ? undefined : { name },
  );
  if (issued.status !== 201) throw new Error(`key issue: ${issued.status} ${JSON.stringify(issued.body)}`);
  return { id: String(issued.body.id), key: String(issued.body.key) };
}

const me = (stack: TestStack, credential: string | null) => call(stack, 'GET', '/v1/me', credential);

test('admin creates a tenant and two keys; both work; a revoked key is refused at once', async (t) => {
  const { stack } = t.context;
  const id = await newTenant(stack);
  t.is((await admin(stack, 'POST', '/tenants', { id, name: 'again' })).body.code, 'tenant_exists');
  t.like((await admin(stack, 'GET', `/tenants/${id}`)).body, { id, status: 'active', burst: null });
  t.true(((await admin(stack, 'GET', '/tenants')).body.data as { id: string }[]).some((x) => x.id === id));

  const first = await issueKey(stack, id, 'server');
  const second = await issueKey(stack, id);
  t.regex(first.key, /^hk_[A-Za-z0-9_-]{43}$/);
  for (const { key } of [first, second]) t.like((await me(stack, key)).body, { id, status: 'active' });

  const listed = await admin(stack, 'GET', `/tenants/${id}/keys`);
  t.deepEqual(
    (listed.body.data as { id: string; name: string | null }[]).map((k) => [k.id, k.name]),
    [
      [first.id, 'server'],
      [second.id, null],
    ],
  );
  t.false(JSON.stringify(listed.body).includes(first.key.slice(10)), 'no secret in the listing');

  const revoked = await admin(stack, 'DELETE', `/tenants/${id}/keys/${first.id}`);
  t.is(revoked.status, 200);
  t.truthy(revoked.body.revoked_at);
  const refused = await me(stack, first.key);
  t.is(refused.status, 401);
  t.is(refused.body.code, 'unauthenticated');
  t.regex(refused.headers.get('www-authenticate') ?? '', /^Bearer realm="herald"/);
  t.is((await me(stack, second.key)).status, 200);
  t.is((await admin(stack, 'DELETE', `/tenants/${id}/keys/key_unknown`)).status, 404);
  t.is((await admin(stack, 'GET', '/tenants/nobody-here')).status, 404);
});

test('JWTs signed HS256 or RS256 with the right issuer and audience are accepted; others are not', async (t) => {
  const { stack, rsaPrivateKey } = t.context;
  const id = await newTenant(stack);
  const now = Math.floor(Date.now() / 1000);
  const sign = (
    alg: 'HS256' | 'RS256',
    claims: { iss?: string; aud?: string; exp?: number; tenant?: string } = {},
    key: Uint8Array | CryptoKey = alg === 'HS256' ? new TextEncoder().encode(HS256_SECRET) : rsaPrivateKey,
  ) =>
    new SignJWT({ tenant_id: claims.tenant ?? id })
      .setProtectedHeader({ alg })
      .setSubject('user-42')
      .setIssuer(claims.iss ?? ISSUER)
      .setAudience(claims.aud ?? AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(claims.exp ?? now + 300)
      .sign(key);

  for (const alg of ['HS256', 'RS256'] as const) {
    const accepted = await me(stack, await sign(alg));
    t.is(accepted.status, 200, alg);
    t.is(accepted.body.id, id, alg);
  }
  const { privateKey: strangerKey } = await generateKeyPair('RS256');
  const refusals: [string, string][] = [
    ['wrong issuer', await sign('HS256', { iss: 'https://evil.test' })],
    ['wrong audience', await sign('RS256', { aud: 'someone-else' })],
    ['expired', await sign('HS256', { exp: now - 600 })],
    ['bad HS256 signature', await sign('HS256', {}, new TextEncoder().encode('x'.repeat(40)))],
    ['bad RS256 signature', await sign('RS256', {}, strangerKey)],
    ['unknown tenant', await sign('HS256', { tenant: 'no-such-tenant' })],
  ];
  for (const [name, token] of refusals) {
    const refused = await me(stack, token);
    t.is(refused.status, 401, name);
    t.is(refused.body.code, 'unauthenticated', name);
    t.regex(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/, name);
  }
});

test("a tenant cannot read another tenant's message or balance; admin endpoints refuse tenant keys", async (t) => {
  const { stack } = t.context;
  const [a, b] = [await newTenant(stack), await newTenant(stack)];
  const [keyA, keyB] = [(await issueKey(stack, a)).key, (await issueKey(stack, b)).key];
  t.is((await admin(stack, 'POST', `/tenants/${a}/credits`, { amount: 10, reference: 'seed' })).status, 201);

  const sent = await call(stack, 'POST', '/v1/messages', keyA, {
    channel: 'sms',
    to: '+14155550123',
    text: 'for A only',
  });
  t.is(sent.status, 202, JSON.stringify(sent.body));
  const messagePath = `/v1/messages/${String(sent.body.id)}`;
  await waitFor(
    'the message to be readable by its tenant',
    async () => (await call(stack, 'GET', messagePath, keyA)).status === 200,
  );
  const foreign = await call(stack, 'GET', messagePath, keyB);
  t.is(foreign.status, 404);
  t.is(foreign.body.code, 'not_found');

  const seenByB = await me(stack, keyB);
  t.is(seenByB.body.id, b);
  t.like(seenByB.body.balance, { balance_micros: 0 });
  t.not((await me(stack, keyA)).body.balance, undefined);

  for (const [method, path] of [
    ['GET', '/tenants'],
    ['GET', `/tenants/${b}/credits`],
    ['POST', `/tenants/${a}/keys`],
  ] as const) {
    const refused = await call(stack, method, `/v1/admin${path}`, keyA, method === 'POST' ? {} : undefined);
    t.is(refused.status, 403, `${method} ${path}`);
    t.is(refused.body.code, 'forbidden');
  }
  t.is((await call(stack, 'GET', '/v1/admin/tenants', null)).status, 401);
});

test('credits added by the admin show in /v1/me and in the ledger', async (t) => {
  const { stack } = t.context;
  const id = await newTenant(stack);
  const { key } = await issueKey(stack, id);
  t.like((await me(stack, key)).body.balance, { balance: '0', available: '0', available_micros: 0 });

  const added = await admin(stack, 'POST', `/tenants/${id}/credits`, {
    amount: '12.5',
    reference: 'invoice-7',
  });
  t.is(added.status, 201);
  t.like(added.body.entry, {
    kind: 'credits_added',
    amount: '12.5',
    amount_micros: 12_500_000,
    reference: 'invoice-7',
  });
  await admin(stack, 'POST', `/tenants/${id}/credits`, { amount_micros: 500_000 });

  const mine = await me(stack, key);
  t.deepEqual(mine.body.balance, {
    balance: '13',
    held: '0',
    available: '13',
    balance_micros: 13_000_000,
    held_micros: 0,
    available_micros: 13_000_000,
  });
  t.deepEqual(mine.body.rate_limit, { rate_per_second: 100, burst: 200, scope: 'instance' });
  const ledger = await admin(stack, 'GET', `/tenants/${id}/credits`);
  t.deepEqual(
    (ledger.body.entries as { amount_micros: number }[]).map((e) => e.amount_micros),
    [500_000, 12_500_000],
  );
  const refused = await admin(stack, 'POST', `/tenants/${id}/credits`, { amount: '-1' });
  t.is(refused.status, 400);
  t.is(refused.body.code, 'validation_failed');
  t.is((await admin(stack, 'POST', '/tenants/nobody-here/credits', { amount: 1 })).status, 404);
});

test('an empty bucket answers 429 with Retry-After and RateLimit headers', async (t) => {
  const { stack } = t.context;
  const id = await newTenant(stack);
  const { key } = await issueKey(stack, id);
  const patched = await admin(stack, 'PATCH', `/tenants/${id}`, { burst: 2, rate_per_second: 0.2 });
  t.like(patched.body, { burst: 2, rate_per_second: 0.2 });

  const first = await me(stack, key);
  t.is(first.status, 200);
  t.is(first.headers.get('ratelimit-limit'), '2');
  t.is(first.headers.get('ratelimit-remaining'), '1');
  t.regex(first.headers.get('ratelimit-reset') ?? '', /^\d+$/);
  t.is((await me(stack, key)).status, 200);
  const limited = await me(stack, key);
  t.is(limited.status, 429);
  t.is(limited.body.code, 'rate_limited');
  t.is(limited.headers.get('content-type'), 'application/problem+json');
  const retryAfter = Number(limited.headers.get('retry-after'));
  t.true(retryAfter >= 1 && retryAfter <= 5, `Retry-After ${retryAfter}`);
  t.is(limited.headers.get('ratelimit-remaining'), '0');
  // The admin API has no tenant bucket.
  t.is((await admin(stack, 'GET', `/tenants/${id}`)).status, 200);
});

test('a suspended tenant gets 403 tenant_suspended until it is reactivated', async (t) => {
  const { stack } = t.context;
  const id = await newTenant(stack);
  const { key } = await issueKey(stack, id);
  t.is((await admin(stack, 'PATCH', `/tenants/${id}`, { status: 'suspended' })).status, 200);
  const refused = await me(stack, key);
  t.is(refused.status, 403);
  t.is(refused.body.code, 'tenant_suspended');
  await admin(stack, 'PATCH', `/tenants/${id}`, { status: 'active' });
  t.is((await me(stack, key)).status, 200);
});

test('admin bodies are validated: unknown fields, bad slugs and malformed JSON get 400 problems', async (t) => {
  const { stack } = t.context;
  const cases: [unknown, string][] = [
    [{ id: 'Bad Slug', name: 'x' }, 'id'],
    [{ id: `ok-${uniqueId()}`, name: 'x', plan: 'gold' }, '(body)'],
    [{ id: `ok-${uniqueId()}`, name: 'x', burst: 0 }, 'burst'],
  ];
  for (const [body, field] of cases) {
    const refused = await admin(stack, 'POST', '/tenants', body);
    t.is(refused.status, 400, JSON.stringify(body));
    t.is(refused.body.code, 'validation_failed');
    t.true(
      (refused.body.errors as { field: string }[]).some((e) => e.field === field),
      JSON.stringify(refused.body),
    );
  }
  const malformed = await fetch(`${stack.baseUrl}/v1/admin/tenants`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: '{"id":',
  });
  t.is(malformed.status, 400);
  t.is(((await malformed.json()) as { code: string }).code, 'malformed_json');
});
