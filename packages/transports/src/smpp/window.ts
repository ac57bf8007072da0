interface Waiter {
  grant: () => void;
}

/**
 * A FIFO counting semaphore over outstanding submit_sm: at most `size` are ever awaiting their
 * response; later sends queue for a slot in arrival order.
 */
export class SubmitWindow {
  readonly #size: number;
  #inFlight = 0;
  readonly #waiters: Waiter[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** Resolves true with a slot held, or false (no slot) when `signal` fires first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.#inFlight < this.#size && this.#waiters.length === 0) {
      this.#inFlight += 1;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        },
      };
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Gives a slot back, handing it straight to the longest waiter if there is one. */
  release(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#inFlight -= 1;
    else next.grant();
  }

  /** Slots held right now. */
  inFlight(): number {
    return this.#inFlight;
  }
}
