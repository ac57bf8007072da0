/** The few logging calls the transport makes; pino's argument order, so a pino logger fits. */
export interface SmppLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** How to reach and bind to one SMSC. Wiring credentials to it is the caller's job. */
export interface SmppTransportOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  /** Default originator; a message's own `from` wins. */
  sourceAddr?: string;
  /** Most submit_sm awaiting their response at once; defaults to 10. */
  window?: number;
  /** Keep-alive period while bound; defaults to 30 s. */
  enquireLinkMs?: number;
  /** Budget of one send(): waiting for the bind and a window slot, and every part's response. */
  timeoutMs: number;
  /** First re-bind delay after a failure; doubles up to reconnectMaxMs. Defaults to 500 ms. */
  reconnectBaseMs?: number;
  /** Defaults to 30 s. */
  reconnectMaxMs?: number;
  logger?: SmppLogger;
  /** Stamps StatusUpdate.occurredAt; defaults to Date.now. */
  now?: () => number;
}

/** Options after validation, with defaults applied. */
export interface ResolvedSmppOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  sourceAddr: string | null;
  window: number;
  enquireLinkMs: number;
  timeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  logger: SmppLogger;
  now: () => number;
}

const silent: SmppLogger = { info: () => undefined, warn: () => undefined };

/** Validates once at construction; throws a TypeError naming the bad option. */
export function resolveSmppOptions(options: SmppTransportOptions): ResolvedSmppOptions {
  return {
    host: requireText(options.host, 'host'),
    port: requireInteger(options.port, 'port', 1, 65_535),
    // SMPP 3.4 caps system_id at 15 octets (5.2.1). The password's 8-octet cap is not enforced:
    // several SMSCs accept longer ones, and the SMSC is the one to refuse with ESME_RINVPASWD.
    systemId: requireText(options.systemId, 'systemId', 15),
    password: requireText(options.password, 'password'),
    systemType: options.systemType === undefined ? '' : requireText(options.systemType, 'systemType', 12),
    sourceAddr: options.sourceAddr === undefined ? null : requireText(options.sourceAddr, 'sourceAddr', 20),
    window: requireInteger(options.window ?? 10, 'window', 1, 1_000),
    enquireLinkMs: requireInteger(options.enquireLinkMs ?? 30_000, 'enquireLinkMs', 1, 3_600_000),
    timeoutMs: requireInteger(options.timeoutMs, 'timeoutMs', 1, 3_600_000),
    reconnectBaseMs: requireInteger(options.reconnectBaseMs ?? 500, 'reconnectBaseMs', 1, 3_600_000),
    reconnectMaxMs: requireInteger(options.reconnectMaxMs ?? 30_000, 'reconnectMaxMs', 1, 3_600_000),
    logger: options.logger ?? silent,
    now: options.now ?? Date.now,
  };
}

function requireText(value: string, name: string, maxLength = Number.MAX_SAFE_INTEGER): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > maxLength) {
    throw new TypeError(
      `SmppTransport: option '${name}' must be a non-empty string of at most ${maxLength} characters`,
    );
  }
  return value;
}

function requireInteger(value: number, name: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(
      `SmppTransport: option '${name}' must be an integer between ${min} and ${max}, got ${String(value)}`,
    );
  }
  return value;
}
