import { z } from 'zod';
import type { ApiInfo, ApiOperation, ApiResponse } from './openapi.js';
import {
  batchResultSchema,
  broadcastAcceptedSchema,
  broadcastSchema,
  messagePageSchema,
  messageSchema,
  optOutPageSchema,
  optOutSchema,
  pendingCancellationSchema,
  timelineSchema,
} from './response-schemas.js';
import { addCreditsBody, createTenantBody, issueKeyBody, patchTenantBody } from './routes/admin.js';
import { providerHealthQuery } from './routes/admin-provider-health.js';
import { usageQuery } from './routes/usage.js';
import {
  MAX_RECOVER_DAYS,
  attemptPageSchema,
  callbackSecretSchema,
  createEndpointBody,
  createdEndpointSchema,
  endpointPageSchema,
  endpointParams,
  endpointSchema,
  endpointSecretSchema,
  enqueuedSchema,
  listAttemptsQuery,
  listEndpointsQuery,
  patchEndpointBody,
  recoverBody,
  resendParams,
  rotateSecretBody,
  statsQuery,
  statsSchema,
} from './webhook-schemas.js';
import {
  batchBody,
  broadcastBody,
  deleteOptOutQuery,
  idParams,
  listMessagesQuery,
  listOptOutsQuery,
  optOutBody,
  optOutParams,
  sendMessageBody,
} from './schemas.js';

// Every public route, documented from the schemas that validate it. A route added to the app
// without an entry here fails openapi-document.unit.spec.ts.

const problem = (description: string, headers?: Record<string, string>): ApiResponse => ({
  description,
  problem: true,
  ...(headers ? { headers } : {}),
});

const TENANT_ERRORS: Record<number, ApiResponse> = {
  401: problem('`unauthenticated`: no valid API key or JWT.', {
    'WWW-Authenticate': 'Bearer realm="herald"',
  }),
  403: problem('`tenant_suspended`: the tenant is suspended.'),
  429: problem('`rate_limited`: over the tenant’s rate; wait `Retry-After` seconds.', {
    'Retry-After': 'Seconds to wait.',
  }),
};

const IDEMPOTENCY_ERRORS: Record<number, ApiResponse> = {
  409: problem('`idempotency_in_progress`: a request with this Idempotency-Key is still running.'),
  422: problem('`idempotency_key_reused`: this Idempotency-Key was used with another body.'),
};

const BODY_ERRORS: Record<number, ApiResponse> = {
  400: problem('`validation_failed` (with field `errors`) or `malformed_json`.'),
  413: problem('`payload_too_large`.'),
  415: problem('`unsupported_media_type`: send application/json.'),
};

const KAFKA_ERROR: Record<number, ApiResponse> = {
  503: problem(
    '`kafka_unavailable`, or `shutting_down` (this instance is draining): nothing was accepted; retry with the same Idempotency-Key.',
    { 'Retry-After': 'Seconds to wait.' },
  ),
};

const replayed = { 'Idempotent-Replayed': '`true` when this is the stored answer to an earlier request.' };
const Message = { name: 'Message', schema: messageSchema };
const notFound = (what: string) => problem(`\`not_found\`: no such ${what} for this tenant.`);

const messageOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/v1/messages',
    operationId: 'sendMessage',
    summary: 'Send a message',
    description:
      'Answers 202 once the message is durable in Kafka. `status` is `scheduled` when `send_at` is given. ' +
      'SMS texts are segmented (GSM-7 160/153, UCS-2 70/67) and priced per part.',
    tag: 'Messages',
    auth: 'tenant',
    idempotent: true,
    body: { name: 'SendMessageRequest', schema: sendMessageBody },
    responses: {
      202: {
        description: 'Accepted.',
        body: Message,
        headers: { Location: 'The message URL.', ...replayed },
      },
      ...BODY_ERRORS,
      402: problem('`insufficient_credits`: the balance does not cover the price.'),
      ...IDEMPOTENCY_ERRORS,
      422: problem('`recipient_opted_out` or `idempotency_key_reused`.'),
      ...TENANT_ERRORS,
      ...KAFKA_ERROR,
    },
  },
  {
    method: 'get',
    path: '/v1/messages',
    operationId: 'listMessages',
    summary: 'List messages',
    description: 'Newest first; cursor pagination never skips or repeats a message.',
    tag: 'Messages',
    auth: 'tenant',
    query: listMessagesQuery,
    responses: {
      200: { description: 'A page of messages.', body: { name: 'MessagePage', schema: messagePageSchema } },
      400: problem('`validation_failed`: a bad filter or cursor.'),
      ...TENANT_ERRORS,
    },
  },
  {
    method: 'post',
    path: '/v1/messages/batch',
    operationId: 'sendBatch',
    summary: 'Send up to 1000 messages',
    description:
      'Each item is validated, checked and priced on its own: a bad item is rejected in its place and never ' +
      'fails the others. Answers once every accepted message is durable in Kafka.',
    tag: 'Messages',
    auth: 'tenant',
    idempotent: true,
    body: { name: 'BatchRequest', schema: batchBody },
    responses: {
      202: {
        description: 'Per-item results, in request order.',
        body: { name: 'BatchResult', schema: batchResultSchema },
        headers: replayed,
      },
      ...BODY_ERRORS,
      ...IDEMPOTENCY_ERRORS,
      ...TENANT_ERRORS,
      ...KAFKA_ERROR,
    },
  },
  {
    method: 'get',
    path: '/v1/messages/:id',
    operationId: 'getMessage',
    summary: 'Get a message',
    tag: 'Messages',
    auth: 'tenant',
    params: idParams,
    responses: {
      200: { description: 'The message.', body: Message },
      404: notFound('message'),
      ...TENANT_ERRORS,
    },
  },
  {
    method: 'get',
    path: '/v1/messages/:id/events',
    operationId: 'getMessageEvents',
    summary: 'A message’s timeline',
    description: 'Every event of the message in the order it happened.',
    tag: 'Messages',
    auth: 'tenant',
    params: idParams,
    responses: {
      200: { description: 'The timeline.', body: { name: 'Timeline', schema: timelineSchema } },
      404: notFound('message'),
      ...TENANT_ERRORS,
    },
  },
  {
    method: 'post',
    path: '/v1/messages/:id/cancel',
    operationId: 'cancelMessage',
    summary: 'Cancel a queued or scheduled message',
    description:
      'The router decides, since it may route the message first. 200 when cancelled, 409 when it was routed ' +
      'first, 202 with `cancellation: pending` when the router has not answered within the wait.',
    tag: 'Messages',
    auth: 'tenant',
    idempotent: true,
    params: idParams,
    responses: {
      200: { description: 'Cancelled.', body: Message, headers: replayed },
      202: {
        description: 'Requested; the outcome is not known yet.',
        body: { name: 'PendingCancellation', schema: pendingCancellationSchema },
        headers: replayed,
      },
      404: notFound('message'),
      409: problem('`message_not_cancellable` (already routed or ended) or `idempotency_in_progress`.'),
      422: problem('`idempotency_key_reused`.'),
      ...TENANT_ERRORS,
      ...KAFKA_ERROR,
    },
  },
];

const broadcastOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/v1/broadcasts',
    operationId: 'sendBroadcast',
    summary: 'Send one text to up to 100,000 recipients',
    description:
      'Each distinct valid recipient becomes a message carrying the broadcast id; invalid and opted-out ' +
      'recipients are rejected one by one. The body may be up to 16 MB. Answers once every message is in Kafka.',
    tag: 'Broadcasts',
    auth: 'tenant',
    idempotent: true,
    body: { name: 'BroadcastRequest', schema: broadcastBody },
    responses: {
      202: {
        description: 'Accepted.',
        body: { name: 'BroadcastAccepted', schema: broadcastAcceptedSchema },
        headers: { Location: 'The broadcast URL.', ...replayed },
      },
      ...BODY_ERRORS,
      402: problem('`insufficient_credits`: the balance does not cover every accepted message.'),
      ...IDEMPOTENCY_ERRORS,
      ...TENANT_ERRORS,
      ...KAFKA_ERROR,
    },
  },
  {
    method: 'get',
    path: '/v1/broadcasts/:id',
    operationId: 'getBroadcast',
    summary: 'Counts per status of a broadcast',
    description: 'From the messages read model: counts grow as messages are recorded and move on.',
    tag: 'Broadcasts',
    auth: 'tenant',
    params: idParams,
    responses: {
      200: { description: 'The broadcast.', body: { name: 'Broadcast', schema: broadcastSchema } },
      404: notFound('broadcast'),
      ...TENANT_ERRORS,
    },
  },
];

