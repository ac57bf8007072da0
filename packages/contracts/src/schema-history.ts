import { execFileSync } from 'node:child_process';

/** A schema file as it was in one commit. */
export interface CommittedVersion {
  commit: string;
  content: string;
}

/** The version to check against, or why there is none: never committed, or never in another form. */
export type PreviousVersion =
  | ({ found: true } & CommittedVersion)
  | { found: false; reason: 'never_committed' | 'unchanged_since_added' };

/** Git could not answer (not a repository, git missing): the check cannot run, which is not a pass. */
export class SchemaHistoryError extends Error {
  readonly code = 'schema_history_unavailable';
}

function git(dir: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail = typeof stderr === 'string' && stderr.trim() ? stderr.trim() : String(error);
    throw new SchemaHistoryError(`git ${args.join(' ')} in ${dir}: ${detail}`, { cause: error });
  }
}

// Reformatting (key order aside) is not a change: compare the JSON, and the raw text when it is not JSON.
function normalized(content: string): string {
  try {
    return JSON.stringify(JSON.parse(content));
  } catch {
    return content;
  }
}

/**
 * The most recent committed content of `file` (a name inside `dir`) that differs from `current`,
 * so a schema is checked against the version before its last change whether or not that change is
 * committed yet.
 */
export function previousCommittedVersion(dir: string, file: string, current: string): PreviousVersion {
  const path = `./${file}`;
  // Commits that added or modified the file, newest first; deletions have no content to show.
  const commits = git(dir, ['log', '--format=%H', '--diff-filter=AM', '--', path])
    .split('\n')
    .filter(Boolean);
  const wanted = normalized(current);
  for (const commit of commits) {
    const content = git(dir, ['show', `${commit}:${path}`]);
    if (normalized(content) !== wanted) return { found: true, commit, content };
  }
  return { found: false, reason: commits.length === 0 ? 'never_committed' : 'unchanged_since_added' };
}

/** True in a shallow clone, where older versions may be missing and a change may go unchecked. */
export function isShallowClone(dir: string): boolean {
  return git(dir, ['rev-parse', '--is-shallow-repository']).trim() === 'true';
}
