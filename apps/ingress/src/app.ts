import { Hono } from 'hono';
import type { Context } from 'hono';
import { except } from 'hono/combine';
import { requestId } from 'hono/request-id';
import { loadCommonConfig } from '@herald/config';
import type { ProviderConfig } from '@herald/config';
import { DEFAULT_PRICE_TABLE } from '@herald/domain';
import type { PriceTable } from '@herald/domain';
import type { BatchingProducer, SchemaCatalog } from '@herald/kafka';
import type { Pool } from '@herald/store';
import { httpTracing, mountOpsRoutes } from '@herald/telemetry';
import type { Logger, ReadinessProbe, Registry } from '@herald/telemetry';
import { DEVELOPMENT_CALLBACK_SIGNING_SECRET, defaultAllowList } from '@herald/webhooks';
import { DEFAULT_AUTH_SETTINGS } from './auth/settings.js';
import type { AuthSettings } from './auth/settings.js';
import { tenantGuards } from './auth/tenant-guards.js';
import { API_OPERATIONS, apiInfo } from './api-catalog.js';
import { httpMetrics } from './http-metrics.js';
import { topicSettingsFromConfig } from './asyncapi.js';
import type { TopicSettings } from './asyncapi.js';
import { RequestDrain } from './drain.js';
import { idempotency } from './idempotency.js';
import { inboundKeywordHandler } from './inbound-keywords.js';
import { requestBody } from './request-body.js';
import { createIngressMetrics } from './metrics.js';
import { ingressLookups } from './lookups.js';
import { Problem, renderProblem, toProblem } from './problems.js';
import { adminRoutes } from './routes/admin.js';
import { adminDlqRoutes } from './routes/admin-dlq.js';
import { adminProviderHealthRoutes } from './routes/admin-provider-health.js';
import { asyncApiRoutes } from './routes/asyncapi.js';
import { batchRoutes } from './routes/batch.js';
import { broadcastsRoutes } from './routes/broadcasts.js';
import { docsRoutes } from './routes/docs.js';
import { meRoutes } from './routes/me.js';
import { usageRoutes } from './routes/usage.js';
import { messagesRoutes } from './routes/messages.js';
import { optOutsRoutes } from './routes/opt-outs.js';
import { twilioCallbackRoutes } from './routes/twilio-callbacks.js';
import { telegramCallbackRoutes } from './routes/telegram-callbacks.js';
import { whatsappCallbackRoutes } from './routes/whatsapp-callbacks.js';
import { webhooksRoutes } from './routes/webhooks.js';
import type { WebhookSettings } from './routes/webhooks.js';

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
  /** Admin token, JWT keys and default rate limit; without it: no admin API, no JWTs, 100/s. */
  auth?: AuthSettings;
  /** Message prices; DEFAULT_PRICE_TABLE when omitted. */
  prices?: PriceTable;
  /** How long Idempotency-Keys are remembered (default one day). */
  idempotencyTtlSeconds?: number;
  /** How long a cancel waits for the router's answer (default 5 s). */
  cancelWaitMs?: number;
  /** Body limit of POST /v1/broadcasts, which carries up to 100,000 recipients (default 16 MiB). */
  maxBroadcastBodyBytes?: number;
  /** Webhook URL allowlist and callback master secret; DEFAULT_WEBHOOK_SETTINGS when omitted. */
  webhooks?: WebhookSettings;
  /** Topics, partitions, retention, brokers and registry /asyncapi.json describes; defaults when omitted. */
  topicSettings?: TopicSettings;
  /** Shutdown drain: main.ts begins it on SIGTERM; a fresh, never-draining one when omitted. */
  drain?: RequestDrain;
}

/** Loopback allowed, the public development callback master secret: development only. */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allow: defaultAllowList('development'),
  callbackSigningSecret: DEVELOPMENT_CALLBACK_SIGNING_SECRET,
};

/** The 413 for a body over `maxBytes`. */
function tooLarge(_c: Context, maxBytes: number): never {
  throw new Problem(
    413,
    'payload_too_large',
    'Payload too large',
    `Bodies are limited to ${maxBytes} bytes.`,
  );
}

