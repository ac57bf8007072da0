/** How to reach one Twilio account. Wiring credentials to it is the caller's job. */
export interface TwilioTransportOptions {
  accountSid: string;
  authToken: string;
  /** Defaults to https://api.twilio.com; point it at the simulator in development. */
  baseUrl?: string;
  /** Default sender; a message's own `from` wins. */
  from?: string;
  /** Sent alongside (or instead of) From, as Twilio allows. */
  messagingServiceSid?: string;
  /** Whole-request budget: connect, send, headers and body. */
  timeoutMs: number;
  /** Keep-alive connections to the API host; defaults to 10. */
  connections?: number;
}

/** Options after validation, with defaults applied. */
export interface ResolvedTwilioOptions {
  accountSid: string;
  authToken: string;
  origin: string;
  messagesPath: string;
  from: string | null;
  messagingServiceSid: string | null;
  timeoutMs: number;
  connections: number;
}

const DEFAULT_BASE_URL = 'https://api.twilio.com';
const DEFAULT_CONNECTIONS = 10;

/** Validates once at construction; throws a TypeError naming the bad option. */
export function resolveTwilioOptions(options: TwilioTransportOptions): ResolvedTwilioOptions {
  const accountSid = requireText(options.accountSid, 'accountSid');
  const base = parseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const from = optionalText(options.from, 'from');
  const messagingServiceSid = optionalText(options.messagingServiceSid, 'messagingServiceSid');
  if (from === null && messagingServiceSid === null) {
    throw new TypeError(
      "TwilioTransport: set option 'from' or 'messagingServiceSid' (Twilio needs a sender)",
    );
  }
  return {
    accountSid,
    authToken: requireText(options.authToken, 'authToken'),
    origin: base.origin,
    // A base path (a proxy prefix) is kept; the trailing slash is not, to avoid '//'.
    messagesPath: `${base.pathname.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
    from,
    messagingServiceSid,
    timeoutMs: requirePositiveInteger(options.timeoutMs, 'timeoutMs'),
    connections: requirePositiveInteger(options.connections ?? DEFAULT_CONNECTIONS, 'connections'),
  };
}

function requireText(value: string, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`TwilioTransport: option '${name}' must be a non-empty string`);
  }
  return value;
}

function optionalText(value: string | undefined, name: string): string | null {
  return value === undefined ? null : requireText(value, name);
}

function requirePositiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`TwilioTransport: option '${name}' must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function parseBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`TwilioTransport: option 'baseUrl' is not a URL: ${value}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new TypeError(
      `TwilioTransport: option 'baseUrl' must be an http(s) URL without query or fragment: ${value}`,
    );
  }
  return url;
}
