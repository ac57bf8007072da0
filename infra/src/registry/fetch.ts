import { join } from 'node:path';
import { ensureFilled } from '../cache.js';
import { InfraError } from '../errors.js';
import { copyArtifact } from '../maven.js';
import { paths, repoRoot } from '../paths.js';
import { runCommand } from '../process.js';

const VERSION = '3.3.3';
const COORDINATES = `io.apicurio:apicurio-registry-app:${VERSION}:tar.gz:all`;
const TARBALL = `apicurio-registry-app-${VERSION}-all.tar.gz`;

/** Downloads the registry's Quarkus tarball into .herald/cache and unpacks it into .herald/registry/app, once. */
export async function fetchRegistry(): Promise<boolean> {
  const download = join(paths.cache, `apicurio-registry-app-${VERSION}`);
  const downloaded = await ensureFilled(download, COORDINATES, (dir) =>
    copyArtifact(COORDINATES, dir, repoRoot),
  );
  const unpacked = await ensureFilled(paths.registry.app, COORDINATES, (dir) =>
    untar(join(download, TARBALL), dir),
  );
  return downloaded || unpacked;
}

async function untar(tarball: string, dir: string): Promise<void> {
  // The archive has no top-level folder: quarkus-run.jar lands directly in `dir`.
  const result = await runCommand('tar', ['-xzf', tarball, '-C', dir], dir);
  if (result.code !== 0) {
    throw new InfraError(
      'FETCH_FAILED',
      `unpacking ${tarball} failed (exit ${result.code}):\n${result.output}`,
    );
  }
}
