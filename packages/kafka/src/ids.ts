import { createHash } from 'node:crypto';

/**
 * A UUID (version 5 layout) derived from the event that caused it and the role of the new event,
 * so reprocessing the same input yields the same event id and downstream dedupe by id works.
 */
export function derivedEventId(causeEventId: string, role: string): string {
  const hash = createHash('sha1').update(causeEventId).update('\u0000').update(role).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
