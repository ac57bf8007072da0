import { commonShape, parseEnv, portSchema, z } from '@herald/config';

const msList = z
  .string()
  .transform((value) => value.split(',').map((item) => Number(item.trim())))
  .pipe(z.array(z.number().int().positive()).length(3, 'three delays, one per retry topic (5s, 1m, 10m)'));

/** Sender settings: callbacks, parallelism, retries and circuit breakers. */
export function loadSenderConfig(env = process.env) {
  return parseEnv(
    {
      ...commonShape,
      HERALD_PUBLIC_URL: z.url().default('http://127.0.0.1:8080'),
      HERALD_SENDER_OPS_PORT: portSchema.default(9102),
      HERALD_SENDER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
      HERALD_SENDER_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10000).default(64),
      HERALD_RETRY_DELAYS_MS: msList.default([5_000, 60_000, 600_000]),
      HERALD_RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
      HERALD_RETRY_JITTER: z.coerce.number().min(0).max(1).default(0.2),
      HERALD_CIRCUIT_CONSECUTIVE_FAILURES: z.coerce.number().int().min(1).default(5),
      HERALD_CIRCUIT_FAILURE_RATE: z.coerce.number().gt(0).max(1).default(0.5),
      HERALD_CIRCUIT_MINIMUM_CALLS: z.coerce.number().int().min(1).default(20),
      HERALD_CIRCUIT_WINDOW: z.coerce.number().int().min(1).default(50),
      HERALD_CIRCUIT_OPEN_MS: z.coerce.number().int().min(100).default(30_000),
      HERALD_CIRCUIT_HALF_OPEN_TRIALS: z.coerce.number().int().min(1).default(3),
    },
    env,
  );
}

export type SenderConfig = ReturnType<typeof loadSenderConfig>;
