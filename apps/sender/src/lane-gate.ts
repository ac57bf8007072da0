/**
 * Express before normal: the express lane marks itself busy while it has work, and the normal
 * lane waits for it to be idle before each provider call.
 */
export class LaneGate {
  private expressBusy = 0;
  private idle: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;

  /** Runs express work; normal work waits until no express work is in progress. */
  async express<T>(work: () => Promise<T>): Promise<T> {
    if (this.expressBusy++ === 0) this.idle = new Promise((resolve) => (this.release = resolve));
    try {
      return await work();
    } finally {
      if (--this.expressBusy === 0) this.release?.();
    }
  }

  /** Resolves when the express lane has nothing in progress. */
  normalTurn(): Promise<void> {
    return this.expressBusy === 0 ? Promise.resolve() : this.idle;
  }
}
