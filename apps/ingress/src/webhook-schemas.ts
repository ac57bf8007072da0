import { z } from 'zod';
import { WEBHOOK_ATTEMPT_OUTCOMES } from '@herald/store';
import type { WebhookAttempt, WebhookEndpoint, WebhookEndpointStats } from '@herald/store';
import {
  EventFilterError,
  WEBHOOK_EVENT_TYPES,
  WebhookSecretError,
  parseFilter,
  parseSecret,
} from '@herald/webhooks';

// Requests and answers of the webhook endpoint API (routes/webhooks.ts). They validate requests
// and generate the OpenAPI document, like schemas.ts and response-schemas.ts.

/** Most custom headers on one endpoint. */
export const MAX_CUSTOM_HEADERS = 20;
/** How far back `POST …/recover` may go. */
export const MAX_RECOVER_DAYS = 30;
/** Longest grace period of a rotated secret: a week. */
export const MAX_GRACE_SECONDS = 604_800;

const MAX_SECRET_BYTES = 64;
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, spaces and tabs, and obs-text: no CR, LF or NUL to split a header.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// Herald sets these, or they frame the request: a tenant's header must not replace them.
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

function reservedHeaderReason(name: string): string | null {
  const lower = name.toLowerCase();
  if (lower.startsWith('webhook-')) return 'webhook-* headers carry the signature and are set by Herald';
  if (lower.startsWith('proxy-')) return 'proxy-* headers are not sent to an endpoint';
  if (RESERVED_HEADERS.has(lower)) return `${lower} is set by Herald`;
  return null;
}

const url = z
  .string()
  .min(1)
  .max(2048)
  .describe('Where to POST: http(s), resolving to public addresses only.');

const eventTypes = z
  .array(z.string().min(1).max(100))
  .max(WEBHOOK_EVENT_TYPES.length + 2)
  .superRefine((filters, ctx) => {
    filters.forEach((filter, index) => {
      try {
        parseFilter(filter);
      } catch (error) {
        if (!(error instanceof EventFilterError)) throw error;
        ctx.addIssue({ code: 'custom', path: [index], message: error.message });
      }
    });
  })
  .transform((filters) => [...new Set(filters)])
  .describe(
    `Event types to receive: ${WEBHOOK_EVENT_TYPES.join(', ')}, a group such as \`message.*\`, ` +
      'or `*`. Empty or omitted: every type.',
  );

const headers = z
  .record(z.string().max(256), z.string().max(4096))
  .superRefine((record, ctx) => {
    const names = Object.keys(record);
    if (names.length > MAX_CUSTOM_HEADERS)
      ctx.addIssue({ code: 'custom', path: [], message: `at most ${MAX_CUSTOM_HEADERS} headers` });
    const seen = new Set<string>();
    for (const name of names) {
      const reason = HTTP_TOKEN.test(name) ? reservedHeaderReason(name) : 'not a valid header name';
      if (reason !== null) ctx.addIssue({ code: 'custom', path: [name], message: reason });
      if (seen.has(name.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: [name], message: 'the same header twice (names ignore case)' });
      seen.add(name.toLowerCase());
      if (!HEADER_VALUE.test(record[name] ?? ''))
        ctx.addIssue({ code: 'custom', path: [name], message: 'control characters are not allowed' });
    }
  })
  .describe(`Custom headers sent with every delivery (at most ${MAX_CUSTOM_HEADERS}).`);