const OptOut = { name: 'OptOut', schema: optOutSchema };

const optOutOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/v1/opt-outs',
    operationId: 'addOptOut',
    summary: 'Block a recipient',
    description: 'Messages to the recipient (on the channel, or on every channel) are refused from now on.',
    tag: 'Opt-outs',
    auth: 'tenant',
    idempotent: true,
    body: { name: 'OptOutRequest', schema: optOutBody },
    responses: {
      201: { description: 'Added.', body: OptOut },
      200: { description: 'Already on the list.', body: OptOut },
      ...BODY_ERRORS,
      ...IDEMPOTENCY_ERRORS,
      ...TENANT_ERRORS,
    },
  },
  {
    method: 'get',
    path: '/v1/opt-outs',
    operationId: 'listOptOuts',
    summary: 'List blocked recipients',
    tag: 'Opt-outs',
    auth: 'tenant',
    query: listOptOutsQuery,
    responses: {
      200: {
        description: 'A page of the list, newest first.',
        body: { name: 'OptOutPage', schema: optOutPageSchema },
      },
      400: problem('`validation_failed`: a bad parameter or cursor.'),
      ...TENANT_ERRORS,
    },
  },
  {
    method: 'delete',
    path: '/v1/opt-outs/:recipient',
    operationId: 'removeOptOut',
    summary: 'Unblock a recipient',
    tag: 'Opt-outs',
    auth: 'tenant',
    params: optOutParams,
    query: deleteOptOutQuery,
    responses: {
      204: { description: 'Removed.' },
      400: problem('`validation_failed`.'),
      404: notFound('entry'),
      ...TENANT_ERRORS,
    },
  },
];

const WebhookEndpoint = { name: 'WebhookEndpoint', schema: endpointSchema };
const EndpointSecret = { name: 'WebhookEndpointSecret', schema: endpointSecretSchema };
const Enqueued = { name: 'WebhookEnqueued', schema: enqueuedSchema };
const webhook = (operation: Omit<ApiOperation, 'tag' | 'auth'>): ApiOperation => ({
  ...operation,
  path: `/v1/webhooks${operation.path}`,
  tag: 'Webhooks',
  auth: 'tenant',
  responses: { ...operation.responses, ...TENANT_ERRORS },
});
const URL_ERRORS: Record<number, ApiResponse> = {
  422: problem(
    '`webhook_url_not_allowed` (the detail names the refused address and range, the scheme or the ' +
      'credentials), `webhook_url_unresolvable` (DNS has no answer) or `idempotency_key_reused`.',
  ),
};

