import { InfraError, messageOf } from './errors.js';
import { runCommand } from './process.js';

const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

// Two Maven runs sharing ~/.m2 could race on the same download; run them one at a time.
let queue: Promise<unknown> = Promise.resolve();

/** Copies the runtime classpath of a pom-packaged project into `outputDir`. */
export function copyDependencies(pom: string, outputDir: string, cwd: string): Promise<void> {
  return runMaven(
    [
      '-f',
      pom,
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${outputDir}`,
    ],
    cwd,
  );
}

/** Copies one artifact (groupId:artifactId:version:type:classifier) into `outputDir`. */
export function copyArtifact(coordinates: string, outputDir: string, cwd: string): Promise<void> {
  return runMaven(
    [`${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=${coordinates}`, `-DoutputDirectory=${outputDir}`],
    cwd,
  );
}

function runMaven(args: string[], cwd: string): Promise<void> {
  const run = queue.then(() => runMavenNow(args, cwd));
  queue = run.catch(() => undefined);
  return run;
}

async function runMavenNow(args: string[], cwd: string): Promise<void> {
  const fullArgs = ['-B', '-q', ...args];
  const result = await runCommand('mvn', fullArgs, cwd).catch((error: unknown) => {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InfraError(
      'FETCH_FAILED',
      missing
        ? 'Maven (mvn) is not on PATH; it is needed once to fetch Kafka and the schema registry from Maven Central'
        : `could not run mvn: ${messageOf(error)}`,
    );
  });
  if (result.code !== 0) {
    const tail = result.output.trimEnd().split('\n').slice(-40).join('\n');
    throw new InfraError('FETCH_FAILED', `mvn ${fullArgs.join(' ')} failed (exit ${result.code}):\n${tail}`);
  }
}
