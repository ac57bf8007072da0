import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { activeTraceFields } from './trace-context.js';

export type { Logger };

/** Field names that hold credentials or message content, wherever they appear in a line. */
const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'apiKey',
  'api_key',
  'x-api-key',
  'token',
  'authToken',
  'accessToken',
  'botToken',
  'adminToken',
  'password',
  'secret',
  'secrets',
  'previousSecret',
  'signingSecret',
  'appSecret',
  // Message bodies: never logged on purpose; redacted should one slip into a line.
  'text',
];

/** Configuration keys that hold secrets, should a configuration object be logged. */
const SECRET_CONFIG = [
  'HERALD_ADMIN_TOKEN',
  'HERALD_CALLBACK_SIGNING_SECRET',
  'HERALD_DEMO_API_KEY',
  'HERALD_JWT_HS256_SECRET',
  'HERALD_SMPP_PASSWORD',
  'HERALD_TELEGRAM_BOT_TOKEN',
  'HERALD_TWILIO_AUTH_TOKEN',
  'HERALD_WHATSAPP_ACCESS_TOKEN',
  'HERALD_WHATSAPP_APP_SECRET',
];

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`);

/** Every secret field at the top of a line and one level down, plus request headers and config. */
export const REDACTED_PATHS: readonly string[] = [
  ...SECRET_FIELDS.flatMap((name) => [key(name).replace(/^\./, ''), `*${key(name)}`]),
  ...['authorization', 'x-api-key', 'cookie'].flatMap((name) => [
    `headers${key(name)}`,
    `req.headers${key(name)}`,
  ]),
  ...SECRET_CONFIG.map((name) => `config.${name}`),
];

/**
 * Structured JSON logger for one service. Lines written inside a span carry its `trace_id` and
 * `span_id`, so a message's journey can be followed across services by one id. Secrets and message
 * bodies never reach the output: known fields are redacted wherever they appear. Lines go to
 * stdout, or to `destination` (tests read them back).
 */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  const options = {
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: activeTraceFields,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
