import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: two levels above this file, from src/ and dist/ alike. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const herald = join(repoRoot, '.herald');

/** Every file the infrastructure writes lives under .herald/ (git-ignored). */
export const paths = {
  herald,
  cache: join(herald, 'cache'),
  run: join(herald, 'run'),
  logs: join(herald, 'logs'),
  kafka: {
    pom: join(repoRoot, 'infra', 'kafka', 'pom.xml'),
    home: join(herald, 'kafka'),
    libs: join(herald, 'kafka', 'libs'),
    data: join(herald, 'kafka', 'data'),
    serverProperties: join(herald, 'kafka', 'server.properties'),
    log4jProperties: join(herald, 'kafka', 'log4j.properties'),
    clusterIdFile: join(herald, 'kafka', 'cluster.id'),
  },
  registry: {
    home: join(herald, 'registry'),
    app: join(herald, 'registry', 'app'),
    jar: join(herald, 'registry', 'app', 'quarkus-run.jar'),
  },
} as const;

/** Where a managed service records the pid of its JVM. */
export function pidFile(service: string): string {
  return join(paths.run, `${service}.pid`);
}

/** Where a managed service's stdout and stderr go. */
export function logFile(service: string): string {
  return join(paths.logs, `${service}.log`);
}

/** A path relative to the repository root, for messages. */
export function shown(path: string): string {
  return path.startsWith(`${repoRoot}/`) ? path.slice(repoRoot.length + 1) : path;
}
