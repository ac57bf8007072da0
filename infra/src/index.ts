export type { InfraEndpoints, InfraOptions } from './options.js';
export { ensureInfrastructure } from './ensure.js';
export { stopInfrastructure } from './stop.js';
export type { ServiceStatus } from './status.js';
export { infrastructureStatus } from './status.js';
export type { InfraErrorCode } from './errors.js';
export { InfraError } from './errors.js';
export { DEFAULT_DATABASE_URL, DEFAULT_KAFKA_BROKERS, DEFAULT_SCHEMA_REGISTRY_URL } from './config.js';
