import test from 'ava';
import { checkUrl, defaultAllowList, parseAllowList, AllowListError, SsrfError } from '../src/index.js';
import type { CheckUrlOptions, Lookup, ResolvedAddress, UrlCheck } from '../src/index.js';

/** A resolver that answers every name with the given addresses and records what it was asked. */
function resolvingTo(...addresses: string[]): Lookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { asked });
}

/** Literal IPs must never reach DNS. */
const noDns: Lookup = async (hostname) => {
  throw new Error(`unexpected DNS lookup of ${hostname}`);
};

function refused(check: UrlCheck): SsrfError {
  if (check.ok) throw new Error(`expected a refusal, but ${check.value.url.href} passed`);
  return check.error;
}

const urlFor = (address: string) =>
  address.includes(':') ? `http://[${address}]/hook` : `http://${address}/hook`;

/** [address, the range that must refuse it]: first and last address of every blocked range. */
const BLOCKED: readonly (readonly [string, string])[] = [
  ['0.0.0.0', '0.0.0.0/8'],
  ['0.255.255.255', '0.0.0.0/8'],
  ['10.0.0.0', '10.0.0.0/8'],
  ['10.255.255.255', '10.0.0.0/8'],
  ['100.64.0.0', '100.64.0.0/10'],
  ['100.127.255.255', '100.64.0.0/10'],
  ['127.0.0.1', '127.0.0.0/8'],
  ['127.255.255.255', '127.0.0.0/8'],
  ['169.254.169.254', '169.254.169.254/32'],
  ['169.254.0.0', '169.254.0.0/16'],
  ['169.254.255.255', '169.254.0.0/16'],
  ['172.16.0.0', '172.16.0.0/12'],
  ['172.31.255.255', '172.16.0.0/12'],
  ['192.0.0.0', '192.0.0.0/24'],
  ['192.0.0.255', '192.0.0.0/24'],
  ['192.0.2.0', '192.0.2.0/24'],
  ['192.0.2.255', '192.0.2.0/24'],
  ['192.168.0.0', '192.168.0.0/16'],
  ['192.168.255.255', '192.168.0.0/16'],
  ['198.18.0.0', '198.18.0.0/15'],
  ['198.19.255.255', '198.18.0.0/15'],
  ['198.51.100.0', '198.51.100.0/24'],
  ['198.51.100.255', '198.51.100.0/24'],
  ['203.0.113.0', '203.0.113.0/24'],
  ['203.0.113.255', '203.0.113.0/24'],
  ['224.0.0.0', '224.0.0.0/4'],
  ['239.255.255.255', '224.0.0.0/4'],
  ['240.0.0.0', '240.0.0.0/4'],
  ['255.255.255.254', '240.0.0.0/4'],
  ['255.255.255.255', '255.255.255.255/32'],
  ['::', '::/128'],
  ['::1', '::1/128'],
  ['::a00:1', '::/96'],
  ['::ffff:127.0.0.1', '::ffff:0:0/96 embedding 127.0.0.1 in 127.0.0.0/8'],
  ['::ffff:169.254.169.254', '::ffff:0:0/96 embedding 169.254.169.254 in 169.254.169.254/32'],
  ['64:ff9b::10.0.0.1', '64:ff9b::/96 embedding 10.0.0.1 in 10.0.0.0/8'],
  ['2002:c0a8:101::1', '2002::/16 embedding 192.168.1.1 in 192.168.0.0/16'],
  ['2001:db8::', '2001:db8::/32'],
  ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::/32'],
  ['fd00:ec2::254', 'fd00:ec2::254/128'],
  ['fc00::', 'fc00::/7'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fc00::/7'],
  ['fe80::', 'fe80::/10'],
  ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe80::/10'],
  ['fec0::1', 'fec0::/10'],
  ['ff00::', 'ff00::/8'],
  ['ff02::1', 'ff00::/8'],
];

/** Public neighbours just outside the blocked ranges, and IPv4-in-IPv6 forms of public addresses. */
const PUBLIC = [
  '1.1.1.1',
  '8.8.8.8',
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.0',
  '192.0.3.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '198.51.99.255',
  '198.51.101.0',
  '203.0.112.255',
  '203.0.114.0',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2001:db9::1',
  '::ffff:8.8.8.8',
  '64:ff9b::8.8.8.8',
  '2002:808:808::1',
  'fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];

test('every address of every blocked range is refused, as a URL literal and as a DNS answer', async (t) => {
  for (const [address, range] of BLOCKED) {
    for (const check of [
      await checkUrl(urlFor(address), { lookup: noDns }),
      await checkUrl('https://hooks.example.com/hook', { lookup: resolvingTo(address) }),
    ]) {
      const error = refused(check);
      t.is(error.code, 'address_not_allowed', address);
      t.is(error.refused?.range, range, address);
      t.false(error.canRetry);
    }
  }
});

test('public addresses next to the blocked ranges pass, as literals and as DNS answers', async (t) => {
  for (const address of PUBLIC) {
    const literal = await checkUrl(urlFor(address), { lookup: noDns });
    t.true(literal.ok, address);
    const resolved = await checkUrl('https://hooks.example.com/hook', { lookup: resolvingTo(address) });
    t.true(resolved.ok, address);
  }
});

test('a passing URL comes back with its host name and every resolved address', async (t) => {
  const lookup = resolvingTo('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c');
  const check = await checkUrl('https://Hooks.Example.com:8443/a?b=1', { lookup });
  if (!check.ok) return t.fail(check.error.message);
  t.is(check.value.url.href, 'https://hooks.example.com:8443/a?b=1');
  t.is(check.value.hostname, 'hooks.example.com');
  t.deepEqual(
    check.value.addresses.map(({ address }) => address),
    ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  );
  t.deepEqual(lookup.asked, ['hooks.example.com']);
});

test('a name resolving to a private address is refused with the address and its range', async (t) => {
  const error = refused(await checkUrl('https://hooks.example.com/', { lookup: resolvingTo('10.0.0.5') }));
  t.true(error instanceof SsrfError);
  t.is(error.code, 'address_not_allowed');
  t.deepEqual(error.refused, { address: '10.0.0.5', range: '10.0.0.0/8', reason: 'private network' });
  t.regex(error.message, /10\.0\.0\.5 is in 10\.0\.0\.0\/8 \(private network\)/);
});

test('a name resolving to one public and one private address is refused', async (t) => {
  const error = refused(
    await checkUrl('https://hooks.example.com/', { lookup: resolvingTo('8.8.8.8', '192.168.1.10') }),
  );
  t.is(error.refused?.address, '192.168.1.10');
});

test('alternative IPv4 notations are checked as the address they denote, without DNS', async (t) => {
  for (const url of [
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::ffff:127.0.0.1]/',
  ]) {
    const error = refused(await checkUrl(url, { lookup: noDns }));
    t.is(error.code, 'address_not_allowed', url);
    t.regex(error.refused?.range ?? '', /127\.0\.0\.0\/8$/, url);
  }
  t.is(
    refused(await checkUrl('http://0xa9fea9fe/latest/meta-data', { lookup: noDns })).refused?.address,
    '169.254.169.254',
  );
});

test('only http and https are allowed', async (t) => {
  for (const url of [
    'ftp://example.com/',
    'file:///etc/passwd',
    'gopher://example.com/',
    'javascript:alert(1)',
    'data:text/plain,hi',
    'ws://example.com/',
  ]) {
    t.is(refused(await checkUrl(url, { lookup: noDns })).code, 'scheme_not_allowed', url);
  }
});

test('URLs that do not parse or carry credentials are refused', async (t) => {
  for (const url of ['not a url', 'http://', 'http://[::1/', 'https://exa mple.com/']) {
    t.is(refused(await checkUrl(url, { lookup: noDns })).code, 'invalid_url', url);
  }
  for (const url of [
    'http://user:secret@example.com/',
    'https://user@example.com/',
    'https://:secret@example.com/',
  ]) {
    t.is(refused(await checkUrl(url, { lookup: noDns })).code, 'credentials_in_url', url);
  }
});

test('a failed or empty DNS answer is a retryable dns_failed', async (t) => {
  const failing: Lookup = async () => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.com'), { code: 'ENOTFOUND' });
  };
  const error = refused(await checkUrl('https://hooks.example.com/', { lookup: failing }));
  t.is(error.code, 'dns_failed');
  t.true(error.canRetry);
  t.is(refused(await checkUrl('https://hooks.example.com/', { lookup: resolvingTo() })).code, 'dns_failed');
});

