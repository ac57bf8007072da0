import { commonShape, parseEnv, portSchema, z } from '@herald/config';

/** Projector settings: the common ones plus its ops port. */
export function loadProjectorConfig(env = process.env) {
  return parseEnv(
    {
      ...commonShape,
      HERALD_PROJECTOR_OPS_PORT: portSchema.default(9103),
      HERALD_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300000).default(30000),
      HERALD_PROJECTOR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    },
    env,
  );
}
