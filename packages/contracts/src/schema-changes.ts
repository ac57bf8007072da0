import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkBackward } from './compatibility.js';
import type { PreviousVersion } from './schema-history.js';
import { previousCommittedVersion } from './schema-history.js';

/** What the check says about one schema file. */
export type SchemaVerdict =
  | { file: string; outcome: 'new' | 'unchanged' }
  | { file: string; outcome: 'compatible'; previousCommit: string; note?: string }
  | { file: string; outcome: 'incompatible'; previousCommit: string | null; reason: string };

/** Finds the version a schema file is checked against; git history by default. */
export type PreviousVersionOf = (dir: string, file: string, current: string) => PreviousVersion;

function parseJson(content: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(content) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Checks one `.avsc` file of `dir` against its previous committed version (BACKWARD). */
export function checkSchemaFile(
  dir: string,
  file: string,
  previousOf: PreviousVersionOf = previousCommittedVersion,
): SchemaVerdict {
  const content = readFileSync(join(dir, file), 'utf8');
  const previous = previousOf(dir, file, content);
  const current = parseJson(content);
  if (!current.ok)
    return {
      file,
      outcome: 'incompatible',
      previousCommit: previous.found ? previous.commit : null,
      reason: `not valid JSON: ${current.reason}`,
    };
  if (!previous.found) return { file, outcome: previous.reason === 'never_committed' ? 'new' : 'unchanged' };
  const old = parseJson(previous.content);
  const result = old.ok
    ? checkBackward(old.value, current.value)
    : { compatible: true as const, note: 'the previous version is not valid JSON' };
  if (result.compatible)
    return {
      file,
      outcome: 'compatible',
      previousCommit: previous.commit,
      ...(result.note === undefined ? {} : { note: result.note }),
    };
  return { file, outcome: 'incompatible', previousCommit: previous.commit, reason: result.reason };
}

/** Every `.avsc` file of `dir`, in name order, checked against its previous committed version. */
export function checkSchemaChanges(
  dir: string,
  previousOf: PreviousVersionOf = previousCommittedVersion,
): SchemaVerdict[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.avsc'))
    .sort()
    .map((file) => checkSchemaFile(dir, file, previousOf));
}
