import { Agent, request } from 'undici';
import type { SimLogger } from './logger.js';
import type { Scheduler } from './scheduler.js';
import type { SimStats } from './stats.js';

/** One signed status callback, ready to POST; vendors build it, this module only delivers it. */
export interface CallbackRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** How a callback ended: acknowledged with 2xx, given up after the last attempt, or stopped by shutdown. */
export type CallbackOutcome = 'sent' | 'failed' | 'cancelled';

/** Retry policy and collaborators for callback delivery. */
export interface CallbackSenderOptions {
  maxAttempts: number;
  retryBaseMs: number;
  timeoutMs: number;
  scheduler: Scheduler;
  stats: SimStats;
  logger: SimLogger;
}

/**
 * Delivers callbacks with retries on non-2xx answers and network errors, as the real providers do,
 * over one keep-alive agent shared by all receivers.
 */
export class CallbackSender {
  readonly #options: CallbackSenderOptions;
  readonly #agent = new Agent({ keepAliveTimeout: 10_000 });
  readonly #shutdown = new AbortController();

  constructor(options: CallbackSenderOptions) {
    this.#options = options;
  }

  async deliver(callback: CallbackRequest): Promise<CallbackOutcome> {
    const { maxAttempts, retryBaseMs, scheduler, stats } = this.#options;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (this.#shutdown.signal.aborted) break;
      const failure = await this.#attempt(callback);
      if (failure === null) {
        stats.callbackSent();
        return 'sent';
      }
      this.#options.logger.warn(
        { url: callback.url, attempt, maxAttempts, failure },
        'status callback attempt failed',
      );
      if (attempt === maxAttempts) {
        stats.callbackFailed();
        return 'failed';
      }
      stats.callbackRetried();
      // Exponential backoff, so a receiver that is restarting gets room to come back.
      if (!(await scheduler.wait(retryBaseMs * 2 ** (attempt - 1)))) break;
    }
    stats.callbackCancelled();
    return 'cancelled';
  }

  /** Aborts callbacks on the wire; used only when shutdown gives up on flushing. */
  abortInFlight(): void {
    this.#shutdown.abort();
  }

  close(): Promise<void> {
    return this.#agent.close();
  }

  /** Returns null on a 2xx answer, otherwise a short description of what went wrong. */
  async #attempt(callback: CallbackRequest): Promise<string | null> {
    const { timeoutMs } = this.#options;
    try {
      const response = await request(callback.url, {
        method: 'POST',
        headers: callback.headers,
        body: callback.body,
        dispatcher: this.#agent,
        signal: this.#shutdown.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300 ? null : `HTTP ${response.statusCode}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}
