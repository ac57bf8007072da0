import test from 'ava';
import { validate } from '@readme/openapi-parser';
import { API_OPERATIONS } from '../src/api-catalog.js';
import { openApiPath } from '../src/openapi.js';
import { sendMessageBody } from '../src/schemas.js';
import { offlineIngressApp } from './support/offline-app.js';

const app = offlineIngressApp();

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security: unknown[] }>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; additionalProperties?: boolean }>;
  };
}

async function fetchDocument(): Promise<Document> {
  const response = await app.request('/openapi.json');
  if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
  return (await response.json()) as Document;
}

// Middleware registrations show up as method ALL; the docs assets are the page's own files.
const routes = () =>
  app.routes
    .filter((route) => route.method !== 'ALL' && !route.path.startsWith('/docs/assets'))
    .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`);

test('the document is valid OpenAPI 3.1', async (t) => {
  const document = await fetchDocument();
  t.is(document.openapi, '3.1.0');
  const parsed: unknown = JSON.parse(JSON.stringify(document));
  const result = await validate(parsed as Parameters<typeof validate>[0]);
  t.true(result.valid, JSON.stringify('errors' in result ? result.errors : []));
  t.is(result.specification, 'OpenAPI');
});

test('every route the app serves is documented, and nothing else is', async (t) => {
  const document = await fetchDocument();
  const documented = new Set(
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    ),
  );
  const served = new Set(routes());
  t.deepEqual(
    [...served].filter((route) => !documented.has(route)),
    [],
    'served but not documented',
  );
  t.deepEqual(
    [...documented].filter((route) => !served.has(route)),
    [],
    'documented but not served',
  );
});

test('request bodies come from the zod schemas that validate them', async (t) => {
  const { components } = await fetchDocument();
  const send = components.schemas.SendMessageRequest;
  t.deepEqual(Object.keys(send?.properties ?? {}).sort(), Object.keys(sendMessageBody.shape).sort());
  t.false(send?.additionalProperties, 'unknown fields are refused, and the document says so');
  t.like(send?.properties?.validity_seconds, {
    anyOf: [{ type: 'integer', minimum: 60, maximum: 259_200 }, { type: 'null' }],
  });
});

test('every operation documents its errors as problem details and its security', async (t) => {
  const { paths } = await fetchDocument();
  for (const operation of API_OPERATIONS) {
    const documented = paths[openApiPath(operation.path)]?.[operation.method];
    t.truthy(documented, `${operation.method} ${operation.path}`);
    if (operation.auth === 'tenant') {
      t.truthy(documented?.responses['401'], `${operation.operationId} documents 401`);
      t.true((documented?.security.length ?? 0) > 0, `${operation.operationId} names its security`);
    }
  }
});

test('/docs renders the document with assets served locally', async (t) => {
  const page = await app.request('/docs');
  t.is(page.status, 200);
  t.regex(page.headers.get('content-type') ?? '', /^text\/html/);
  const html = await page.text();
  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
  t.true(assets.length >= 3, 'stylesheet, bundle and initialiser');
  for (const asset of assets) {
    t.true(asset.startsWith('/docs/assets/'), `${asset} is served by Herald, not a CDN`);
    const response = await app.request(asset);
    t.is(response.status, 200, asset);
    t.true((await response.arrayBuffer()).byteLength > 0, asset);
  }
  const init = await (await app.request('/docs/assets/init.js')).text();
  t.true(init.includes("'/openapi.json'"), 'the page loads this document');
  t.is((await app.request('/docs/assets/..%2Fpackage.json')).status, 404);
});
