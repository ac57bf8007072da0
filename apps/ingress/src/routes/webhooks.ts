import type { Context } from 'hono';
import { Hono } from 'hono';
import type { z } from 'zod';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  enqueueWebhookRecovery,
  enqueueWebhookResend,
  findWebhookEndpoint,
  listWebhookAttempts,
  listWebhookEndpoints,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
  webhookEndpointStats,
} from '@herald/store';
import type { Pool, WebhookEndpoint } from '@herald/store';
import { callbackSecretFor, checkUrl, generateSecret } from '@herald/webhooks';
import type { AllowList, Lookup } from '@herald/webhooks';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { ApiEnv } from '../ingress-context.js';
import { Problem } from '../problems.js';
import { invalid, readBody, readQuery } from '../read-json.js';
import {
  MAX_RECOVER_DAYS,
  attemptResource,
  createEndpointBody,
  endpointResource,
  listAttemptsQuery,
  listEndpointsQuery,
  patchEndpointBody,
  previousSecretExpiresAt,
  recoverBody,
  rotateSecretBody,
  statsQuery,
  statsResource,
} from '../webhook-schemas.js';

/** How the webhook API checks endpoint URLs and signs callback_url deliveries. */
export interface WebhookSettings {
  /** What may be called although not public (HERALD_WEBHOOK_ALLOWED_HOSTS). */
  allow: AllowList;
  /** Resolver of endpoint host names; the system resolver by default (tests inject one). */
  lookup?: Lookup;
  /** Master secret the per-tenant callback secrets derive from (HERALD_CALLBACK_SIGNING_SECRET). */
  callbackSigningSecret: string;
}

/** What the webhook API needs from the process. */
export interface WebhookRoutesDeps extends WebhookSettings {
  pool: Pool;
  clock: () => number;
}

const DAY_MS = 86_400_000;
const ENDPOINT_CURSOR = [/^\d{1,20}$/, /^ep_[0-9a-f]{24}$/];
const ATTEMPT_CURSOR = [/^\d{1,19}$/];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const endpointNotFound = (id: string) =>
  new Problem(404, 'not_found', 'Webhook endpoint not found', `No webhook endpoint ${id} on this account.`);

/**
 * The SSRF guard on a tenant's URL: 400 when it is no URL at all, 422 `webhook_url_not_allowed`
 * naming the refused address and range (or scheme, or credentials), 422 `webhook_url_unresolvable`
 * when DNS has no answer. The dispatcher checks again, and connects only to the checked address.
 * Returns the URL as WHATWG normalises it (`http://0x7f.1` → `http://127.0.0.1/`): what is stored
 * and shown is what gets called.
 */
async function checkEndpointUrl(url: string, settings: WebhookSettings): Promise<string> {
  const checked = await checkUrl(url, {
    allow: settings.allow,
    ...(settings.lookup ? { lookup: settings.lookup } : {}),
  });
  if (checked.ok) return checked.value.url.href;
  const { code, message } = checked.error;
  const errors = [{ field: 'url', message }];
  if (code === 'invalid_url')
    throw new Problem(400, 'validation_failed', 'The request body is invalid', undefined, errors);
  if (code === 'dns_failed')
    throw new Problem(422, 'webhook_url_unresolvable', 'Webhook URL does not resolve', message, errors);
  throw new Problem(422, 'webhook_url_not_allowed', 'Webhook URL not allowed', message, errors);
}

/** A body that may be left out altogether: validated as `{}` when the request has none. */
async function readOptionalBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const length = c.req.header('content-length');
  const empty = c.req.header('content-type') === undefined && (length === undefined || length === '0');
  if (!empty) return readBody(c, schema);
  const parsed = schema.safeParse({});
  if (!parsed.success) throw invalid('request body', parsed.error);
  return parsed.data;
}

