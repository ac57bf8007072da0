import { commonShape, parseEnv, portSchema, z } from '@herald/config';

/** Router settings: the common ones plus its ops port, parallelism and scheduler cadence. */
export function loadRouterConfig(env = process.env) {
  return parseEnv(
    {
      ...commonShape,
      HERALD_ROUTER_OPS_PORT: portSchema.default(9101),
      HERALD_ROUTER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
      HERALD_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(50).max(60000).default(500),
      HERALD_SCHEDULER_BATCH: z.coerce.number().int().min(1).max(10000).default(500),
    },
    env,
  );
}
