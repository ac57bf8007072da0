import { promises as dns } from 'node:dns';
import { cidrContains, formatIp, ipv4, parseCidr, parseIp } from './ip-address.js';
import type { Cidr, IpAddress } from './ip-address.js';

/**
 * The SSRF guard: a webhook URL is delivered to only when it is http(s), carries no credentials,
 * and EVERY address its host resolves to is public (or explicitly allowed). The dispatcher then
 * connects to exactly those addresses (see pinned-agent.ts), so a second DNS answer cannot
 * point the connection somewhere else.
 */

/** Stable codes for why a URL was refused. */
export type SsrfErrorCode =
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'credentials_in_url'
  | 'address_not_allowed'
  | 'dns_failed'
  | 'host_not_pinned';

/** Why a webhook URL may not be called; `canRetry` is true only for DNS failures. */
export class SsrfError extends Error {
  readonly canRetry: boolean;
  constructor(
    readonly code: SsrfErrorCode,
    message: string,
    /** For `address_not_allowed`: the refused address and the range it lies in. */
    readonly refused?: { readonly address: string; readonly range: string; readonly reason: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SsrfError';
    this.canRetry = code === 'dns_failed';
  }
}

/** One resolved address, in the shape `dns.lookup` gives it. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to all its addresses; `dns.promises.lookup` fits. */
export type Lookup = (hostname: string, options: { all: true }) => Promise<ResolvedAddress[]>;

/** Addresses and host names that may be called even though they are not public. */
export interface AllowList {
  readonly cidrs: readonly Cidr[];
  /** Lower-case host names, without a trailing dot. */
  readonly hosts: ReadonlySet<string>;
}

/** A URL that passed the guard, with the addresses the connection must go to. */
export interface CheckedUrl {
  readonly url: URL;
  /** The URL's host without IPv6 brackets: the name for Host and TLS SNI. */
  readonly hostname: string;
  /** Every address the host resolved to, in resolver order, all of them allowed. */
  readonly addresses: readonly ResolvedAddress[];
}

/** The guard's answer: the checked URL, or the reason it was refused. */
export type UrlCheck =
  { readonly ok: true; readonly value: CheckedUrl } | { readonly ok: false; readonly error: SsrfError };

/** Options of `checkUrl`. */
export interface CheckUrlOptions {
  /** Resolver; `dns.promises.lookup` with `all: true` by default. */
  readonly lookup?: Lookup;
  /** What may be called although private; nothing by default. */
  readonly allow?: AllowList;
}

interface BlockedRange {
  readonly cidr: Cidr;
  readonly reason: string;
  /** For ranges that carry an IPv4 address inside: where it sits, to check it instead. */
  readonly embedded?: (value: bigint) => bigint;
}

/** Raised at start-up when an allowlist entry is neither a CIDR/address nor a host name. */
export class AllowListError extends Error {
  readonly code = 'invalid_allow_list';
  constructor(readonly entry: string) {
    super(`webhook allowlist entry "${entry}" is neither an IP address, a CIDR block nor a host name`);
    this.name = 'AllowListError';
  }
}

const EMPTY_ALLOW_LIST: AllowList = { cidrs: [], hosts: new Set() };
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/;

/** An allowlist from configuration entries (CIDRs, addresses, host names); throws AllowListError. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const cidrs: Cidr[] = [];
  const hosts = new Set<string>();
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    const host = normalizeHost(entry);
    if (cidr !== null) cidrs.push(cidr);
    else if (HOST_NAME.test(host)) hosts.add(host);
    else throw new AllowListError(entry);
  }
  return { cidrs, hosts };
}

/** The allowlist when none is configured: loopback outside production, nothing in production. */
export function defaultAllowList(nodeEnv: 'development' | 'production' | 'test'): AllowList {
  return nodeEnv === 'production' ? EMPTY_ALLOW_LIST : parseAllowList(['127.0.0.0/8', '::1/128']);
}

/**
 * Checks a webhook URL and resolves its host. Refusals come back as values with a stable code;
 * literal IPs (WHATWG URL has already turned `2130706433` or `0x7f.1` into `127.0.0.1`) are
 * checked like resolved ones.
 */
export async function checkUrl(input: string | URL, options: CheckUrlOptions = {}): Promise<UrlCheck> {
  const parsed = parseUrl(input);
  if (!parsed.ok) return parsed;
  const url = parsed.value;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const resolved = await resolve(hostname, options.lookup ?? dns.lookup);
  if (!resolved.ok) return resolved;
  const allow = options.allow ?? EMPTY_ALLOW_LIST;
  if (!allow.hosts.has(normalizeHost(hostname))) {
    for (const { address } of resolved.value) {
      const error = refusal(address, allow);
      if (error !== null) return { ok: false, error };
    }
  }
  return { ok: true, value: { url, hostname, addresses: resolved.value } };
}

function parseUrl(input: string | URL): { ok: true; value: URL } | { ok: false; error: SsrfError } {
  let url: URL;
  try {
    url = new URL(input);
  } catch (cause) {
    return {
      ok: false,
      error: new SsrfError('invalid_url', `"${String(input)}" is not a URL`, undefined, { cause }),
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      error: new SsrfError('scheme_not_allowed', `only http and https are allowed, got ${url.protocol}`),
    };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      error: new SsrfError('credentials_in_url', 'the URL must not carry a user name or password'),
    };
  }
  if (url.hostname === '') return { ok: false, error: new SsrfError('invalid_url', 'the URL has no host') };
  return { ok: true, value: url };
}