// The tenant's webhook endpoints (routes/webhooks.ts).
const webhookOperations: ApiOperation[] = [
  webhook({
    method: 'post',
    path: '/endpoints',
    operationId: 'createWebhookEndpoint',
    summary: 'Add a webhook endpoint',
    description:
      'The URL must be http(s) and resolve to public addresses only (or ones in ' +
      '`HERALD_WEBHOOK_ALLOWED_HOSTS`). The answer is the only one carrying the secret besides ' +
      '`GET …/secret`.',
    idempotent: true,
    body: { name: 'CreateWebhookEndpointRequest', schema: createEndpointBody },
    responses: {
      201: {
        description: 'Created, with its signing secret.',
        body: { name: 'CreatedWebhookEndpoint', schema: createdEndpointSchema },
        headers: { Location: 'The endpoint URL.', ...replayed },
      },
      ...BODY_ERRORS,
      ...IDEMPOTENCY_ERRORS,
      ...URL_ERRORS,
    },
  }),
  webhook({
    method: 'get',
    path: '/endpoints',
    operationId: 'listWebhookEndpoints',
    summary: 'List webhook endpoints',
    query: listEndpointsQuery,
    responses: {
      200: {
        description: 'A page of endpoints, newest first, without their secrets.',
        body: { name: 'WebhookEndpointPage', schema: endpointPageSchema },
      },
      400: problem('`validation_failed`: a bad parameter or cursor.'),
    },
  }),
  webhook({
    method: 'get',
    path: '/endpoints/:id',
    operationId: 'getWebhookEndpoint',
    summary: 'Get a webhook endpoint',
    description: 'With why and since when it is disabled, if it is.',
    params: endpointParams,
    responses: { 200: { description: 'The endpoint.', body: WebhookEndpoint }, 404: notFound('endpoint') },
  }),
  webhook({
    method: 'patch',
    path: '/endpoints/:id',
    operationId: 'updateWebhookEndpoint',
    summary: 'Change, disable or re-enable a webhook endpoint',
    description:
      'Only the fields given change; a new URL is checked like a new endpoint’s. Re-enabling delivers ' +
      'nothing by itself: use recover for what was missed.',
    params: endpointParams,
    body: { name: 'PatchWebhookEndpointRequest', schema: patchEndpointBody },
    responses: {
      200: { description: 'The endpoint.', body: WebhookEndpoint },
      ...BODY_ERRORS,
      404: notFound('endpoint'),
      422: problem('`webhook_url_not_allowed` or `webhook_url_unresolvable`.'),
    },
  }),
  webhook({
    method: 'delete',
    path: '/endpoints/:id',
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint, its pending deliveries and its attempt log',
    params: endpointParams,
    responses: { 204: { description: 'Deleted.' }, 404: notFound('endpoint') },
  }),
  webhook({
    method: 'get',
    path: '/endpoints/:id/secret',
    operationId: 'getWebhookEndpointSecret',
    summary: 'The endpoint’s signing secret',
    params: endpointParams,
    responses: { 200: { description: 'The secret.', body: EndpointSecret }, 404: notFound('endpoint') },
  }),
  webhook({
    method: 'post',
    path: '/endpoints/:id/secret/rotate',
    operationId: 'rotateWebhookEndpointSecret',
    summary: 'Rotate the signing secret',
    description:
      'The previous secret keeps signing beside the new one for `grace_seconds` (one day by default), ' +
      'so receivers can switch without missing a delivery. The body may be empty.',
    idempotent: true,
    params: endpointParams,
    body: { name: 'RotateWebhookSecretRequest', schema: rotateSecretBody },
    responses: {
      200: { description: 'The new secret.', body: EndpointSecret, headers: replayed },
      ...BODY_ERRORS,
      404: notFound('endpoint'),
      ...IDEMPOTENCY_ERRORS,
    },
  }),
  webhook({
    method: 'get',
    path: '/callback-secret',
    operationId: 'getCallbackSecret',
    summary: 'The secret that signs webhooks sent to messages’ own `callback_url`',
    responses: {
      200: { description: 'The secret.', body: { name: 'CallbackSecret', schema: callbackSecretSchema } },
    },
  }),
  webhook({
    method: 'get',
    path: '/endpoints/:id/attempts',
    operationId: 'listWebhookAttempts',
    summary: 'The endpoint’s attempt log',
    description: 'Newest first: status code, latency, an excerpt of the response and the next retry.',
    params: endpointParams,
    query: listAttemptsQuery,
    responses: {
      200: {
        description: 'A page of attempts.',
        body: { name: 'WebhookAttemptPage', schema: attemptPageSchema },
      },
      400: problem('`validation_failed`: a bad parameter or cursor.'),
      404: notFound('endpoint'),
    },
  }),
  webhook({
    method: 'get',
    path: '/endpoints/:id/stats',
    operationId: 'getWebhookEndpointStats',
    summary: 'The endpoint’s delivery figures',
    description:
      'Attempts started since `since` by outcome, success rate and latency percentiles; deliveries ' +
      'pending now; when the endpoint last succeeded and last failed.',
    params: endpointParams,
    query: statsQuery,
    responses: {
      200: { description: 'The figures.', body: { name: 'WebhookEndpointStats', schema: statsSchema } },
      400: problem('`validation_failed`: a bad time, or one in the future.'),
      404: notFound('endpoint'),
    },
  }),
  webhook({
    method: 'post',
    path: '/endpoints/:id/messages/:messageId/resend',
    operationId: 'resendWebhooks',
    summary: 'Send a message’s webhooks to the endpoint again',
    description:
      'Enqueues a delivery, due now, of every webhook about the message that the endpoint’s filters ' +
      'match, with their original `webhook-id`s.',
    idempotent: true,
    params: resendParams,
    responses: {
      202: { description: 'Enqueued.', body: Enqueued, headers: replayed },
      404: notFound('endpoint, or webhook about this message,'),
      409: problem('`webhook_endpoint_disabled` or `idempotency_in_progress`.'),
      422: problem('`idempotency_key_reused`.'),
    },
  }),
  webhook({
    method: 'post',
    path: '/endpoints/:id/recover',
    operationId: 'recoverWebhooks',
    summary: 'Send every webhook since a time to the endpoint again',
    description:
      `Enqueues a delivery, due now, of every webhook of events in [\`since\`, \`until\`) that the ` +
      `endpoint’s filters match, at most ${MAX_RECOVER_DAYS} days back.`,
    idempotent: true,
    params: endpointParams,
    body: { name: 'RecoverWebhooksRequest', schema: recoverBody },
    responses: {
      202: { description: 'Enqueued.', body: Enqueued, headers: replayed },
      ...BODY_ERRORS,
      404: notFound('endpoint'),
      409: problem('`webhook_endpoint_disabled` or `idempotency_in_progress`.'),
      422: problem('`idempotency_key_reused`.'),
    },
  }),
];

