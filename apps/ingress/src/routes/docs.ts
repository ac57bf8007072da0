import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { ApiInfo, ApiOperation } from '../openapi.js';
import { buildOpenApiDocument } from '../openapi.js';
import { Problem } from '../problems.js';

// Served from node_modules so the page works without internet access.
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Herald API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

/** `GET /openapi.json` (built once from the operations) and the `GET /docs` page that renders it. */
export function docsRoutes(info: ApiInfo, operations: readonly ApiOperation[]) {
  const app = new Hono();
  let document: string | undefined;
  const assets = new Map<string, Buffer>();

  app.get('/openapi.json', (c) => {
    document ??= JSON.stringify(buildOpenApiDocument(info, operations));
    return c.body(document, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
  app.get('/docs', (c) => c.html(PAGE));
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const headers = { 'Cache-Control': 'public, max-age=86400' };
    if (file === 'init.js')
      return c.body(INIT, 200, { ...headers, 'Content-Type': ASSETS['swagger-ui-bundle.js'] ?? '' });
    const type = ASSETS[file];
    if (type === undefined) throw new Problem(404, 'not_found', 'Not found', `No asset ${file}.`);
    let content = assets.get(file);
    if (!content) assets.set(file, (content = await readFile(join(SWAGGER_UI_DIR, file))));
    return c.body(new Uint8Array(content), 200, { ...headers, 'Content-Type': type });
  });
  return app;
}