async function resolve(
  hostname: string,
  lookup: Lookup,
): Promise<{ ok: true; value: ResolvedAddress[] } | { ok: false; error: SsrfError }> {
  const literal = parseIp(hostname);
  if (literal !== null) return { ok: true, value: [{ address: hostname, family: literal.family }] };
  try {
    const addresses = await lookup(hostname, { all: true });
    if (addresses.length > 0) return { ok: true, value: addresses };
    return { ok: false, error: new SsrfError('dns_failed', `${hostname} resolved to no address`) };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return {
      ok: false,
      error: new SsrfError('dns_failed', `${hostname} could not be resolved: ${reason}`, undefined, {
        cause,
      }),
    };
  }
}

/** Null when the address may be called; otherwise the error naming the range that refuses it. */
function refusal(text: string, allow: AllowList): SsrfError | null {
  const address = parseIp(text);
  if (address === null)
    return new SsrfError('address_not_allowed', `the resolver answered "${text}", not an IP address`);
  if (isAllowed(address, allow)) return null;
  const blocked = blockedRange(address);
  if (blocked === null) return null;
  return new SsrfError(
    'address_not_allowed',
    `${text} is in ${blocked.range} (${blocked.reason}) and is not in the webhook allowlist`,
    { address: text, ...blocked },
  );
}

function isAllowed(address: IpAddress, allow: AllowList): boolean {
  const inner = embeddedIpv4(address);
  return allow.cidrs.some(
    (cidr) => cidrContains(cidr, address) || (inner !== null && cidrContains(cidr, inner)),
  );
}

/** The blocked range the address lies in, looking through IPv4-in-IPv6 forms; null when public. */
function blockedRange(address: IpAddress): { range: string; reason: string } | null {
  const ranges = address.family === 4 ? BLOCKED_IPV4 : BLOCKED_IPV6;
  const range = ranges.find((candidate) => cidrContains(candidate.cidr, address));
  if (range === undefined) return null;
  if (range.embedded === undefined) return { range: range.cidr.text, reason: range.reason };
  const inner = ipv4(range.embedded(address.value));
  const innerRange = blockedRange(inner);
  if (innerRange === null) return null;
  return {
    range: `${range.cidr.text} embedding ${formatIp(inner)} in ${innerRange.range}`,
    reason: innerRange.reason,
  };
}

function embeddedIpv4(address: IpAddress): IpAddress | null {
  if (address.family === 4) return null;
  const range = BLOCKED_IPV6.find(
    (candidate) => candidate.embedded !== undefined && cidrContains(candidate.cidr, address),
  );
  return range?.embedded === undefined ? null : ipv4(range.embedded(address.value));
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

function block(text: string, reason: string, embedded?: (value: bigint) => bigint): BlockedRange {
  const cidr = parseCidr(text);
  if (cidr === null) throw new Error(`bad built-in CIDR ${text}`);
  return embedded === undefined ? { cidr, reason } : { cidr, reason, embedded };
}

const LOW_32_BITS = (value: bigint): bigint => value;

// First match wins, so the narrow, more telling ranges come before the blocks that contain them.
const BLOCKED_IPV4: readonly BlockedRange[] = [
  block('0.0.0.0/8', '"this" network'),
  block('10.0.0.0/8', 'private network'),
  block('100.64.0.0/10', 'carrier-grade NAT'),
  block('127.0.0.0/8', 'loopback'),
  block('169.254.169.254/32', 'cloud metadata service'),
  block('169.254.0.0/16', 'link-local'),
  block('172.16.0.0/12', 'private network'),
  block('192.0.0.0/24', 'IETF protocol assignments'),
  block('192.0.2.0/24', 'documentation (TEST-NET-1)'),
  block('192.168.0.0/16', 'private network'),
  block('198.18.0.0/15', 'benchmarking'),
  block('198.51.100.0/24', 'documentation (TEST-NET-2)'),
  block('203.0.113.0/24', 'documentation (TEST-NET-3)'),
  block('224.0.0.0/4', 'multicast'),
  block('255.255.255.255/32', 'broadcast'),
  block('240.0.0.0/4', 'reserved'),
];

const BLOCKED_IPV6: readonly BlockedRange[] = [
  block('::/128', 'unspecified address'),
  block('::1/128', 'loopback'),
  block('::ffff:0:0/96', 'IPv4-mapped', LOW_32_BITS),
  // Deprecated IPv4-compatible form (::a.b.c.d): no public use, and some stacks still route it.
  block('::/96', 'IPv4-compatible (deprecated)'),
  // NAT64 and 6to4 reach the IPv4 address inside them, so that address decides.
  block('64:ff9b::/96', 'NAT64', LOW_32_BITS),
  block('2002::/16', '6to4', (value) => value >> 80n),
  block('2001:db8::/32', 'documentation'),
  block('fd00:ec2::254/128', 'cloud metadata service'),
  block('fc00::/7', 'unique local'),
  block('fe80::/10', 'link-local'),
  block('fec0::/10', 'site-local (deprecated)'),
  block('ff00::/8', 'multicast'),
];