const text = (description: string) => ({ description });

const opsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: text('The process is up.') },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness of Kafka, the registry and Postgres',
    tag: 'Operations',
    auth: 'none',
    responses: {
      200: text('Ready.'),
      503: text('A dependency is down (the body says which), or the instance is shutting down (`draining`).'),
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: text('Metrics in the Prometheus text format.') },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: text('The OpenAPI 3.1 document.') },
  },
  {
    method: 'get',
    path: '/asyncapi.json',
    operationId: 'asyncApiDocument',
    summary: "The AsyncAPI 3.0 document of Herald's Kafka topics",
    description:
      'Every topic with its key, Avro value schemas, headers, producers, consumer groups, partitions and ' +
      'retention as this deployment is configured: what an analytics consumer needs besides the broker ' +
      'and registry addresses.',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: text('The AsyncAPI 3.0 document.') },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'apiReference',
    summary: 'The API reference page (renders this document)',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: text('HTML.') },
  },
];

const twilioStatus = z
  .looseObject({
    MessageSid: z.string(),
    MessageStatus: z.string(),
    To: z.string().optional(),
    ErrorCode: z.string().optional(),
  })
  .describe('Twilio status callback parameters; signed with X-Twilio-Signature.');

const providerOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/providers/twilio/status',
    operationId: 'twilioStatusCallback',
    summary: 'Twilio status callback',
    description:
      'Called by Twilio (or the simulator), not by clients. The query carries message_id, tenant_id and ' +
      'provider_id; the X-Twilio-Signature header is checked with the provider’s auth token.',
    tag: 'Provider callbacks',
    auth: 'none',
    body: { name: 'TwilioStatusCallback', schema: twilioStatus, form: true },
    responses: {
      204: text('Recorded.'),
      401: problem('`signature_missing`.'),
      403: problem('`signature_invalid`.'),
      404: problem('`unknown_provider`.'),
    },
  },
  {
    method: 'post',
    path: '/providers/twilio/inbound',
    operationId: 'twilioInbound',
    summary: 'Twilio inbound message (STOP/START keywords update the opt-out list)',
    description: 'Called by Twilio, not by clients; signed like the status callback. Answers empty TwiML.',
    tag: 'Provider callbacks',
    auth: 'none',
    body: {
      name: 'TwilioInbound',
      schema: z
        .looseObject({ From: z.string(), Body: z.string() })
        .describe('Twilio inbound message parameters.'),
      form: true,
    },
    responses: {
      200: text('Empty TwiML.'),
      401: problem('`signature_missing`.'),
      403: problem('`signature_invalid`.'),
    },
  },
];

