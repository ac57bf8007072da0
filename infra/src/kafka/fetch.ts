import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ensureFilled } from '../cache.js';
import { copyDependencies } from '../maven.js';
import { paths, repoRoot } from '../paths.js';

/** Copies the broker's jars into .herald/kafka/libs unless they match infra/kafka/pom.xml already. */
export function fetchKafka(): Promise<boolean> {
  const stamp = createHash('sha256').update(readFileSync(paths.kafka.pom)).digest('hex');
  return ensureFilled(paths.kafka.libs, stamp, (dir) => copyDependencies(paths.kafka.pom, dir, repoRoot));
}
