import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { InfraError } from './errors.js';

/** A java executable and its feature version (17, 21, 25...). */
export interface JavaRuntime {
  readonly bin: string;
  readonly major: number;
}

const JVM_DIRS = ['/usr/lib/jvm'];

/**
 * The first JDK of at least `minMajor` among: $<overrideVar>, $JAVA_HOME, `java` on PATH, then
 * the JDKs under /usr/lib/jvm (oldest suitable first). Kafka 3.9 runs on 17; Apicurio 3.3 needs 21.
 */
export function findJava(
  minMajor: number,
  overrideVar: string,
  env: NodeJS.ProcessEnv = process.env,
): JavaRuntime {
  const seen: string[] = [];
  for (const bin of candidates(overrideVar, env)) {
    const major = javaMajor(bin);
    if (major === undefined) continue;
    if (major >= minMajor) return { bin, major };
    seen.push(`${bin} (Java ${major})`);
  }
  throw new InfraError(
    'JAVA_NOT_FOUND',
    `Java ${minMajor} or newer is needed but was not found (saw: ${seen.join(', ') || 'none'}). ` +
      `Install a JDK ${minMajor}+ or point ${overrideVar} at one.`,
  );
}

function* candidates(overrideVar: string, env: NodeJS.ProcessEnv): Generator<string> {
  for (const home of [env[overrideVar], env.JAVA_HOME]) {
    if (home !== undefined && home.trim() !== '') yield join(home.trim(), 'bin', 'java');
  }
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'java'))
    .find((bin) => existsSync(bin));
  if (onPath !== undefined) yield onPath;
  const homes = JVM_DIRS.flatMap((dir) =>
    existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [],
  );
  const byVersion = homes
    .map((home) => ({ bin: join(home, 'bin', 'java'), major: javaMajor(join(home, 'bin', 'java')) ?? 0 }))
    .sort((a, b) => a.major - b.major);
  for (const { bin } of byVersion) yield bin;
}

const majors = new Map<string, number | undefined>();

/** The feature version of a java executable: from its JDK's `release` file, else from `java -version`. */
function javaMajor(bin: string): number | undefined {
  if (!majors.has(bin)) majors.set(bin, readMajor(bin));
  return majors.get(bin);
}

function readMajor(bin: string): number | undefined {
  if (!existsSync(bin)) return undefined;
  const release = join(dirname(dirname(realpathSync(bin))), 'release');
  const fromRelease = existsSync(release)
    ? /^JAVA_VERSION="([^"]+)"/m.exec(readFileSync(release, 'utf8'))?.[1]
    : undefined;
  const version =
    fromRelease ??
    /version "([^"]+)"/.exec(spawnSync(bin, ['-version'], { encoding: 'utf8' }).stderr ?? '')?.[1];
  if (version === undefined) return undefined;
  const [first, second] = version.split('.').map((part) => Number.parseInt(part, 10));
  return first === 1 ? second : first;
}
