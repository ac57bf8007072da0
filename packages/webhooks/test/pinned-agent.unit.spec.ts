import test from 'ava';
import { createServer } from 'node:http';
import { request } from 'undici';
import type { buildConnector } from 'undici';
import {
  checkUrl,
  outcomeOf,
  parseAllowList,
  pinnedAgent,
  pinnedConnector,
  SsrfError,
} from '../src/index.js';
import type { CheckedUrl, Lookup } from '../src/index.js';

/** A local receiver on 127.0.0.1 that records the Host header of every request. */
async function startReceiver(
  respond: (path: string) => { status: number; headers?: Record<string, string> },
) {
  const hosts: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    hosts.push(req.headers.host);
    const { status, headers } = respond(req.url ?? '/');
    res.writeHead(status, headers).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the receiver has no TCP port');
  const { port } = address;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, hosts, close };
}

/** Checks a URL whose host name only our injected resolver knows. */
async function checked(url: string, addresses: string[], allow: string[]): Promise<CheckedUrl> {
  const lookup: Lookup = async () => addresses.map((address) => ({ address, family: 4 }));
  const check = await checkUrl(url, { lookup, allow: parseAllowList(allow) });
  if (!check.ok) throw check.error;
  return check.value;
}

test('the pinned agent connects to the checked address and keeps the URL host in Host', async (t) => {
  const receiver = await startReceiver(() => ({ status: 204 }));
  const url = `http://hooks.example.test:${receiver.port}/`;
  const agent = pinnedAgent(await checked(url, ['127.0.0.1'], ['127.0.0.1/32']));
  try {
    const response = await request(url, { method: 'POST', body: '{}', dispatcher: agent });
    await response.body.dump();
    t.is(response.statusCode, 204);
    t.deepEqual(receiver.hosts, [`hooks.example.test:${receiver.port}`]);
  } finally {
    await agent.close();
    await receiver.close();
  }
});

test('an address that refuses the connection gives way to the next checked one', async (t) => {
  const receiver = await startReceiver(() => ({ status: 200 }));
  const url = `http://hooks.example.test:${receiver.port}/`;
  // Nothing listens on 127.0.0.2 at that port, so the first dial is refused.
  const agent = pinnedAgent(await checked(url, ['127.0.0.2', '127.0.0.1'], ['127.0.0.0/8']));
  try {
    const response = await request(url, { dispatcher: agent });
    await response.body.dump();
    t.is(response.statusCode, 200);
    t.is(receiver.hosts.length, 1);
  } finally {
    await agent.close();
    await receiver.close();
  }
});

test('a redirect is not followed and counts as a failed attempt', async (t) => {
  const receiver = await startReceiver((path) =>
    path === '/'
      ? { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } }
      : { status: 200 },
  );
  const url = `http://hooks.example.test:${receiver.port}/`;
  const agent = pinnedAgent(await checked(url, ['127.0.0.1'], ['127.0.0.1/32']));
  try {
    const response = await request(url, { dispatcher: agent });
    await response.body.dump();
    t.is(response.statusCode, 302);
    t.is(outcomeOf(response.statusCode), 'retry');
    t.is(receiver.hosts.length, 1);
  } finally {
    await agent.close();
    await receiver.close();
  }
});

test('the pinned agent refuses to carry requests for any other host', async (t) => {
  const receiver = await startReceiver(() => ({ status: 200 }));
  const agent = pinnedAgent(
    await checked(`http://hooks.example.test:${receiver.port}/`, ['127.0.0.1'], ['127.0.0.1/32']),
  );
  try {
    const error = await t.throwsAsync(
      request(`http://other.example.test:${receiver.port}/`, { dispatcher: agent }),
      {
        instanceOf: SsrfError,
      },
    );
    t.is(error?.code, 'host_not_pinned');
    t.is(receiver.hosts.length, 0);
  } finally {
    await agent.close();
    await receiver.close();
  }
});

test('over TLS the connector dials the checked address with the host name as server name', async (t) => {
  const dialled: buildConnector.Options[] = [];
  const fake: buildConnector.connector = (options, callback) => {
    dialled.push(options);
    callback(new Error('not dialling in a unit test'), null);
  };
  const connect = (target: CheckedUrl, hostname: string) =>
    new Promise<void>((resolve) =>
      pinnedConnector(target, fake)(
        { hostname, host: `${hostname}:443`, protocol: 'https:', port: '443' },
        () => resolve(),
      ),
    );
  await connect(await checked('https://hooks.example.test/', ['93.184.215.14'], []), 'hooks.example.test');
  await connect(await checked('https://93.184.215.14/', [], []), '93.184.215.14');
  t.like(dialled[0], { hostname: '93.184.215.14', servername: 'hooks.example.test', protocol: 'https:' });
  t.like(dialled[1], { hostname: '93.184.215.14', servername: undefined });
});