/**
 * The tenant's webhook endpoints under `/v1/webhooks`: create, list, change, delete, secrets and
 * their rotation, the attempt log and stats, resend and recover. Another tenant's endpoint is 404.
 * Resend and recover only enqueue deliveries; the dispatcher (apps/webhooks) delivers them.
 */
export function webhooksRoutes(deps: WebhookRoutesDeps) {
  const app = new Hono<ApiEnv>();

  /** The tenant's endpoint named in the path, or 404. */
  async function endpointOf(c: Context<ApiEnv>): Promise<WebhookEndpoint> {
    const id = c.req.param('id') ?? '';
    const endpoint = await findWebhookEndpoint(deps.pool, c.get('tenantId'), id);
    if (endpoint === null) throw endpointNotFound(id);
    return endpoint;
  }

  /** Resend and recover go nowhere while the endpoint is disabled: 409, so nothing is lost quietly. */
  function requireEnabled(endpoint: WebhookEndpoint): void {
    if (endpoint.enabled) return;
    throw new Problem(
      409,
      'webhook_endpoint_disabled',
      'Webhook endpoint disabled',
      `Endpoint ${endpoint.id} is disabled (${endpoint.disabledReason ?? 'manual'}); enable it first ` +
        'with PATCH {"enabled": true}.',
    );
  }

  app.get('/callback-secret', (c) =>
    c.json({ secret: callbackSecretFor(deps.callbackSigningSecret, c.get('tenantId')) }),
  );

  app.post('/endpoints', async (c) => {
    const body = await readBody(c, createEndpointBody);
    const url = await checkEndpointUrl(body.url, deps);
    const endpoint = await createWebhookEndpoint(deps.pool, {
      tenantId: c.get('tenantId'),
      url,
      description: body.description ?? null,
      eventTypes: body.event_types,
      headers: body.headers,
      ordered: body.ordered,
      maxConcurrency: body.max_concurrency,
      secret: body.secret ?? generateSecret(),
    });
    c.header('Location', `/v1/webhooks/endpoints/${endpoint.id}`);
    return c.json({ ...endpointResource(endpoint, deps.clock()), secret: endpoint.secret }, 201);
  });

  app.get('/endpoints', async (c) => {
    const query = readQuery(c, listEndpointsQuery);
    const [createdAtMicros, id] = query.cursor ? decodeCursor(query.cursor, ENDPOINT_CURSOR) : [];
    const page = await listWebhookEndpoints(deps.pool, c.get('tenantId'), {
      limit: query.limit,
      ...(createdAtMicros && id ? { after: { createdAtMicros, id } } : {}),
    });
    const now = deps.clock();
    return c.json({
      data: page.endpoints.map((endpoint) => endpointResource(endpoint, now)),
      next_cursor: page.next ? encodeCursor([page.next.createdAtMicros, page.next.id]) : null,
    });
  });

  app.get('/endpoints/:id', async (c) => c.json(endpointResource(await endpointOf(c), deps.clock())));

  app.patch('/endpoints/:id', async (c) => {
    const body = await readBody(c, patchEndpointBody);
    const url = body.url === undefined ? undefined : await checkEndpointUrl(body.url, deps);
    const id = c.req.param('id');
    const now = deps.clock();
    const endpoint = await updateWebhookEndpoint(
      deps.pool,
      c.get('tenantId'),
      id,
      {
        ...(url !== undefined ? { url } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.event_types !== undefined ? { eventTypes: body.event_types } : {}),
        ...(body.headers !== undefined ? { headers: body.headers } : {}),
        ...(body.ordered !== undefined ? { ordered: body.ordered } : {}),
        ...(body.max_concurrency !== undefined ? { maxConcurrency: body.max_concurrency } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      },
      now,
    );
    if (endpoint === null) throw endpointNotFound(id);
    return c.json(endpointResource(endpoint, now));
  });

  app.delete('/endpoints/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await deleteWebhookEndpoint(deps.pool, c.get('tenantId'), id))) throw endpointNotFound(id);
    return c.body(null, 204);
  });

  app.get('/endpoints/:id/secret', async (c) => {
    const endpoint = await endpointOf(c);
    return c.json({
      secret: endpoint.secret,
      previous_secret_expires_at: previousSecretExpiresAt(endpoint, deps.clock()),
    });
  });

  app.post('/endpoints/:id/secret/rotate', async (c) => {
    const body = await readOptionalBody(c, rotateSecretBody);
    const id = c.req.param('id');
    const now = deps.clock();
    const endpoint = await rotateWebhookEndpointSecret(deps.pool, c.get('tenantId'), id, {
      secret: body.secret ?? generateSecret(),
      graceSeconds: body.grace_seconds,
      now,
    });
    if (endpoint === null) throw endpointNotFound(id);
    return c.json({
      secret: endpoint.secret,
      previous_secret_expires_at: previousSecretExpiresAt(endpoint, now),
    });
  });

  app.get('/endpoints/:id/attempts', async (c) => {
    const query = readQuery(c, listAttemptsQuery);
    const endpoint = await endpointOf(c);
    const [before] = query.cursor ? decodeCursor(query.cursor, ATTEMPT_CURSOR) : [];
    const page = await listWebhookAttempts(deps.pool, endpoint.tenantId, endpoint.id, {
      limit: query.limit,
      ...(before ? { before } : {}),
      ...(query.status ? { outcome: query.status } : {}),
    });
    const last = page.attempts[page.attempts.length - 1];
    return c.json({
      data: page.attempts.map(attemptResource),
      next_cursor: page.hasMore && last ? encodeCursor([last.id]) : null,
    });
  });

  app.get('/endpoints/:id/stats', async (c) => {
    const query = readQuery(c, statsQuery);
    const endpoint = await endpointOf(c);
    const until = deps.clock();
    const since = query.since === undefined ? until - DAY_MS : Date.parse(query.since);
    if (since >= until) throw rangeProblem('since', '`since` must be in the past.');
    const range = { since, until };
    const stats = await webhookEndpointStats(deps.pool, endpoint.tenantId, endpoint.id, range);
    return c.json(statsResource(stats, range));
  });

  app.post('/endpoints/:id/messages/:messageId/resend', async (c) => {
    const endpoint = await endpointOf(c);
    const messageId = c.req.param('messageId');
    requireEnabled(endpoint);
    // A malformed id names no message: 404 like an unknown one, as GET /v1/messages/:id does.
    const result = UUID.test(messageId)
      ? await enqueueWebhookResend(deps.pool, {
          tenantId: endpoint.tenantId,
          endpointId: endpoint.id,
          messageId,
          now: deps.clock(),
        })
      : { found: false, enqueued: 0 };
    if (!result.found)
      throw new Problem(
        404,
        'not_found',
        'No webhooks for this message',
        `Message ${messageId} has no webhook messages on this account.`,
      );
    return c.json({ enqueued: result.enqueued }, 202);
  });

  app.post('/endpoints/:id/recover', async (c) => {
    const body = await readBody(c, recoverBody);
    const endpoint = await endpointOf(c);
    const now = deps.clock();
    const since = Date.parse(body.since);
    const until = body.until === undefined ? now : Date.parse(body.until);
    if (since < now - MAX_RECOVER_DAYS * DAY_MS)
      throw rangeProblem('since', `\`since\` is at most ${MAX_RECOVER_DAYS} days ago.`);
    if (since >= until) throw rangeProblem('since', '`since` must be before `until`.');
    requireEnabled(endpoint);
    const enqueued = await enqueueWebhookRecovery(deps.pool, {
      tenantId: endpoint.tenantId,
      endpointId: endpoint.id,
      since,
      until,
      now,
    });
    return c.json({ enqueued }, 202);
  });

  return app;
}

function rangeProblem(field: string, message: string): Problem {
  return new Problem(400, 'validation_failed', 'The range is invalid', message, [{ field, message }]);
}
