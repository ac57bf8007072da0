import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARKER = '.herald-complete';

/**
 * Fills `dir` with `fill` unless it already holds a completion marker for `stamp`.
 * The marker is written last, so an interrupted download is thrown away and redone.
 * Returns true when it had to fill.
 */
export async function ensureFilled(
  dir: string,
  stamp: string,
  fill: (dir: string) => Promise<void>,
): Promise<boolean> {
  const marker = join(dir, MARKER);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp) return false;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await fill(dir);
  writeFileSync(marker, stamp);
  return true;
}
