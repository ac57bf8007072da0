import { ConfigError, commonShape, parseEnv, portSchema, z } from '@herald/config';
import {
  DEFAULT_RETRY_SCHEDULE,
  DEVELOPMENT_CALLBACK_SIGNING_SECRET,
  defaultAllowList,
  parseAllowList,
  parseRetrySchedule,
} from '@herald/webhooks';
import type { AllowList } from '@herald/webhooks';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+)(ms|s|m|h|d)?$/;

/** Milliseconds of `300ms`, `5s`, `5m`, `2h`, `1d` or a bare number of milliseconds; null if malformed. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (match === null) return null;
  const unit = (match[2] ?? 'ms') as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[unit];
}

const retrySchedule = z
  .string()
  .transform((value, context) => {
    const delays = value.split(',').map((entry) => ({ entry, ms: parseDuration(entry) }));
    const bad = delays.find((delay) => delay.ms === null);
    if (bad !== undefined) {
      context.addIssue({
        code: 'custom',
        message: `"${bad.entry.trim()}" is not a duration (e.g. 0, 300ms, 5s, 5m, 2h)`,
      });
      return z.NEVER;
    }
    return parseRetrySchedule(delays.map((delay) => delay.ms ?? 0));
  })
  .optional();

// Unset: the default for NODE_ENV; set (even empty): exactly the listed entries.
const allowedHosts = z
  .string()
  .transform((value, context) => {
    try {
      return parseAllowList(
        value
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean),
      );
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  })
  .optional();

/** The dispatcher's settings, checked once at start-up. */
export interface WebhooksConfig extends ReturnType<typeof parseWebhooksEnv> {
  /** Destinations that may be called although private (HERALD_WEBHOOK_ALLOWED_HOSTS). */
  allowList: AllowList;
  retrySchedule: readonly number[];
  /** The master secret of callback_url signatures, and whether it is the public development one. */
  callbackSigningSecret: string;
  callbackSecretIsDevelopment: boolean;
}

function parseWebhooksEnv(env: Record<string, string | undefined>) {
  return parseEnv(
    {
      ...commonShape,
      HERALD_WEBHOOKS_OPS_PORT: portSchema.default(9104),
      HERALD_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300000).default(30000),
      HERALD_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(200),
      HERALD_WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
      HERALD_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
      HERALD_WEBHOOK_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
      HERALD_WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
      HERALD_WEBHOOK_RETRY_SCHEDULE: retrySchedule,
      HERALD_WEBHOOK_DISABLE_AFTER_MS: z.coerce
        .number()
        .int()
        .min(0)
        .default(5 * 86_400_000),
      HERALD_WEBHOOK_ALLOWED_HOSTS: allowedHosts,
      HERALD_CALLBACK_SIGNING_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
    },
    env,
  );
}

/** Dispatcher settings: the common ones, delivery limits, the retry schedule and the SSRF allowlist. */
export function loadWebhooksConfig(env: Record<string, string | undefined> = process.env): WebhooksConfig {
  const parsed = parseWebhooksEnv(env);
  const problems: string[] = [];
  if (parsed.NODE_ENV === 'production' && parsed.HERALD_CALLBACK_SIGNING_SECRET === undefined)
    problems.push('HERALD_CALLBACK_SIGNING_SECRET: required when NODE_ENV=production');
  // An attempt must end (and be recorded) well before its claim could be taken by another worker.
  if (parsed.HERALD_WEBHOOK_LEASE_MS < 2 * parsed.HERALD_WEBHOOK_TIMEOUT_MS)
    problems.push('HERALD_WEBHOOK_LEASE_MS: must be at least twice HERALD_WEBHOOK_TIMEOUT_MS');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...parsed,
    allowList: parsed.HERALD_WEBHOOK_ALLOWED_HOSTS ?? defaultAllowList(parsed.NODE_ENV),
    retrySchedule: parsed.HERALD_WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE,
    callbackSigningSecret: parsed.HERALD_CALLBACK_SIGNING_SECRET ?? DEVELOPMENT_CALLBACK_SIGNING_SECRET,
    callbackSecretIsDevelopment: parsed.HERALD_CALLBACK_SIGNING_SECRET === undefined,
  };
}
