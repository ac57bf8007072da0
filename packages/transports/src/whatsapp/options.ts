/** How to reach one WhatsApp Business phone number. Wiring credentials to it is the caller's job. */
export interface WhatsAppTransportOptions {
  /** A system-user or app access token with whatsapp_business_messaging. */
  accessToken: string;
  /** The Graph id of the sending business phone number (not the number itself). */
  phoneNumberId: string;
  /** Defaults to https://graph.facebook.com; point it at the simulator in development. */
  baseUrl?: string;
  /** Graph API version, `vNN.N`; defaults to DEFAULT_WHATSAPP_API_VERSION. */
  apiVersion?: string;
  /** Whole-request budget: connect, send, headers and body. */
  timeoutMs: number;
  /** Keep-alive connections to the API host; defaults to 10. */
  connections?: number;
}

/** Options after validation, with defaults applied. */
export interface ResolvedWhatsAppOptions {
  accessToken: string;
  origin: string;
  messagesPath: string;
  timeoutMs: number;
  connections: number;
}

/** The Graph API version used when none is configured. */
export const DEFAULT_WHATSAPP_API_VERSION = 'v23.0';
const DEFAULT_BASE_URL = 'https://graph.facebook.com';
const DEFAULT_CONNECTIONS = 10;

/** Validates once at construction; throws a TypeError naming the bad option. */
export function resolveWhatsAppOptions(options: WhatsAppTransportOptions): ResolvedWhatsAppOptions {
  const base = parseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const apiVersion = options.apiVersion ?? DEFAULT_WHATSAPP_API_VERSION;
  if (!/^v\d+\.\d+$/.test(apiVersion)) {
    throw new TypeError(`WhatsAppTransport: option 'apiVersion' must look like v23.0, got ${apiVersion}`);
  }
  const phoneNumberId = requireText(options.phoneNumberId, 'phoneNumberId');
  if (!/^\d+$/.test(phoneNumberId)) {
    throw new TypeError(
      `WhatsAppTransport: option 'phoneNumberId' must be the numeric Graph id, got ${phoneNumberId}`,
    );
  }
  return {
    accessToken: requireText(options.accessToken, 'accessToken'),
    origin: base.origin,
    // A base path (a proxy prefix) is kept; the trailing slash is not, to avoid '//'.
    messagesPath: `${base.pathname.replace(/\/+$/, '')}/${apiVersion}/${phoneNumberId}/messages`,
    timeoutMs: requirePositiveInteger(options.timeoutMs, 'timeoutMs'),
    connections: requirePositiveInteger(options.connections ?? DEFAULT_CONNECTIONS, 'connections'),
  };
}

function requireText(value: string, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`WhatsAppTransport: option '${name}' must be a non-empty string`);
  }
  return value;
}

function requirePositiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(
      `WhatsAppTransport: option '${name}' must be a positive integer, got ${String(value)}`,
    );
  }
  return value;
}

function parseBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`WhatsAppTransport: option 'baseUrl' is not a URL: ${value}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new TypeError(
      `WhatsAppTransport: option 'baseUrl' must be an http(s) URL without query or fragment: ${value}`,
    );
  }
  return url;
}