test('an allowlisted CIDR lets its addresses through, and only those', async (t) => {
  const options = (lookup: Lookup): CheckUrlOptions => ({
    lookup,
    allow: parseAllowList(['10.20.0.0/16', 'fd12::/16']),
  });
  t.true((await checkUrl('http://hooks.internal/', options(resolvingTo('10.20.3.4')))).ok);
  t.true((await checkUrl('http://[fd12::5]/', options(noDns))).ok);
  t.true((await checkUrl('http://hooks.internal/', options(resolvingTo('::ffff:10.20.3.4')))).ok);
  t.is(
    refused(await checkUrl('http://hooks.internal/', options(resolvingTo('10.21.0.1')))).refused?.address,
    '10.21.0.1',
  );
  t.is(
    refused(await checkUrl('http://hooks.internal/', options(resolvingTo('10.20.3.4', '169.254.169.254'))))
      .refused?.address,
    '169.254.169.254',
  );
});

test('an allowlisted host name may resolve to private addresses; other names may not', async (t) => {
  const allow = parseAllowList(['Receiver.Internal.']);
  t.true((await checkUrl('http://receiver.internal:8080/', { allow, lookup: resolvingTo('10.0.0.7') })).ok);
  t.true((await checkUrl('http://RECEIVER.internal./', { allow, lookup: resolvingTo('10.0.0.7') })).ok);
  const error = refused(await checkUrl('http://other.internal/', { allow, lookup: resolvingTo('10.0.0.7') }));
  t.is(error.code, 'address_not_allowed');
});