const secret = z
  .string()
  .startsWith('whsec_', 'expected whsec_ followed by base64')
  .superRefine((value, ctx) => {
    try {
      if (parseSecret(value).length > MAX_SECRET_BYTES)
        ctx.addIssue({ code: 'custom', message: `at most ${MAX_SECRET_BYTES} bytes once decoded` });
    } catch (error) {
      if (!(error instanceof WebhookSecretError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  })
  .describe('Bring your own secret: `whsec_` + base64 of 24 to 64 bytes. Generated when omitted.');

const description = z.string().max(500).nullable().describe('A note for people.');
const ordered = z
  .boolean()
  .describe("Deliver each message's webhooks one at a time, in the order they happened.");
const maxConcurrency = z.int().min(1).max(100).describe('Deliveries in flight at once to this endpoint.');

/** Body of `POST /v1/webhooks/endpoints`. */
export const createEndpointBody = z.strictObject({
  url,
  description: description.optional(),
  event_types: eventTypes.default([]),
  headers: headers.default({}),
  ordered: ordered.default(false),
  max_concurrency: maxConcurrency.default(10),
  secret: secret.optional(),
});

/** Body of `PATCH /v1/webhooks/endpoints/{id}`: only the fields given change. */
export const patchEndpointBody = z
  .strictObject({
    url: url.optional(),
    description: description.optional(),
    event_types: eventTypes.optional(),
    headers: headers.optional(),
    ordered: ordered.optional(),
    max_concurrency: maxConcurrency.optional(),
    enabled: z
      .boolean()
      .optional()
      .describe('`true` re-enables (and restarts the failure window); `false` disables as `manual`.'),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

/** Body of `POST /v1/webhooks/endpoints/{id}/secret/rotate`; it may be empty. */
export const rotateSecretBody = z.strictObject({
  grace_seconds: z
    .int()
    .min(0)
    .max(MAX_GRACE_SECONDS)
    .default(86_400)
    .describe('How long the previous secret keeps signing (0: not at all).'),
  secret: secret.optional(),
});

const instant = z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time, e.g. 2026-11-22T10:00:00Z' });

/** Body of `POST /v1/webhooks/endpoints/{id}/recover`. */
export const recoverBody = z.strictObject({
  since: instant.describe(
    `Re-send webhooks of events from this time on (at most ${MAX_RECOVER_DAYS} days ago).`,
  ),
  until: instant.optional().describe('Up to this time (exclusive); now by default.'),
});

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size.'),
  cursor: z.string().min(1).max(200).optional().describe('`next_cursor` of the previous page.'),
};

/** Query of `GET /v1/webhooks/endpoints`. */
export const listEndpointsQuery = z.strictObject(pageQuery);

/** Query of `GET /v1/webhooks/endpoints/{id}/attempts`. */
export const listAttemptsQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(WEBHOOK_ATTEMPT_OUTCOMES).optional().describe('Only attempts with this outcome.'),
});

/** Query of `GET /v1/webhooks/endpoints/{id}/stats`. */
export const statsQuery = z.strictObject({
  since: instant.optional().describe('Attempts started from this time on; 24 hours ago by default.'),
});

/** Path of the routes on one endpoint. */
export const endpointParams = z.strictObject({ id: z.string().describe('The endpoint id (`ep_…`).') });

/** Path of `POST /v1/webhooks/endpoints/{id}/messages/{messageId}/resend`. */
export const resendParams = endpointParams.extend({
  messageId: z.uuid().describe('The Herald message id.'),
});

const time = z.iso.datetime();
const nullableTime = time.nullable();
const cursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last.');

/** An endpoint as listed: never its secret. */
export const endpointSchema = z.strictObject({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  event_types: z.array(z.string()).describe('Empty: every type.'),
  headers: z.record(z.string(), z.string()),
  ordered: z.boolean(),
  max_concurrency: z.int(),
  enabled: z.boolean(),
  disabled_reason: z
    .enum(['manual', 'gone', 'failing'])
    .nullable()
    .describe('`manual`: by you; `gone`: the endpoint answered 410; `failing`: it failed for too long.'),
  disabled_detail: z.string().nullable(),
  disabled_at: nullableTime,
  failing_since: nullableTime.describe('Start of the current run of failures; null while it succeeds.'),
  previous_secret_expires_at: nullableTime.describe('Until when the previous secret also signs.'),
  created_at: time,
  updated_at: time,
});

/** The answer to creating an endpoint: the endpoint and its secret. */
export const createdEndpointSchema = endpointSchema.extend({ secret: z.string() });

/** A page of endpoints. */
export const endpointPageSchema = z.strictObject({ data: z.array(endpointSchema), next_cursor: cursor });

/** An endpoint's signing secret. */
export const endpointSecretSchema = z.strictObject({
  secret: z.string(),
  previous_secret_expires_at: nullableTime.describe('Until when the previous secret also signs.'),
});

/** The secret that signs deliveries to messages' own `callback_url`. */
export const callbackSecretSchema = z.strictObject({ secret: z.string() });

/** One attempt of the log. */
export const attemptSchema = z.strictObject({
  id: z.string(),
  webhook_message_id: z.string().describe('The `webhook-id` header, stable across retries.'),
  message_id: z.uuid().describe('The Herald message the webhook is about.'),
  event_type: z.string(),
  attempt: z.int().describe('1 for the first attempt of a delivery.'),
  started_at: time,
  status_code: z.int().nullable().describe('Null on a timeout or network error.'),
  latency_ms: z.int(),
  outcome: z.enum(WEBHOOK_ATTEMPT_OUTCOMES),
  error: z.string().nullable(),
  response_excerpt: z.string().nullable(),
  next_attempt_at: nullableTime.describe('When the delivery is tried again; null: never.'),
});

/** A page of the attempt log. */
export const attemptPageSchema = z.strictObject({ data: z.array(attemptSchema), next_cursor: cursor });

const latency = z.number().nullable();

/** An endpoint's delivery figures. */
export const statsSchema = z.strictObject({
  since: time,
  until: time,
  attempts: z.strictObject({
    total: z.int(),
    delivered: z.int(),
    retry: z.int(),
    gone: z.int(),
    failed: z.int(),
  }),
  success_rate: z.number().nullable().describe('delivered / total; null without attempts.'),
  latency_ms: z.strictObject({ p50: latency, p95: latency, p99: latency }),
  pending: z.strictObject({
    deliveries: z.int().describe('Deliveries waiting for an attempt, whenever enqueued.'),
    oldest_next_attempt_at: nullableTime,
  }),
  last_success_at: nullableTime,
  last_failure_at: nullableTime,
});

/** How many deliveries a resend or recover enqueued. */
export const enqueuedSchema = z.strictObject({ enqueued: z.int() });

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** Until when the previous secret signs, or null once it no longer does. */
export function previousSecretExpiresAt(endpoint: WebhookEndpoint, now: number): string | null {
  const expires = endpoint.previousSecretExpiresAt;
  return endpoint.previousSecret !== null && expires !== null && expires > now ? iso(expires) : null;
}

/** An endpoint as the API shows it, without its secret. */
export function endpointResource(endpoint: WebhookEndpoint, now: number): z.infer<typeof endpointSchema> {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    event_types: endpoint.eventTypes,
    headers: endpoint.headers,
    ordered: endpoint.ordered,
    max_concurrency: endpoint.maxConcurrency,
    enabled: endpoint.enabled,
    disabled_reason: endpoint.disabledReason,
    disabled_detail: endpoint.disabledDetail,
    disabled_at: isoOrNull(endpoint.disabledAt),
    failing_since: isoOrNull(endpoint.failingSince),
    previous_secret_expires_at: previousSecretExpiresAt(endpoint, now),
    created_at: iso(endpoint.createdAt),
    updated_at: iso(endpoint.updatedAt),
  };
}

/** One attempt as the API shows it. */
export function attemptResource(attempt: WebhookAttempt): z.infer<typeof attemptSchema> {
  return {
    id: attempt.id,
    webhook_message_id: attempt.webhookMessageId,
    message_id: attempt.messageId,
    event_type: attempt.eventType,
    attempt: attempt.attempt,
    started_at: iso(attempt.startedAt),
    status_code: attempt.statusCode,
    latency_ms: attempt.latencyMs,
    outcome: attempt.outcome,
    error: attempt.error,
    response_excerpt: attempt.responseExcerpt,
    next_attempt_at: isoOrNull(attempt.nextAttemptAt),
  };
}

const tenth = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

/** The figures as the API shows them, with the success rate derived from them. */
export function statsResource(
  stats: WebhookEndpointStats,
  range: { since: number; until: number },
): z.infer<typeof statsSchema> {
  const total = WEBHOOK_ATTEMPT_OUTCOMES.reduce((sum, outcome) => sum + stats.attempts[outcome], 0);
  return {
    since: iso(range.since),
    until: iso(range.until),
    attempts: { total, ...stats.attempts },
    success_rate: total === 0 ? null : stats.attempts.delivered / total,
    latency_ms: {
      p50: tenth(stats.latencyMs.p50),
      p95: tenth(stats.latencyMs.p95),
      p99: tenth(stats.latencyMs.p99),
    },
    pending: {
      deliveries: stats.pending,
      oldest_next_attempt_at: isoOrNull(stats.oldestPendingNextAttemptAt),
    },
    last_success_at: isoOrNull(stats.lastSuccessAt),
    last_failure_at: isoOrNull(stats.lastFailureAt),
  };
}