const ADMIN_ERRORS: Record<number, ApiResponse> = {
  401: problem('`unauthenticated`: no admin token.'),
  403: problem('`forbidden`: not the admin token.'),
  404: problem('`not_found`: no such tenant or key.'),
  503: problem('`admin_disabled`: no admin token is configured.'),
};
const tenantId = z.strictObject({ id: z.string().describe('Tenant id.') });
const admin = (
  operation: Omit<ApiOperation, 'tag' | 'auth' | 'responses'> & { responses: Record<number, ApiResponse> },
): ApiOperation => ({
  ...operation,
  path: `/v1/admin${operation.path}`,
  tag: 'Admin',
  auth: 'admin',
  responses: { ...operation.responses, ...ADMIN_ERRORS },
});

// The admin API (routes/admin.ts) documented from its own request schemas.
const adminOperations: ApiOperation[] = [
  admin({
    method: 'post',
    path: '/tenants',
    operationId: 'createTenant',
    summary: 'Create a tenant',
    body: { name: 'CreateTenantRequest', schema: createTenantBody },
    responses: { 201: text('Created.'), ...BODY_ERRORS, 409: problem('`tenant_exists`.') },
  }),
  admin({
    method: 'get',
    path: '/tenants',
    operationId: 'listTenants',
    summary: 'List tenants',
    responses: { 200: text('Every tenant.') },
  }),
  admin({
    method: 'get',
    path: '/tenants/:id',
    operationId: 'getTenant',
    summary: 'Get a tenant',
    params: tenantId,
    responses: { 200: text('The tenant.') },
  }),
  admin({
    method: 'patch',
    path: '/tenants/:id',
    operationId: 'updateTenant',
    summary: 'Rename, suspend or change the rate limit of a tenant',
    params: tenantId,
    body: { name: 'PatchTenantRequest', schema: patchTenantBody },
    responses: { 200: text('The updated tenant.'), ...BODY_ERRORS },
  }),
  admin({
    method: 'post',
    path: '/tenants/:id/keys',
    operationId: 'issueApiKey',
    summary: 'Issue an API key (the secret is in this answer only)',
    params: tenantId,
    body: { name: 'IssueKeyRequest', schema: issueKeyBody },
    responses: { 201: text('The key, with its secret.'), ...BODY_ERRORS },
  }),
  admin({
    method: 'get',
    path: '/tenants/:id/keys',
    operationId: 'listApiKeys',
    summary: 'List a tenant’s API keys (never the secrets)',
    params: tenantId,
    responses: { 200: text('The keys.') },
  }),
  admin({
    method: 'delete',
    path: '/tenants/:id/keys/:keyId',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    params: tenantId.extend({ keyId: z.string().describe('Key id.') }),
    responses: { 200: text('The revoked key.') },
  }),
  admin({
    method: 'post',
    path: '/tenants/:id/credits',
    operationId: 'addCredits',
    summary: 'Add prepaid credits',
    params: tenantId,
    body: { name: 'AddCreditsRequest', schema: addCreditsBody },
    responses: { 201: text('The ledger entry and the new balance.'), ...BODY_ERRORS },
  }),
  admin({
    method: 'get',
    path: '/tenants/:id/credits',
    operationId: 'getCredits',
    summary: 'Balance and latest ledger entries',
    params: tenantId,
    responses: { 200: text('Balance and entries.') },
  }),
  admin({
    method: 'get',
    path: '/dlq',
    operationId: 'listDeadLetters',
    summary: 'Records consumers dead-lettered, with their reason (newest first, cursor pagination)',
    responses: {
      200: text('`{data: [...], next_cursor}`.'),
      400: problem('`validation_failed`: bad limit or cursor.'),
    },
  }),
  admin({
    method: 'post',
    path: '/dlq/:id/replay',
    operationId: 'replayDeadLetter',
    summary: 'Put a dead letter back on its source topic',
    params: z.strictObject({ id: z.string().describe('Dead letter id.') }),
    responses: { 202: text('The dead letter, with replayed_at.'), 409: problem('`dlq_not_replayable`.') },
  }),
  admin({
    method: 'get',
    path: '/providers/health',
    operationId: 'getProviderHealth',
    summary: 'Each provider’s sends, failures, delivery reports and send latency per minute',
    description:
      'From the provider-health read model, by the minute of the event: the minutes starting in ' +
      '[`from`, `to`), the last 60 minutes by default, at most 24 hours. `attempts` is sent + failed; ' +
      '`failure_rate` is failed / attempts (null without attempts); `latency_ms` covers sends only ' +
      '(null without sends). `totals` sums each provider over the range.',
    query: providerHealthQuery,
    responses: {
      200: text(
        '`{from, to, data: [{provider_id, minute, sent, failed, delivered, undelivered, attempts, ' +
          'failure_rate, latency_ms: {avg, max}}], totals: [{provider_id, …same figures}]}`.',
      ),
      400: problem('`validation_failed`: a bad time, `from` not before `to`, or more than 24 hours.'),
    },
  }),
];

const meOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/v1/me',
    operationId: 'me',
    summary: 'The calling tenant, its rate limit and balance',
    tag: 'Account',
    auth: 'tenant',
    responses: { 200: text('The tenant.'), ...TENANT_ERRORS },
  },
  {
    method: 'get',
    path: '/v1/usage',
    operationId: 'usage',
    summary: 'Messages, parts, deliveries, failures and spend per UTC day and channel',
    tag: 'Account',
    auth: 'tenant',
    query: usageQuery,
    responses: {
      200: text(
        '`{from, to, data: [{day, channel, messages, parts, delivered, failed, spend}]}`: `day` is the UTC day the messages were accepted; `failed` counts undelivered and failed ones; `spend` is the price of the messages a provider took.',
      ),
      400: problem('`validation_failed`.'),
      ...TENANT_ERRORS,
    },
  },
];

// Webhooks of the chat providers: called by Meta and Telegram, verified by their own signatures.
const chatWebhookOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/providers/whatsapp/webhook',
    operationId: 'whatsappWebhookVerification',
    summary: 'WhatsApp Cloud API webhook verification (hub.challenge)',
    tag: 'Provider callbacks',
    auth: 'none',
    responses: {
      200: text('The challenge, echoed.'),
      403: problem('`signature_invalid`: wrong verify token.'),
    },
  },
  {
    method: 'post',
    path: '/providers/whatsapp/webhook',
    operationId: 'whatsappWebhook',
    summary: 'WhatsApp Cloud API statuses and inbound messages (X-Hub-Signature-256)',
    tag: 'Provider callbacks',
    auth: 'none',
    responses: {
      200: text('Recorded.'),
      401: problem('`signature_missing`.'),
      403: problem('`signature_invalid`.'),
    },
  },
  {
    method: 'post',
    path: '/providers/telegram/webhook',
    operationId: 'telegramWebhook',
    summary: 'Telegram Bot API updates (X-Telegram-Bot-Api-Secret-Token)',
    tag: 'Provider callbacks',
    auth: 'none',
    responses: {
      200: text('Recorded.'),
      401: problem('`signature_missing`.'),
      403: problem('`signature_invalid`.'),
    },
  },
];

/** Every documented operation of the ingress. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  ...messageOperations,
  ...broadcastOperations,
  ...meOperations,
  ...adminOperations,
  ...optOutOperations,
  ...webhookOperations,
  ...opsOperations,
  ...providerOperations,
  ...chatWebhookOperations,
];

/** Title, version and introduction of the document; `serverUrl` is HERALD_PUBLIC_URL. */
export function apiInfo(serverUrl: string): ApiInfo {
  return {
    title: 'Herald API',
    version: '1.0.0',
    description:
      'Send SMS, WhatsApp and Telegram messages through one API. Every error is an RFC 9457 problem ' +
      '(`application/problem+json`) with a stable `code`. POST requests take an `Idempotency-Key`.',
    serverUrl,
  };
}
