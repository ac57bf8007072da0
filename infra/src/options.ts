/** Where Herald's processes and tests find the infrastructure. */
export interface InfraEndpoints {
  readonly kafkaBrokers: string[];
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
}

/** Options shared by ensureInfrastructure, stopInfrastructure and infrastructureStatus. */
export interface InfraOptions {
  /** Progress lines; defaults to stdout with an [infra] prefix. */
  readonly log?: (line: string) => void;
  /** Where KAFKA_BROKERS, SCHEMA_REGISTRY_URL and DATABASE_URL are read; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Progress lines on stdout, prefixed so they stand out among the apps' output. */
export const defaultLog = (line: string): void => console.log(`[infra] ${line}`);
