import { DEFAULT_SCHEMA_REGISTRY_URL, LOCAL } from '../config.js';
import { findJava } from '../java.js';
import { paths } from '../paths.js';
import { jdbcTarget } from '../postgres.js';
import type { LaunchSpec } from '../process.js';
import type { LocalService } from '../service.js';
import { fetchRegistry } from './fetch.js';
import { probeRegistry } from './probe.js';

/** Enough to find and stop our registry: its pid file name and a path only its command line holds. */
export const REGISTRY = { name: 'registry', marker: paths.registry.jar } as const;

/** Apicurio Registry 3.3.3 (Confluent-compatible API) on 127.0.0.1:8081, storing schemas in Postgres. */
export function registryService(databaseUrl: string): LocalService {
  return {
    ...REGISTRY,
    address: DEFAULT_SCHEMA_REGISTRY_URL,
    ports: [LOCAL.registryPort, LOCAL.registryManagementPort],
    readyTimeoutMs: 120_000,
    fetch: fetchRegistry,
    prepare: async () => launchSpec(databaseUrl),
    probe: () => probeRegistry(DEFAULT_SCHEMA_REGISTRY_URL),
  };
}

function launchSpec(databaseUrl: string): LaunchSpec {
  const { host, registryPort, registryManagementPort, registryDatabase } = LOCAL;
  return {
    // Apicurio 3.3 is compiled for Java 21 (class file 65).
    command: findJava(21, 'REGISTRY_JAVA_HOME').bin,
    args: [
      '-Xms128m',
      '-Xmx512m',
      `-Dquarkus.http.host=${host}`,
      `-Dquarkus.http.port=${registryPort}`,
      `-Dquarkus.management.host=${host}`,
      `-Dquarkus.management.port=${registryManagementPort}`,
      // The built-in pattern prints dates like "2026-11+00-22".
      '-Dquarkus.log.console.format=%d{yyyy-MM-dd HH:mm:ss,SSS} %p [%c{3.}] (%t) %m%n',
      '-jar',
      paths.registry.jar,
    ],
    cwd: paths.registry.home,
    env: registryEnv(databaseUrl, registryDatabase),
  };
}

/** Apicurio's settings as environment variables, the same ones docker-compose.kafka.yml sets. */
function registryEnv(databaseUrl: string, database: string): Record<string, string> {
  const jdbc = jdbcTarget(databaseUrl, database);
  return {
    APICURIO_STORAGE_KIND: 'sql',
    APICURIO_STORAGE_SQL_KIND: 'postgresql',
    APICURIO_DATASOURCE_URL: jdbc.url,
    APICURIO_DATASOURCE_USERNAME: jdbc.username,
    // Quarkus treats an empty value as unset (falling back to the built-in "sa"); trust auth ignores it anyway.
    ...(jdbc.password === '' ? {} : { APICURIO_DATASOURCE_PASSWORD: jdbc.password }),
    // Few connections at rest, but enough for several stacks registering their schemas at once
    // (tests start them in parallel); a request waiting for a connection looks like a hang.
    APICURIO_DATASOURCE_JDBC_INITIAL_SIZE: '2',
    APICURIO_DATASOURCE_JDBC_MIN_SIZE: '2',
    APICURIO_DATASOURCE_JDBC_MAX_SIZE: '20',
    // Lets tests delete their throwaway subjects (DELETE /subjects/{s}?permanent=true).
    APICURIO_REST_DELETION_ARTIFACT_ENABLED: 'true',
    APICURIO_REST_DELETION_ARTIFACT_VERSION_ENABLED: 'true',
  };
}
