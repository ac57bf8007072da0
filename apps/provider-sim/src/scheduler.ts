/** How pending waits end when the simulator shuts down. */
type Mode = 'running' | 'flushing' | 'cancelled';

interface Waiter {
  timer: NodeJS.Timeout;
  resolve: (proceed: boolean) => void;
}

/**
 * Owns every timer the simulator starts, so shutdown can deliberately flush them (fire now) or
 * cancel them (never fire), and knows which background tasks are still running.
 */
export class Scheduler {
  #mode: Mode = 'running';
  readonly #waiters = new Set<Waiter>();
  readonly #tasks = new Set<Promise<void>>();

  readonly #onTaskError: (error: unknown) => void;

  /** `onTaskError` sees a task that threw, which is a simulator bug, instead of an unhandled rejection. */
  constructor(onTaskError: (error: unknown) => void) {
    this.#onTaskError = onTaskError;
  }

  /** Resolves true when `ms` elapsed (or at once when flushing), false when cancelled. */
  wait(ms: number): Promise<boolean> {
    if (this.#mode === 'cancelled') return Promise.resolve(false);
    if (this.#mode === 'flushing' || ms <= 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = { timer: setTimeout(() => this.#settle(waiter, true), ms), resolve };
      this.#waiters.add(waiter);
    });
  }

  /** Runs a background task and remembers it until it settles. */
  track(task: Promise<unknown>): void {
    const tracked: Promise<void> = task
      .then(
        () => undefined,
        (error: unknown) => this.#onTaskError(error),
      )
      .finally(() => this.#tasks.delete(tracked));
    this.#tasks.add(tracked);
  }

  /** Number of background tasks still running. */
  pending(): number {
    return this.#tasks.size;
  }

  /** Fires every pending and future wait at once. */
  flush(): void {
    if (this.#mode !== 'running') return;
    this.#mode = 'flushing';
    for (const waiter of this.#waiters) this.#settle(waiter, true);
  }

  /** Ends every pending and future wait with "do not proceed". */
  cancel(): void {
    this.#mode = 'cancelled';
    for (const waiter of this.#waiters) this.#settle(waiter, false);
  }

  /** Resolves when every tracked task has settled. */
  async idle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }

  #settle(waiter: Waiter, proceed: boolean): void {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
    waiter.resolve(proceed);
  }
}
