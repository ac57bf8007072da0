import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

/**
 * Polls `check` until it returns true (then true) or the deadline passes (then false).
 * `check` throws to give up early, e.g. when the process it waits for has died.
 */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  for (;;) {
    if (await check()) return true;
    if (Date.now() + interval > deadline) return false;
    await delay(interval);
  }
}
