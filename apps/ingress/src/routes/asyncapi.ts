import { Hono } from 'hono';
import type { TopicSettings } from '../asyncapi.js';
import { buildAsyncApiDocument } from '../asyncapi.js';

/** `GET /asyncapi.json`: Herald's topics as this deployment configures them, built once. */
export function asyncApiRoutes(settings: TopicSettings) {
  const app = new Hono();
  let document: string | undefined;
  app.get('/asyncapi.json', (c) => {
    document ??= JSON.stringify(buildAsyncApiDocument(settings));
    return c.body(document, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
  return app;
}
