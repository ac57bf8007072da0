import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP addresses as integers and CIDR matching, for the SSRF guard.
 *
 * A small matcher instead of `node:net` BlockList: the guard must say WHICH range refused an
 * address (BlockList only answers yes or no), it must look inside IPv4-mapped and NAT64 IPv6
 * addresses explicitly rather than rely on how a given Node version maps families, and allowlist
 * entries need the same parser. Addresses are BigInts, so a prefix match is one shift.
 */

/** An IP address: its family and its value as an unsigned 32- or 128-bit integer. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** A CIDR block: the network address and how many leading bits must match. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
  /** The block as written in canonical form, e.g. `10.0.0.0/8`, for error messages. */
  readonly text: string;
}

const BITS = { 4: 32, 6: 128 } as const;

/** The address in dotted IPv4 or IPv6 text (zone id ignored), or null when it is neither. */
export function parseIp(text: string): IpAddress | null {
  const address = text.replace(/%.*$/, '');
  if (isIPv4(address)) return { family: 4, value: ipv4Value(address) };
  if (isIPv6(address)) return { family: 6, value: ipv6Value(address) };
  return null;
}

/** The block in `address/prefix` form (a bare address is a single-address block), or null. */
export function parseCidr(text: string): Cidr | null {
  const [addressText = '', prefixText, ...rest] = text.trim().split('/');
  const address = parseIp(addressText);
  if (address === null || rest.length > 0) return null;
  const bits = BITS[address.family];
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return null;
  const network = (address.value >> BigInt(bits - prefix)) << BigInt(bits - prefix);
  return {
    family: address.family,
    network,
    prefix,
    text: `${formatIp({ ...address, value: network })}/${prefix}`,
  };
}

/** True when the address lies in the block (families must agree). */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.family !== address.family) return false;
  const shift = BigInt(BITS[cidr.family] - cidr.prefix);
  return address.value >> shift === cidr.network >> shift;
}

/** The address as text: dotted IPv4, or IPv6 in hex groups with the longest zero run as `::`. */
export function formatIp(address: IpAddress): string {
  if (address.family === 4) return groupsOf(address.value, 4, 8n).join('.');
  const groups = groupsOf(address.value, 8, 16n).map((group) => group.toString(16));
  const text = `:${groups.join(':')}:`;
  const zeroRuns = text.match(/(?::0)+:/g) ?? [];
  const longest = zeroRuns.reduce((best, run) => (run.length > best.length ? run : best), '');
  if (longest.length < ':0:0:'.length) return groups.join(':');
  return text.replace(longest, '::').replace(/^:(?!:)|(?<!:):$/g, '');
}

function groupsOf(value: bigint, count: number, width: bigint): bigint[] {
  return Array.from(
    { length: count },
    (_, index) => (value >> (BigInt(count - 1 - index) * width)) & ((1n << width) - 1n),
  );
}

/** An IPv4 address from its 32-bit value. */
export function ipv4(value: bigint): IpAddress {
  return { family: 4, value: value & 0xffff_ffffn };
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

/** Expects text that `isIPv6` accepted: at most one `::`, and an optional dotted IPv4 tail. */
function ipv6Value(text: string): bigint {
  const [head = '', tail] = text.split('::');
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':').flatMap(dottedToGroups));
  const leading = groupsOf(head);
  const trailing = tail === undefined ? [] : groupsOf(tail);
  const zeros: string[] = Array.from({ length: 8 - leading.length - trailing.length }, () => '0');
  return [...leading, ...zeros, ...trailing].reduce(
    (value, group) => (value << 16n) | BigInt(`0x${group}`),
    0n,
  );
}

function dottedToGroups(group: string): string[] {
  if (!group.includes('.')) return [group];
  const value = ipv4Value(group);
  return [(value >> 16n).toString(16), (value & 0xffffn).toString(16)];
}
