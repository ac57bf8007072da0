import test from 'ava';
import { request } from 'node:http';
import { Hono } from 'hono';
import { listen } from '@herald/telemetry';
import { requestBody } from '../src/request-body.js';

const LIMIT = 64;

/** A real Node server (the body is read from the socket stream) echoing what routes read. */
async function server() {
  const app = new Hono();
  app.use(
    requestBody({
      maxBytes: () => LIMIT,
      tooLarge: () => {
        throw new Error('too large');
      },
    }),
  );
  app.onError((error, c) => c.json({ error: error.message }, 413));
  app.post('/json', async (c) => c.json({ json: await c.req.json(), text: await c.req.text() }));
  app.post('/form', async (c) => c.json(await c.req.parseBody()));
  app.get('/none', (c) => c.json({ ok: true }));
  return listen(app, 0, '127.0.0.1');
}

/** Sends `chunks` as the body; chunked unless `length` is given. */
function send(
  port: number,
  path: string,
  chunks: string[],
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

test('a body with a Content-Length reaches every accessor from the cached bytes', async (t) => {
  const { port, close } = await server();
  t.teardown(close);
  const body = JSON.stringify({ to: '+14155550100', text: 'héllo' });
  const answer = await send(port, '/json', [body], {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  t.is(answer.status, 200);
  t.deepEqual(JSON.parse(answer.body), { json: JSON.parse(body), text: body });
});

test('a chunked body is read and counted as it arrives: within the limit it passes, past it 413', async (t) => {
  const { port, close } = await server();
  t.teardown(close);
  const within = await send(port, '/json', ['{"a":', '"b"}'], { 'Content-Type': 'application/json' });
  t.deepEqual(JSON.parse(within.body).json, { a: 'b' });
  const past = await send(port, '/json', ['{"a":"', 'x'.repeat(LIMIT), '"}'], {
    'Content-Type': 'application/json',
  });
  t.is(past.status, 413);
});

test('a declared length over the limit is refused before the body is read; forms and bodiless requests pass', async (t) => {
  const { port, close } = await server();
  t.teardown(close);
  const big = 'x'.repeat(LIMIT + 1);
  const refused = await send(port, '/json', [big], {
    'Content-Type': 'application/json',
    'Content-Length': String(big.length),
  });
  t.is(refused.status, 413);
  const form = 'MessageSid=SM1&MessageStatus=delivered';
  const parsed = await send(port, '/form', [form], {
    'Content-Type': 'application/x-www-form-urlencoded',
    'Content-Length': String(form.length),
  });
  t.deepEqual(JSON.parse(parsed.body), { MessageSid: 'SM1', MessageStatus: 'delivered' });
  const none = await fetch(`http://127.0.0.1:${port}/none`);
  t.is(none.status, 200);
});
