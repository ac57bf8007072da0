import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';

export { ConfigError } from './errors.js';
export { loadProviders } from './providers.js';
export type { ProviderConfig } from './providers.js';
export { watchProviders } from './providers-watch.js';
export type { ProviderSource } from './providers-watch.js';

type Env = Record<string, string | undefined>;

/** Parses `env` with a zod object schema whose keys are environment variable names. */
export function parseEnv<S extends z.ZodRawShape>(shape: S, env: Env = process.env): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

/** The development providers file, at the repository root. */
export const DEFAULT_PROVIDERS_FILE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'config',
  'providers.dev.json',
);

const list = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1));

const port = z.coerce.number().int().min(0).max(65535);

/** A topic's `retention.ms`: -1 keeps records forever; below a minute is almost surely a unit mistake. */
const retentionMs = z.coerce
  .number()
  .int()
  .refine((ms) => ms === -1 || ms >= 60000, 'expected -1 (forever) or at least 60000 ms');

/** Settings every Herald process shares: where the infrastructure is and how to name things. */
export const commonShape = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  KAFKA_BROKERS: list.default(['127.0.0.1:9092']),
  SCHEMA_REGISTRY_URL: z.url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/herald'),
  HERALD_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, dot, dash, underscore')
    .default(''),
  HERALD_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  /** Retention of the facts: the requested, events and DLQ topics. */
  HERALD_EVENTS_RETENTION_MS: retentionMs.default(-1),
  /** Retention of the dispatch and retry topics (MessageRouted). */
  HERALD_DISPATCH_RETENTION_MS: retentionMs.default(-1),
  HERALD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where spans go: nowhere (they still give log lines their trace ids) or OTLP over HTTP. */
  HERALD_OTEL_EXPORTER: z.enum(['none', 'otlp']).default('none'),
  /** The standard OpenTelemetry variables, read when HERALD_OTEL_EXPORTER=otlp. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  HERALD_INSTANCE_ID: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/)
    .default(hostname().replace(/[^a-zA-Z0-9._-]/g, '-')),
  HERALD_PROVIDERS_FILE: z.string().default(DEFAULT_PROVIDERS_FILE),
  HERALD_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(15000),
};

export const portSchema = port;
export { z };

/** Parsed common settings. */
export type CommonConfig = z.infer<z.ZodObject<typeof commonShape>>;

/** Loads just the common settings. */
export function loadCommonConfig(env: Env = process.env): CommonConfig {
  return parseEnv(commonShape, env);
}
