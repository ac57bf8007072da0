import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { errors, request } from 'undici';
import { injectTraceContext } from '@herald/telemetry';
import { SsrfError, headersFor } from '@herald/webhooks';
import type { Destinations } from './destinations.js';

/** The most of a response body kept in the attempt log. */
export const RESPONSE_EXCERPT_BYTES = 1024;
// Past the excerpt, a response body is read (so the connection can be reused) up to this much.
const DRAIN_LIMIT_BYTES = 64 * 1024;

/** One attempt to POST a webhook message to its destination. */
export interface AttemptInput {
  url: string;
  /** The `webhook-id`: the webhook message id, the same on every attempt. */
  webhookId: string;
  payload: string;
  /** Secrets that sign, current first. */
  secrets: readonly string[];
  /** The endpoint's custom headers; they cannot replace the content type or the signature headers. */
  headers: Readonly<Record<string, string>>;
  destinations: Destinations;
  timeoutMs: number;
  /** Stops the attempt when the worker stops: it is then not recorded but handed back. */
  stop: Stopper;
  now?: () => number;
}

/**
 * Stops the attempts in flight at once. Each attempt registers itself rather than sharing an
 * AbortSignal: AbortSignal.any and AbortSignal.timeout per request halved the attempts a core
 * could make (Node 20), where an EventEmitter and a timer cost next to nothing.
 */
export class Stopper {
  private readonly listeners = new Set<() => void>();
  stopped = false;

  /** Calls `listener` on stop; returns the function that unregisters it. */
  onStop(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    for (const listener of this.listeners) listener();
    this.listeners.clear();
  }
}

/** What an attempt gave, as the attempt log records it. Times are epoch milliseconds. */
export interface AttemptResult {
  startedAt: number;
  latencyMs: number;
  /** What `outcomeOf` decides on: the status code, or how the request failed. */
  result: number | 'timeout' | 'network';
  statusCode: number | null;
  /** The Retry-After header, as received. */
  retryAfter: string | null;
  error: string | null;
  responseExcerpt: string | null;
}

/**
 * POSTs the payload, signed per Standard Webhooks, with the active trace context in `traceparent`,
 * through the destination's pinned agent; never follows a redirect (undici's `request` does not
 * unless told to), never throws. Resolves `aborted` when the worker stopped it.
 */
export async function attemptDelivery(input: AttemptInput): Promise<AttemptResult | 'aborted'> {
  const now = input.now ?? Date.now;
  const startedAt = now();
  const started = performance.now();
  const ended = (rest: Omit<AttemptResult, 'startedAt' | 'latencyMs'>): AttemptResult => ({
    startedAt,
    latencyMs: Math.round(performance.now() - started),
    ...rest,
  });
  const destination = await input.destinations.for(input.url);
  if (!destination.ok) return ended(refused(destination.error));
  if (input.stop.stopped) return 'aborted';
  // One emitter per attempt, fired by the deadline (the whole attempt, body included) or a stop.
  const abort = new EventEmitter();
  let cause: 'timeout' | 'stopped' | null = null;
  const fire = (why: 'timeout' | 'stopped') => {
    cause ??= why;
    abort.emit('abort');
  };
  const timer = setTimeout(() => fire('timeout'), input.timeoutMs);
  const unregister = input.stop.onStop(() => fire('stopped'));
  const headers: Record<string, string> = {
    ...lowerCased(input.headers),
    'content-type': 'application/json',
    'user-agent': 'Herald-Webhooks/1.0',
    ...headersFor({
      id: input.webhookId,
      timestamp: Math.floor(now() / 1000),
      body: input.payload,
      secrets: input.secrets,
    }),
  };
  // The attempt's span (the caller's) as `traceparent`, so a receiver that traces continues it.
  injectTraceContext(headers);
  try {
    const response = await request(input.url, {
      method: 'POST',
      dispatcher: destination.agent,
      headers,
      body: input.payload,
      signal: abort,
    });
    const excerpt = await readExcerpt(response.body);
    const status = response.statusCode;
    const retryAfter = headerValue(response.headers['retry-after']);
    const location = headerValue(response.headers.location);
    return ended({
      result: status,
      statusCode: status,
      retryAfter,
      error: status >= 200 && status <= 299 ? null : httpError(status, location),
      responseExcerpt: excerpt,
    });
  } catch (error) {
    if (cause === 'stopped') return 'aborted';
    if (cause === 'timeout' || isTimeout(error))
      return ended(failure('timeout', `timeout: no complete answer within ${input.timeoutMs} ms`));
    if (error instanceof SsrfError) return ended(refused(error));
    return ended(failure('network', `network: ${describe(error)}`));
  } finally {
    clearTimeout(timer);
    unregister();
  }
}

function refused(error: SsrfError): Omit<AttemptResult, 'startedAt' | 'latencyMs'> {
  return failure('network', `${error.code}: ${error.message}`);
}

function failure(
  result: 'timeout' | 'network',
  error: string,
): Omit<AttemptResult, 'startedAt' | 'latencyMs'> {
  return { result, statusCode: null, retryAfter: null, error, responseExcerpt: null };
}

function httpError(status: number, location: string | null): string {
  if (status >= 300 && status <= 399)
    return `HTTP ${status}: redirect${location === null ? '' : ` to ${location}`} not followed`;
  return `HTTP ${status}`;
}

/**
 * The first KB of the body as text. The rest is read and dropped, so the connection can be reused,
 * up to a limit past which the body is abandoned (and the connection closed).
 */
async function readExcerpt(body: AsyncIterable<Buffer>): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
    size += chunk.length;
    if (size > DRAIN_LIMIT_BYTES) break;
  }
  if (size === 0) return null;
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  );
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${typeof code === 'string' ? `${code} ` : ''}${error.message}${cause}`;
}
