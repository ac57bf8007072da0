import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, TextMapGetter } from '@opentelemetry/api';
import type { Context as HonoContext, Env, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { failSpan } from './trace-context.js';
import { heraldTracer } from './tracing.js';

/** Options of `httpTracing`. */
export interface HttpTracingOptions<E extends Env> {
  /** Paths left untraced: probes and scrapes would bury the requests that matter. */
  skipPaths?: readonly string[];
  /** Attributes of the request's span known once earlier middleware ran (a request id). */
  attributes?: (c: HonoContext<E>) => Attributes;
}

const DEFAULT_SKIPPED = ['/healthz', '/readyz', '/metrics'];

const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

/**
 * A SERVER span per HTTP request, continued from the client's `traceparent` when it sent a valid
 * one (a new trace otherwise), named after the matched route once it is known. The request's
 * handlers run in it, so records they produce and lines they log carry its trace.
 */
export function httpTracing<E extends Env = Env>(options: HttpTracingOptions<E> = {}): MiddlewareHandler<E> {
  const skipped = new Set(options.skipPaths ?? DEFAULT_SKIPPED);
  const attributesOf = options.attributes;
  return async function traceRequest(c, next) {
    if (skipped.has(c.req.path)) return next();
    const method = c.req.method;
    const parent = propagation.extract(ROOT_CONTEXT, c.req.raw.headers, headersGetter);
    const span = heraldTracer().startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'url.path': c.req.path,
          ...attributesOf?.(c),
        },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } catch (error) {
      failSpan(span, error);
      span.end();
      throw error;
    }
    // After `next`: the route of the handler that answered, not this middleware's `/*`.
    const route = routePath(c);
    const status = c.res.status;
    span.updateName(`${method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
    if (c.error !== undefined && status >= 500) failSpan(span, c.error);
    else if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
}
