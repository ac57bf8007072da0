import type { Logger } from 'pino';

let draining = false;

/**
 * True once a shutdown has begun in this process. /readyz answers 503 `draining` from then on, so a
 * load balancer or orchestrator stops sending work while the process finishes what it holds.
 */
export function isDraining(): boolean {
  return draining;
}

/** Ends the process with a code; a parameter so the sequence can be tested without exiting. */
export type Exit = (code: number) => void;

/**
 * The shutdown run by the first SIGTERM/SIGINT: marks the process draining, runs `stop`, and exits 0
 * with the log line `stopped cleanly` once it resolves, or 1 when it fails or outlives `deadlineMs`,
 * so an orchestrator never waits on a hung shutdown. Later signals are ignored: the deadline bounds it.
 */
export function shutdownSequence(
  log: Logger,
  deadlineMs: number,
  stop: () => Promise<void>,
  exit: Exit = (code) => process.exit(code),
): (signal: NodeJS.Signals) => void {
  let stopping = false;
  let exited = false;
  const finish = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };
  return (signal) => {
    if (stopping) {
      log.warn({ signal }, 'already shutting down; the deadline bounds it');
      return;
    }
    stopping = true;
    draining = true;
    const started = performance.now();
    log.info({ signal, deadlineMs }, 'shutting down');
    // Not unref'd: a `stop` stuck on a promise that nothing will settle must still end in exit 1,
    // not in an empty event loop that exits 0 as if the shutdown had finished.
    const timer = setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown deadline exceeded, exiting');
      finish(1);
    }, deadlineMs);
    stop().then(
      () => {
        clearTimeout(timer);
        if (exited) return;
        log.info({ signal, durationMs: Math.round(performance.now() - started) }, 'stopped cleanly');
        finish(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (exited) return;
        log.error({ err: error }, 'shutdown failed');
        finish(1);
      },
    );
  };
}

/** Runs `stop` once on SIGTERM/SIGINT and exits (see `shutdownSequence`). */
export function onShutdown(log: Logger, deadlineMs: number, stop: () => Promise<void>): void {
  const handler = shutdownSequence(log, deadlineMs, stop);
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
