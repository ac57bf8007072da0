import type { Logger } from '@herald/telemetry';

/** Notes that a key was used; never blocks the request. */
export type KeyUsageRecorder = (keyId: string) => void;

/**
 * Writes `last_used_at` at most once per `intervalMs` per key and instance, in the background: the
 * request that used the key does not wait for the write, and a failed write is only logged.
 */
export function keyUsageRecorder(options: {
  touch: (keyIds: string[], now: number) => Promise<void>;
  clock: () => number;
  log: Logger;
  intervalMs?: number;
}): KeyUsageRecorder {
  const intervalMs = options.intervalMs ?? 60_000;
  const lastWritten = new Map<string, number>();
  return function recordKeyUse(keyId) {
    const now = options.clock();
    const last = lastWritten.get(keyId);
    if (last !== undefined && now - last < intervalMs) return;
    lastWritten.set(keyId, now);
    options.touch([keyId], now).catch((error: unknown) => {
      options.log.warn({ err: error, keyId }, 'could not record API key use');
    });
  };
}
