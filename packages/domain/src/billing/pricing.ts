import { CHANNELS } from '../message/message.js';
import type { Channel } from '../message/message.js';
import { fail, ok } from '../result.js';
import type { DomainError, Result } from '../result.js';

/** Micro-credits in one credit: every amount is an integer number of micro-credits. */
export const MICROS_PER_CREDIT = 1_000_000;

/** A destination-specific price: recipients whose E.164 number starts with `prefix`. */
export interface PrefixPrice {
  /** E.164 digits with or without the leading `+`, e.g. `+44` or `447`. */
  readonly prefix: string;
  /** The channel it applies to; every channel when absent. */
  readonly channel?: Channel;
  /** Micro-credits per part. */
  readonly perPart: number;
}

/** What a message costs: micro-credits per part, by channel, with destination overrides. */
export interface PriceTable {
  readonly perPart: Readonly<Record<Channel, number>>;
  readonly prefixes?: readonly PrefixPrice[];
}

/** Herald's built-in prices: 0.01 credit per SMS part, 0.005 per WhatsApp message, Telegram free. */
export const DEFAULT_PRICE_TABLE: PriceTable = { perPart: { sms: 10_000, whatsapp: 5_000, telegram: 0 } };

/** What to price: the channel, the recipient and the parts it is billed as. */
export interface PricedMessage {
  readonly channel: Channel;
  readonly to: string;
  readonly parts: number;
}

const digitsOf = (address: string) => (address.startsWith('+') ? address.slice(1) : address);

// Longest prefix wins; at equal length a price for this channel beats one for every channel.
function matchingPrice(table: PriceTable, channel: Channel, to: string): PrefixPrice | null {
  const digits = digitsOf(to);
  let best: PrefixPrice | null = null;
  for (const entry of table.prefixes ?? []) {
    if (entry.channel !== undefined && entry.channel !== channel) continue;
    const prefix = digitsOf(entry.prefix);
    if (!digits.startsWith(prefix)) continue;
    const length = prefix.length;
    const bestLength = best === null ? -1 : digitsOf(best.prefix).length;
    if (length > bestLength || (length === bestLength && best?.channel === undefined)) best = entry;
  }
  return best;
}

/** Micro-credits a message costs: parts × the per-part price of its channel and destination. */
export function priceMessage(table: PriceTable, message: PricedMessage): number {
  const perPart =
    matchingPrice(table, message.channel, message.to)?.perPart ?? table.perPart[message.channel];
  return message.parts * perPart;
}

/** Why a price table was refused. */
export type PriceTableError = DomainError<'invalid_price_table'>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isAmount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isChannel = (value: unknown): value is Channel => CHANNELS.some((channel) => channel === value);
const PREFIX = /^\+?[1-9]\d{0,14}$/;

const invalid = (path: string, problem: string) => fail('invalid_price_table', `${path} ${problem}`);

// A misspelt key would silently fall back to a default price, so unknown keys are refused.
function unknownKey(value: Record<string, unknown>, known: readonly string[]): string | undefined {
  return Object.keys(value).find((key) => !known.includes(key));
}

function parsePerPart(value: unknown): Result<Record<Channel, number>, PriceTableError> {
  if (!isRecord(value)) return invalid('perPart', 'must be an object of channel → micro-credits');
  for (const key of Object.keys(value))
    if (!isChannel(key)) return invalid(`perPart.${key}`, `is not a channel (${CHANNELS.join(', ')})`);
  const prices: Partial<Record<Channel, number>> = {};
  for (const channel of CHANNELS) {
    const price = value[channel];
    if (!isAmount(price)) return invalid(`perPart.${channel}`, 'must be a non-negative integer');
    prices[channel] = price;
  }
  return ok(prices as Record<Channel, number>);
}

function parsePrefix(value: unknown, path: string): Result<PrefixPrice, PriceTableError> {
  if (!isRecord(value)) return invalid(path, 'must be an object');
  const extra = unknownKey(value, ['prefix', 'channel', 'perPart']);
  if (extra !== undefined) return invalid(`${path}.${extra}`, 'is not a known key');
  const { prefix, channel, perPart } = value;
  if (typeof prefix !== 'string' || !PREFIX.test(prefix))
    return invalid(`${path}.prefix`, 'must be 1 to 15 E.164 digits, optionally after +');
  if (channel !== undefined && !isChannel(channel))
    return invalid(`${path}.channel`, `must be one of ${CHANNELS.join(', ')}`);
  if (!isAmount(perPart)) return invalid(`${path}.perPart`, 'must be a non-negative integer');
  return ok(channel === undefined ? { prefix, perPart } : { prefix, channel, perPart });
}

function parsePrefixes(value: unknown): Result<PrefixPrice[], PriceTableError> {
  if (!Array.isArray(value)) return invalid('prefixes', 'must be an array');
  const prefixes: PrefixPrice[] = [];
  for (const [index, entry] of value.entries()) {
    const parsed = parsePrefix(entry, `prefixes[${index}]`);
    if (!parsed.ok) return parsed;
    prefixes.push(parsed.value);
  }
  return ok(prefixes);
}

/** Validates a price table read from JSON; the error names the first bad path. */
export function parsePriceTable(json: unknown): Result<PriceTable, PriceTableError> {
  if (!isRecord(json)) return invalid('price table', 'must be an object');
  const extra = unknownKey(json, ['perPart', 'prefixes']);
  if (extra !== undefined) return invalid(extra, 'is not a known key');
  const perPart = parsePerPart(json.perPart);
  if (!perPart.ok) return perPart;
  if (json.prefixes === undefined) return ok({ perPart: perPart.value });
  const prefixes = parsePrefixes(json.prefixes);
  if (!prefixes.ok) return prefixes;
  return ok({ perPart: perPart.value, prefixes: prefixes.value });
}
