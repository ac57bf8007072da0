/** How to reach one Telegram bot. Wiring credentials to it is the caller's job. */
export interface TelegramTransportOptions {
  /** The token @BotFather issued, `123456789:AA...`. */
  botToken: string;
  /** Defaults to https://api.telegram.org; point it at the simulator (or a local Bot API server). */
  baseUrl?: string;
  /** Whole-request budget: connect, send, headers and body. */
  timeoutMs: number;
  /** Keep-alive connections to the API host; defaults to 10. */
  connections?: number;
}

/** Options after validation, with defaults applied. */
export interface ResolvedTelegramOptions {
  origin: string;
  sendMessagePath: string;
  timeoutMs: number;
  connections: number;
}

const DEFAULT_BASE_URL = 'https://api.telegram.org';
const DEFAULT_CONNECTIONS = 10;
// The token is a path segment: digits, a colon, then URL-safe characters only.
const BOT_TOKEN = /^\d+:[A-Za-z0-9_-]+$/;

/** Validates once at construction; throws a TypeError naming the bad option (never echoing the token). */
export function resolveTelegramOptions(options: TelegramTransportOptions): ResolvedTelegramOptions {
  const base = parseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  if (typeof options.botToken !== 'string' || !BOT_TOKEN.test(options.botToken)) {
    throw new TypeError("TelegramTransport: option 'botToken' must look like 123456789:AAbbCC_dd-ee");
  }
  return {
    origin: base.origin,
    // A base path (a proxy prefix) is kept; the trailing slash is not, to avoid '//'.
    sendMessagePath: `${base.pathname.replace(/\/+$/, '')}/bot${options.botToken}/sendMessage`,
    timeoutMs: requirePositiveInteger(options.timeoutMs, 'timeoutMs'),
    connections: requirePositiveInteger(options.connections ?? DEFAULT_CONNECTIONS, 'connections'),
  };
}

function requirePositiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(
      `TelegramTransport: option '${name}' must be a positive integer, got ${String(value)}`,
    );
  }
  return value;
}

function parseBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`TelegramTransport: option 'baseUrl' is not a URL: ${value}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new TypeError(
      `TelegramTransport: option 'baseUrl' must be an http(s) URL without query or fragment: ${value}`,
    );
  }
  return url;
}
