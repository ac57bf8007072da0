import { Problem } from './problems.js';

/** An opaque page cursor: the position a page ended at, as base64url JSON. */
export function encodeCursor(position: readonly string[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

const badCursor = () =>
  new Problem(400, 'validation_failed', 'The query is invalid', undefined, [
    { field: 'cursor', message: 'not a cursor this API returned' },
  ]);

/** Decodes a cursor whose parts match `patterns`, one each; 400 for anything else. */
export function decodeCursor(cursor: string, patterns: readonly RegExp[]): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parts) || parts.length !== patterns.length) throw badCursor();
  const strings = parts.filter(
    (part, index): part is string => typeof part === 'string' && (patterns[index]?.test(part) ?? false),
  );
  if (strings.length !== patterns.length) throw badCursor();
  return strings;
}
