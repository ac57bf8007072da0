import { InfraError } from './errors.js';

/** Fixed local addresses; docker-compose.kafka.yml publishes the same ones. */
export const LOCAL = {
  host: '127.0.0.1',
  kafkaPort: 9092,
  kafkaControllerPort: 9093,
  registryPort: 8081,
  // 9000 (Quarkus' default) is commonly taken by other tools.
  registryManagementPort: 9001,
  registryDatabase: 'herald_registry',
} as const;

export const DEFAULT_KAFKA_BROKERS = `${LOCAL.host}:${LOCAL.kafkaPort}`;
export const DEFAULT_SCHEMA_REGISTRY_URL = `http://${LOCAL.host}:${LOCAL.registryPort}/apis/ccompat/v7`;
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/herald';

/** Local: started and stopped by Herald. External: only waited for. */
export type Mode = 'local' | 'external';

export interface InfraConfig {
  readonly kafka: { readonly mode: Mode; readonly brokers: string[] };
  readonly registry: { readonly mode: Mode; readonly url: string };
  readonly databaseUrl: string;
}

/** Reads KAFKA_BROKERS, SCHEMA_REGISTRY_URL and DATABASE_URL; setting one means "use that, do not start ours". */
export function readConfig(env: NodeJS.ProcessEnv = process.env): InfraConfig {
  const brokers = nonEmpty(env.KAFKA_BROKERS);
  const registryUrl = nonEmpty(env.SCHEMA_REGISTRY_URL);
  return {
    kafka: {
      mode: brokers === undefined ? 'local' : 'external',
      brokers: parseBrokers(brokers ?? DEFAULT_KAFKA_BROKERS),
    },
    registry: {
      mode: registryUrl === undefined ? 'local' : 'external',
      url: parseHttpUrl('SCHEMA_REGISTRY_URL', registryUrl ?? DEFAULT_SCHEMA_REGISTRY_URL),
    },
    databaseUrl: parseDatabaseUrl(nonEmpty(env.DATABASE_URL) ?? DEFAULT_DATABASE_URL),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function parseBrokers(value: string): string[] {
  const brokers = value.split(',').map((broker) => broker.trim());
  const bad = brokers.find((broker) => !/^[^\s:,]+:\d{1,5}$/.test(broker));
  if (bad !== undefined) {
    throw new InfraError(
      'BAD_CONFIG',
      `KAFKA_BROKERS must be a comma-separated list of host:port, got "${value}"`,
    );
  }
  return brokers;
}

function parseHttpUrl(key: string, value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InfraError('BAD_CONFIG', `${key} must be an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

function parseDatabaseUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    throw new InfraError('BAD_CONFIG', `DATABASE_URL must be a postgres:// URL, got "${redactUrl(value)}"`);
  }
  if (url.pathname.length <= 1) {
    throw new InfraError('BAD_CONFIG', `DATABASE_URL must name a database, got "${redactUrl(value)}"`);
  }
  return value;
}

/** The URL with its password hidden, for messages. */
export function redactUrl(value: string): string {
  if (!URL.canParse(value)) return value;
  const url = new URL(value);
  if (url.password !== '') url.password = '***';
  return url.toString();
}