test('the default allowlist admits loopback outside production and nothing in production', async (t) => {
  for (const nodeEnv of ['development', 'test'] as const) {
    const allow = defaultAllowList(nodeEnv);
    t.true((await checkUrl('http://127.0.0.1:3000/', { allow, lookup: noDns })).ok, nodeEnv);
    t.true((await checkUrl('http://[::1]:3000/', { allow, lookup: noDns })).ok, nodeEnv);
    t.true(
      (await checkUrl('http://localhost:3000/', { allow, lookup: resolvingTo('127.0.0.1', '::1') })).ok,
      nodeEnv,
    );
    t.false((await checkUrl('http://10.0.0.1/', { allow, lookup: noDns })).ok, nodeEnv);
    t.false((await checkUrl('http://169.254.169.254/', { allow, lookup: noDns })).ok, nodeEnv);
  }
  const production = defaultAllowList('production');
  t.false((await checkUrl('http://127.0.0.1:3000/', { allow: production, lookup: noDns })).ok);
  t.false((await checkUrl('http://[::1]:3000/', { allow: production, lookup: noDns })).ok);
});

test('allowlist entries that are neither CIDRs nor host names are refused at start-up', (t) => {
  for (const bad of ['10.0.0.0/33', 'http://example.com', '', 'exa mple.com', '10.0.0.0/8/8', '::1/129']) {
    const error = t.throws(() => parseAllowList([bad]), { instanceOf: AllowListError }, bad);
    t.is(error?.entry, bad);
  }
});
