import { commonShape, parseEnv, portSchema, z } from '@herald/config';

/** Sender settings: the common ones plus where providers send status callbacks. */
export function loadSenderConfig(env = process.env) {
  return parseEnv(
    {
      ...commonShape,
      HERALD_PUBLIC_URL: z.url().default('http://127.0.0.1:8080'),
      HERALD_SENDER_OPS_PORT: portSchema.default(9102),
      HERALD_SENDER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
      HERALD_SENDER_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10000).default(64),
    },
    env,
  );
}
