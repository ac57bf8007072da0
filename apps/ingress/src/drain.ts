import type { EventEmitter } from 'node:events';
import type { MiddlewareHandler } from 'hono';
import { Problem, renderProblem } from './problems.js';

// Probes and scrapes keep answering while draining: /readyz is how a load balancer learns of it.
const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** What the drain needs of the HTTP server: its connections, and its keep-alive timeout. */
export interface DrainedServer extends EventEmitter {
  keepAliveTimeout?: number;
}

/**
 * Graceful drain of the HTTP API on shutdown. Once begun, a request that arrives is answered
 * `503 shutting_down` with `Retry-After` and `Connection: close`: an unambiguous "nothing was accepted,
 * retry" that a client or load balancer can act on, where a reset connection would leave a POST's
 * outcome unknown. Requests already in flight finish (a 202 still waits for Kafka's ack) and close
 * their connection afterwards, so keep-alive clients reconnect to another instance.
 *
 * The listener stays open until the drain is idle: no request in flight and no connection left open,
 * or the server's keep-alive timeout elapsed. Closing a keep-alive connection the server thinks idle
 * races a client writing a request on it (the request is lost without an answer); a client told
 * `Connection: close`, or whose connection outlived the `Keep-Alive: timeout` Node announces, never
 * writes on it again, so after that wait no such race is left.
 */
export class RequestDrain {
  #inFlight = 0;
  #connections = 0;
  #draining = false;
  #lingered = false;
  #lingerMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #waiters: (() => void)[] = [];

  /** True once `begin` was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Requests of the API (not the ops routes) being handled now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Open connections of the attached server. */
  get connections(): number {
    return this.#connections;
  }

  /**
   * Counts `server`'s connections, and lingers at most `maxLingerMs` (the server's keep-alive timeout,
   * or less) for them to close once draining.
   */
  attach(server: DrainedServer, maxLingerMs: number): void {
    this.#lingerMs = Math.min(maxLingerMs, server.keepAliveTimeout ?? maxLingerMs);
    server.on('connection', (socket: EventEmitter) => {
      this.#connections++;
      socket.once('close', () => {
        this.#connections--;
        this.#settle();
      });
    });
  }

  /** Refuses requests from now on. */
  begin(): void {
    if (this.#draining) return;
    this.#draining = true;
    this.#timer = setTimeout(() => {
      this.#lingered = true;
      this.#settle();
    }, this.#lingerMs);
    this.#settle();
  }

  /**
   * Resolves once draining, with no request in flight and no connection open (or the linger over):
   * the listener can then close without cutting anyone off.
   */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#settle();
    });
  }

  /** The middleware that counts requests in flight and refuses new ones while draining. */
  middleware(): MiddlewareHandler {
    const drain: MiddlewareHandler = async (c, next) => {
      if (OPS_PATHS.has(c.req.path)) {
        await next();
        if (this.#draining) c.header('Connection', 'close');
        return;
      }
      if (this.#draining) return renderProblem(c, shuttingDown());
      this.#inFlight++;
      try {
        await next();
        if (this.#draining) c.header('Connection', 'close');
      } finally {
        this.#inFlight--;
        this.#settle();
      }
    };
    return drain;
  }

  #settle(): void {
    if (!this.#draining || this.#inFlight > 0) return;
    if (this.#connections > 0 && !this.#lingered) return;
    clearTimeout(this.#timer);
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

function shuttingDown(): Problem {
  return new Problem(
    503,
    'shutting_down',
    'Shutting down',
    'This instance is shutting down and accepted nothing from this request; retry it.',
    undefined,
    { 'Retry-After': '1', Connection: 'close' },
  );
}
