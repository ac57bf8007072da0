import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logger for one service. Secrets never reach the output: known secret-bearing
 * fields are redacted wherever they appear.
 */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        '*.authorization',
        '*.Authorization',
        '*.apiKey',
        '*.api_key',
        '*.authToken',
        '*.password',
        '*.secret',
        'headers.authorization',
        'req.headers.authorization',
        'config.HERALD_ADMIN_TOKEN',
        'config.HERALD_TWILIO_AUTH_TOKEN',
        'config.HERALD_DEMO_API_KEY',
      ],
      censor: '[redacted]',
    },
  });
}
