import { commonShape, ConfigError, parseEnv, portSchema, z } from '@herald/config';

/** Ingress settings; in production the admin token is mandatory and no demo tenant exists. */
export function loadIngressConfig(env = process.env) {
  const config = parseEnv(
    {
      ...commonShape,
      HERALD_HTTP_PORT: portSchema.default(8080),
      HERALD_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
      HERALD_PUBLIC_URL: z.url().default('http://127.0.0.1:8080'),
      HERALD_ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
      HERALD_DEMO_API_KEY: z.string().min(16, 'at least 16 characters').optional(),
      HERALD_MAX_BODY_BYTES: z.coerce
        .number()
        .int()
        .positive()
        .default(1024 * 1024),
      HERALD_PRODUCE_MAX_BATCH: z.coerce.number().int().min(1).max(100000).default(1000),
      HERALD_PRODUCE_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(1),
    },
    env,
  );
  if (config.NODE_ENV === 'production') {
    const issues: string[] = [];
    if (!config.HERALD_ADMIN_TOKEN) issues.push('HERALD_ADMIN_TOKEN: required in production');
    if (config.HERALD_DEMO_API_KEY)
      issues.push('HERALD_DEMO_API_KEY: the demo tenant does not exist in production');
    if (issues.length > 0) throw new ConfigError(issues);
  }
  return config;
}

export type IngressConfig = ReturnType<typeof loadIngressConfig>;
