import { commonShape, ConfigError, parseEnv, portSchema, z } from '@herald/config';
import {
  AllowListError,
  DEVELOPMENT_CALLBACK_SIGNING_SECRET,
  defaultAllowList,
  parseAllowList,
} from '@herald/webhooks';
import { jwtConfigIssues, jwtConfigShape } from './auth/jwt-config.js';
import type { WebhookSettings } from './routes/webhooks.js';

// Comma-separated CIDRs, addresses and host names; empty allows nothing beyond public addresses.
const allowList = z.string().transform((value, ctx) => {
  try {
    return parseAllowList(
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    );
  } catch (error) {
    if (!(error instanceof AllowListError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

/** Ingress settings; in production the admin token is mandatory and no demo tenant exists. */
export function loadIngressConfig(env = process.env) {
  const config = parseEnv(
    {
      ...commonShape,
      HERALD_HTTP_PORT: portSchema.default(8080),
      HERALD_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
      HERALD_PUBLIC_URL: z.url().default('http://127.0.0.1:8080'),
      HERALD_ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
      HERALD_DEMO_CREDITS: z.coerce.number().int().min(0).max(1_000_000_000).default(1000),
      HERALD_DEMO_API_KEY: z.string().min(16, 'at least 16 characters').optional(),
      HERALD_MAX_BODY_BYTES: z.coerce
        .number()
        .int()
        .positive()
        .default(1024 * 1024),
      HERALD_PRODUCE_MAX_BATCH: z.coerce.number().int().min(1).max(100000).default(1000),
      HERALD_PRODUCE_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(1),
      HERALD_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(100),
      HERALD_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(200),
      HERALD_PRICES_FILE: z.string().min(1).optional(),
      HERALD_IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().min(60).max(2_592_000).default(86_400),
      HERALD_CANCEL_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
      HERALD_MAX_BROADCAST_BODY_BYTES: z.coerce
        .number()
        .int()
        .positive()
        .default(16 * 1024 * 1024),
      HERALD_WEBHOOK_ALLOWED_HOSTS: allowList.optional(),
      HERALD_CALLBACK_SIGNING_SECRET: z.string().min(32, 'at least 32 characters').optional(),
      ...jwtConfigShape,
    },
    env,
  );
  const jwtIssues = jwtConfigIssues(config);
  if (jwtIssues.length > 0) throw new ConfigError(jwtIssues);
  if (config.NODE_ENV === 'production') {
    const issues: string[] = [];
    if (!config.HERALD_ADMIN_TOKEN) issues.push('HERALD_ADMIN_TOKEN: required in production');
    if (!config.HERALD_CALLBACK_SIGNING_SECRET)
      issues.push('HERALD_CALLBACK_SIGNING_SECRET: required in production');
    if (config.HERALD_DEMO_API_KEY)
      issues.push('HERALD_DEMO_API_KEY: the demo tenant does not exist in production');
    if (issues.length > 0) throw new ConfigError(issues);
  }
  return config;
}

export type IngressConfig = ReturnType<typeof loadIngressConfig>;

/**
 * The webhook API's settings: the allowlist defaults to loopback outside production and to nothing
 * in production; the callback master secret to a public development constant (main.ts says so).
 */
export function webhookSettingsFromConfig(config: IngressConfig): WebhookSettings {
  return {
    allow: config.HERALD_WEBHOOK_ALLOWED_HOSTS ?? defaultAllowList(config.NODE_ENV),
    callbackSigningSecret: config.HERALD_CALLBACK_SIGNING_SECRET ?? DEVELOPMENT_CALLBACK_SIGNING_SECRET,
  };
}
