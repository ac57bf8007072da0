import test from 'ava';
import { Hono } from 'hono';
import { adminAuth } from '../src/auth/admin-auth.js';
import { renderProblem, toProblem } from '../src/problems.js';

const TOKEN = 'hadm_the-admin-token-0123456789';

function app(token: string | undefined) {
  const app = new Hono();
  app.onError((error, c) => renderProblem(c, toProblem(error)));
  app.use('*', adminAuth({ token }));
  app.get('/tenants', (c) => c.json({ data: [] }));
  return app;
}

const cases: [string, string | undefined, Record<string, string>, number, string | null][] = [
  ['the admin token', TOKEN, { Authorization: `Bearer ${TOKEN}` }, 200, null],
  ['no credential', TOKEN, {}, 401, 'unauthenticated'],
  ['a wrong token', TOKEN, { Authorization: 'Bearer hk_a-tenant-api-key' }, 403, 'forbidden'],
  ['a prefix of the token', TOKEN, { Authorization: `Bearer ${TOKEN.slice(0, -1)}` }, 403, 'forbidden'],
  ['the token in another scheme', TOKEN, { Authorization: `Basic ${TOKEN}` }, 401, 'unauthenticated'],
  [
    'anything when no token is configured',
    undefined,
    { Authorization: `Bearer ${TOKEN}` },
    503,
    'admin_disabled',
  ],
];

for (const [name, configured, headers, status, code] of cases) {
  test(`admin API with ${name}: ${status}`, async (t) => {
    const response = await app(configured).request('/tenants', { headers });
    t.is(response.status, status);
    if (code === null) return;
    t.is(response.headers.get('content-type'), 'application/problem+json');
    t.is(((await response.json()) as { code: string }).code, code);
    if (status === 401) t.regex(response.headers.get('www-authenticate') ?? '', /^Bearer /);
  });
}
