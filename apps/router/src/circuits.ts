import { openCircuits } from '@herald/store';
import type { Pool } from '@herald/store';
import type { Logger } from '@herald/telemetry';

/**
 * The providers whose circuit some sender has open, refreshed in the background: routing reads
 * the cached set and never waits on the database for it.
 */
export function watchOpenCircuits(
  pool: Pool,
  log: Logger,
  intervalMs: number,
): { current: () => ReadonlySet<string>; stop: () => void } {
  let open: ReadonlySet<string> = new Set();
  const refresh = () =>
    openCircuits(pool, Date.now()).then(
      (next) => {
        if ([...next].sort().join() !== [...open].sort().join())
          log.info({ open: [...next] }, 'open provider circuits changed');
        open = next;
      },
      (error: unknown) =>
        log.warn({ err: error }, 'reading provider circuits failed; keeping the last known set'),
    );
  void refresh();
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  return { current: () => open, stop: () => clearInterval(timer) };
}
