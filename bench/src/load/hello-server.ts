// The hello-world baseline: a Hono POST endpoint on the same server wiring as Herald's ingress
// (@herald/telemetry `listen`, i.e. @hono/node-server), run as its own process like the ingress.
// It parses the JSON body and answers 202 with a small JSON body, and does nothing else.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { listen } from '@herald/telemetry';

const app = new Hono();
app.post('/v1/messages', async (c) => {
  const body = await c.req.json<{ to?: string }>();
  return c.json({ id: randomUUID(), status: 'queued', to: body.to ?? null }, 202);
});

const server = await listen(app, 0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
