// One attempt against real local servers: what is sent, what is kept of the answer, and what the
// SSRF guard in front of it refuses (without a single packet to the refused address).
import test from 'ava';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultAllowList, parseAllowList } from '@herald/webhooks';
import type { Lookup } from '@herald/webhooks';
import { Stopper, attemptDelivery } from '../src/attempt.js';
import type { AttemptInput } from '../src/attempt.js';
import { Destinations } from '../src/destinations.js';
import { newSecret, verifies } from './support/standard-webhooks.js';

interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
}

async function serve(
  handler: (seen: Seen, respond: (status: number, body?: string) => void) => void,
): Promise<{ url: string; port: number; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const entry = { headers: request.headers, body };
      seen.push(entry);
      handler(entry, (status, text = '') => {
        response.writeHead(status);
        response.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, port, seen, server };
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

function input(url: string, overrides: Partial<AttemptInput> = {}): AttemptInput {
  return {
    url,
    webhookId: 'msg_0123',
    payload: '{"type":"message.sent"}',
    secrets: [newSecret()],
    headers: {},
    destinations: new Destinations({ allow: defaultAllowList('test'), ttlMs: 60_000 }),
    timeoutMs: 2000,
    stop: new Stopper(),
    ...overrides,
  };
}

test('the request is signed; custom headers cannot replace the signature', async (t) => {
  const target = await serve((_seen, respond) => respond(200, 'thanks'));
  t.teardown(() => close(target.server));
  const secret = newSecret();
  const result = await attemptDelivery(
    input(target.url, {
      secrets: [secret],
      headers: { 'Webhook-Signature': 'v1,forged', Authorization: 'Bearer tenant-token' },
    }),
  );
  t.like(result, { result: 200, statusCode: 200, error: null, responseExcerpt: 'thanks' });
  const [request] = target.seen;
  if (request === undefined) return t.fail();
  t.is(request.headers.authorization, 'Bearer tenant-token');
  t.is(request.headers['webhook-id'], 'msg_0123');
  t.true(verifies(request.headers, request.body, secret));
});

test('the attempt log keeps the first KB of the answer', async (t) => {
  const target = await serve((_seen, respond) => respond(500, 'x'.repeat(5000)));
  t.teardown(() => close(target.server));
  const result = await attemptDelivery(input(target.url));
  if (result === 'aborted') return t.fail();
  t.is(result.responseExcerpt?.length, 1024);
  t.is(result.error, 'HTTP 500');
});

test('no complete answer within the timeout is a timeout', async (t) => {
  const target = await serve((_seen, respond) => setTimeout(() => respond(200), 1500));
  t.teardown(() => close(target.server));
  const result = await attemptDelivery(input(target.url, { timeoutMs: 200 }));
  t.like(result, { result: 'timeout', statusCode: null });
  if (result === 'aborted') return;
  t.true(result.latencyMs >= 190 && result.latencyMs < 1400, `${result.latencyMs} ms`);
});

test('a refused connection is a network failure; a stopped worker’s attempt is aborted', async (t) => {
  const target = await serve((_seen, respond) => setTimeout(() => respond(200), 1000));
  const url = target.url;
  await close(target.server);
  const refused = await attemptDelivery(input(url));
  t.like(refused, { result: 'network', statusCode: null });
  if (refused !== 'aborted') t.regex(refused.error ?? '', /^network: .*ECONNREFUSED/);

  const slow = await serve((_seen, respond) => setTimeout(() => respond(200), 1000));
  t.teardown(() => close(slow.server));
  const stop = new Stopper();
  setTimeout(() => stop.stop(), 100);
  t.is(await attemptDelivery(input(slow.url, { stop })), 'aborted');
});

test('a private destination outside the allowlist is refused before any connection', async (t) => {
  const target = await serve((_seen, respond) => respond(200));
  t.teardown(() => close(target.server));
  const production = new Destinations({ allow: defaultAllowList('production'), ttlMs: 60_000 });
  const result = await attemptDelivery(input(target.url, { destinations: production }));
  t.like(result, { result: 'network', statusCode: null });
  if (result !== 'aborted')
    t.regex(result.error ?? '', /^address_not_allowed: 127\.0\.0\.1 is in 127\.0\.0\.0\/8 \(loopback\)/);
  t.is(target.seen.length, 0);
});

test('the host is checked again once the check expires: a name moved to a private address is refused', async (t) => {
  const target = await serve((_seen, respond) => respond(204));
  t.teardown(() => close(target.server));
  let answer = '127.0.0.1';
  const lookup: Lookup = async () => [{ address: answer, family: 4 }];
  let now = Date.now();
  const destinations = new Destinations({
    allow: parseAllowList(['127.0.0.0/8']),
    ttlMs: 60_000,
    lookup,
    now: () => now,
  });
  const url = `http://hooks.test:${target.port}/hook`;
  t.like(await attemptDelivery(input(url, { destinations })), { statusCode: 204 });
  t.is(target.seen[0]?.headers.host, `hooks.test:${target.port}`, 'the Host header keeps the name');
  answer = '10.1.2.3';
  t.like(await attemptDelivery(input(url, { destinations })), { statusCode: 204 }, 'the check still holds');
  now += 60_000;
  const refused = await attemptDelivery(input(url, { destinations }));
  if (refused === 'aborted') return t.fail();
  t.regex(refused.error ?? '', /^address_not_allowed: 10\.1\.2\.3 is in 10\.0\.0\.0\/8/);
  t.is(target.seen.length, 2);
  await destinations.close();
});
