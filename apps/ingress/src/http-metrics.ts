import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { IngressMetrics } from './metrics.js';

/** The route label of a request that matched no handler (404s, scanners): one series, not one per path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The pattern of the handler that matched (`/v1/messages/:id`), whether or not it ran: a request
 * refused by a middleware (401, 429) is still counted under its route. Middleware is registered
 * for every method (`ALL`), so the last match with a method of its own is the handler.
 */
export function routeOf(c: Context): string {
  const handler = matchedRoutes(c).findLast((route) => route.method !== 'ALL');
  return handler?.path ?? UNMATCHED_ROUTE;
}

/** Counts every request and times it, labelled by method, route pattern and status. */
export function httpMetrics(metrics: IngressMetrics): MiddlewareHandler {
  return async function observeHttp(c, next) {
    const end = metrics.duration.startTimer();
    await next();
    const labels = { method: c.req.method, route: routeOf(c) };
    end(labels);
    metrics.requests.inc({ ...labels, status: String(c.res.status) });
  };
}