/** The ingress HTTP application: public API, provider callbacks and ops endpoints. */
export function createIngressApp(deps: IngressDeps): Hono {
  const clock = deps.clock ?? Date.now;
  const app = new Hono();

  app.use(requestId());
  // After requestId, so the request's span carries it; before everything else, so it spans it all.
  app.use(httpTracing({ attributes: (c) => ({ 'herald.request_id': c.get('requestId') }) }));
  app.use(httpMetrics(createIngressMetrics(deps.metrics)));
  // After `httpMetrics`, so refusals while draining are counted; before everything that does work.
  const drain = deps.drain ?? new RequestDrain();
  app.use(drain.middleware());
  const maxBroadcastBytes = deps.maxBroadcastBodyBytes ?? 16 * 1024 * 1024;
  app.use(
    requestBody({
      maxBytes: (c) => (c.req.path === '/v1/broadcasts' ? maxBroadcastBytes : deps.maxBodyBytes),
      tooLarge,
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

  mountOpsRoutes(app, deps.metrics, deps.ready, { draining: () => drain.draining });
  const auth = deps.auth ?? DEFAULT_AUTH_SETTINGS;
  app.route(
    '/v1/admin/dlq',
    adminDlqRoutes({ pool: deps.pool, producer: deps.producer, adminToken: auth.adminToken, clock }),
  );
  app.route(
    '/v1/admin/providers/health',
    adminProviderHealthRoutes({ pool: deps.pool, adminToken: auth.adminToken, clock }),
  );
  app.route('/v1/admin', adminRoutes({ pool: deps.pool, adminToken: auth.adminToken, clock }));
  // The admin API has its own token and no tenant: tenant auth and rate limits guard the rest of /v1.
  const lookups = ingressLookups(deps.pool);
  app.use(
    '/v1/*',
    except(
      ['/v1/admin', '/v1/admin/*'],
      ...tenantGuards({ ...deps, auth, clock, authenticateKey: lookups.authenticateKey }),
    ),
  );
  app.route('/v1/me', meRoutes({ pool: deps.pool, rateLimit: auth.rateLimit }));
  app.route('/v1/usage', usageRoutes({ pool: deps.pool, clock }));
  const api = {
    ...deps,
    lookups,
    clock,
    prices: deps.prices ?? DEFAULT_PRICE_TABLE,
    cancelWaitMs: deps.cancelWaitMs ?? 5000,
  };
  const idempotencyTtlSeconds = deps.idempotencyTtlSeconds ?? 86_400;
  app.use(
    '/v1/*',
    except(['/v1/admin', '/v1/admin/*'], idempotency({ ...deps, ttlSeconds: idempotencyTtlSeconds })),
  );
  app.route('/v1/messages/batch', batchRoutes(api));
  app.route('/v1/messages', messagesRoutes(api));
  app.route('/v1/broadcasts', broadcastsRoutes(api));
  app.route('/v1/opt-outs', optOutsRoutes(api));
  app.route(
    '/v1/webhooks',
    webhooksRoutes({ pool: deps.pool, clock, ...(deps.webhooks ?? DEFAULT_WEBHOOK_SETTINGS) }),
  );
  app.route(
    '/providers/twilio',
    twilioCallbackRoutes({
      ...deps,
      eventsTopic: deps.topics.events,
      clock,
      onInbound: inboundKeywordHandler(deps.pool, deps.log),
    }),
  );
  app.route(
    '/providers/whatsapp',
    whatsappCallbackRoutes({ ...deps, eventsTopic: deps.topics.events, clock }),
  );
  app.route(
    '/providers/telegram',
    telegramCallbackRoutes({ ...deps, onInbound: inboundKeywordHandler(deps.pool, deps.log) }),
  );
  app.route('/', docsRoutes(apiInfo(deps.publicUrl), API_OPERATIONS));
  app.route('/', asyncApiRoutes(deps.topicSettings ?? topicSettingsFromConfig(loadCommonConfig({}))));
  return app;
}
