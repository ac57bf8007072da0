import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** Options of `requestBody`. */
export interface RequestBodyOptions {
  /** The largest body accepted for a request (its path decides: broadcasts carry more). */
  maxBytes: (c: Context) => number;
  /** Answers a body over the limit (throws the 413 problem). */
  tooLarge: (c: Context, maxBytes: number) => never;
}

/**
 * Enforces the body limit and reads the body straight from Node's socket stream into hono's body
 * cache, so routes' `c.req.json()`, `text()`, `arrayBuffer()` and `parseBody()` never materialise
 * a web `Request` with a `ReadableStream` body. On the single-send path that conversion (and hono's
 * `bodyLimit`, which triggers it) cost about as much CPU as everything Herald does with the
 * message. Requests served without a Node server (tests' `app.request()`) use hono's `bodyLimit`.
 */
export function requestBody(options: RequestBodyOptions): MiddlewareHandler {
  const fallbacks = new Map<number, MiddlewareHandler>();
  const fallback = (maxBytes: number) => {
    let limit = fallbacks.get(maxBytes);
    if (!limit) {
      limit = bodyLimit({ maxSize: maxBytes, onError: (c) => options.tooLarge(c, maxBytes) });
      fallbacks.set(maxBytes, limit);
    }
    return limit;
  };
  return async function requestBody(c, next) {
    const maxBytes = options.maxBytes(c);
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming === undefined) return fallback(maxBytes)(c, next);
    const length = incoming.headers['content-length'];
    const chunked = incoming.headers['transfer-encoding'] !== undefined;
    if (length === undefined && !chunked) return next(); // no body
    if (!chunked && Number(length) > maxBytes) return options.tooLarge(c, maxBytes);
    const body = await readAtMost(incoming, maxBytes);
    if (body === null) return options.tooLarge(c, maxBytes);
    // hono keeps pending reads in this cache; every body accessor derives from the cached bytes.
    (c.req.bodyCache as { arrayBuffer?: Promise<ArrayBuffer> }).arrayBuffer = Promise.resolve(
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    );
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(body.toString('utf8'));
    await next();
  };
}

/** The whole body, or null as soon as it passes `maxBytes` (chunked bodies have no length up front). */
function readAtMost(incoming: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        incoming.off('data', onData);
        incoming.resume(); // discard the rest; the 413 is answered meanwhile
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    incoming.on('data', onData);
    incoming.once('end', () => resolve(Buffer.concat(chunks, size)));
    incoming.once('error', reject);
  });
}
