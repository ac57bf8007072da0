import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { ProviderConfig } from '@herald/config';
import type { BatchingProducer, SchemaCatalog } from '@herald/kafka';
import type { Pool } from '@herald/store';
import { Counter, Histogram, mountOpsRoutes } from '@herald/telemetry';
import type { Logger, ReadinessProbe, Registry } from '@herald/telemetry';
import { apiKeyAuth } from './auth.js';
import { Problem, renderProblem, toProblem } from './problems.js';
import { messagesRoutes } from './routes/messages.js';
import { twilioCallbackRoutes } from './routes/twilio-callbacks.js';

/** Everything the HTTP API needs; built by main.ts, or by tests with real dependencies. */
export interface IngressDeps {
  pool: Pool;
  producer: BatchingProducer;
  catalog: SchemaCatalog;
  topics: { requested: string; events: string };
  providers: readonly ProviderConfig[];
  publicUrl: string;
  maxBodyBytes: number;
  log: Logger;
  metrics: Registry;
  ready: ReadinessProbe;
  clock?: () => number;
}

/** The ingress HTTP application: public API, provider callbacks and ops endpoints. */
export function createIngressApp(deps: IngressDeps): Hono {
  const clock = deps.clock ?? Date.now;
  const app = new Hono();
  const requests = new Counter({
    name: 'herald_http_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'],
    registers: [deps.metrics],
  });
  const duration = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [deps.metrics],
  });

  app.use(requestId());
  app.use(async function observe(c, next) {
    const end = duration.startTimer();
    await next();
    const route = c.req.routePath;
    end({ method: c.req.method, route });
    requests.inc({ method: c.req.method, route, status: String(c.res.status) });
  });
  app.use(
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: () => {
        throw new Problem(
          413,
          'payload_too_large',
          'Payload too large',
          `Bodies are limited to ${deps.maxBodyBytes} bytes.`,
        );
      },
    }),
  );
  app.onError((error, c) => {
    const problem = toProblem(error);
    if (problem.status >= 500)
      deps.log.error({ err: error, requestId: c.get('requestId'), path: c.req.path }, 'request failed');
    return renderProblem(c, problem);
  });
  app.notFound((c) =>
    renderProblem(
      c,
      new Problem(404, 'not_found', 'Not found', `No route for ${c.req.method} ${c.req.path}.`),
    ),
  );

  mountOpsRoutes(app, deps.metrics, deps.ready);
  app.use('/v1/*', apiKeyAuth({ pool: deps.pool }));
  app.route('/v1/messages', messagesRoutes({ ...deps, requestedTopic: deps.topics.requested, clock }));
  app.route('/providers/twilio', twilioCallbackRoutes({ ...deps, eventsTopic: deps.topics.events, clock }));
  return app;
}
