import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import type { ProviderConfig } from '@herald/config';
import { derivedEventId, encodeEvent, eventHeaders } from '@herald/kafka';
import type { BatchingProducer, SchemaCatalog } from '@herald/kafka';
import { matchOrParkCallbacks, providerCallbackEvent } from '@herald/store';
import type { Pool, ProviderCallback } from '@herald/store';
import type { Logger } from '@herald/telemetry';
import { mapWhatsAppStatus, parseWhatsAppWebhook, verifyWhatsAppSignature } from '@herald/transports';
import type { WhatsAppStatusUpdate } from '@herald/transports';
import type { ApiOperation } from '../openapi.js';
import { Problem } from '../problems.js';

/** What the WhatsApp webhook needs from the process. */
export interface WhatsAppCallbackDeps {
  providers: readonly ProviderConfig[];
  pool: Pool;
  producer: BatchingProducer;
  catalog: SchemaCatalog;
  eventsTopic: string;
  clock: () => number;
  log: Logger;
}

type WhatsAppProvider = Extract<ProviderConfig, { kind: 'whatsapp-cloud' }>;

/**
 * `GET /providers/whatsapp/webhook` answers Meta's subscription check; `POST` takes status webhooks.
 * A POST is verified (X-Hub-Signature-256 over the raw body, with the app secret of a configured
 * WhatsApp provider) before anything is parsed. Meta's webhook carries only the wamid, so a status is
 * matched to our message through the read model; one that arrives before its send is projected is
 * parked, and the projector matches it when the send is recorded. Event ids derive from the wamid and
 * status, so the webhooks Meta repeats are deduplicated downstream.
 */
export function whatsappCallbackRoutes(deps: WhatsAppCallbackDeps) {
  const app = new Hono();
  app.get('/webhook', (c) => verifySubscription(c, whatsappProviders(deps.providers)));
  app.post('/webhook', async (c) => {
    const { signers, body } = await verifiedWebhook(c, whatsappProviders(deps.providers));
    const parsed = parseWhatsAppWebhook(body);
    if (!parsed.ok) throw new Problem(400, 'validation_failed', 'Not a WhatsApp webhook', parsed.reason);
    const callbacks = parsed.statuses.flatMap((update) => toCallback(update, signers, deps));
    const { matched, parked } = await matchOrParkCallbacks(deps.pool, callbacks);
    const events = matched.map(({ callback, message }) => providerCallbackEvent(callback, message));
    if (events.length > 0) {
      await deps.producer.send(
        events.map((event) => ({
          topic: deps.eventsTopic,
          key: event.to,
          value: encodeEvent(deps.catalog, deps.eventsTopic, event),
          headers: eventHeaders(event),
        })),
      );
    }
    for (const event of events)
      deps.log.debug(
        { tenantId: event.tenantId, messageId: event.messageId, type: event.type },
        'provider callback recorded',
      );
    // Debug: a webhook per status is as many lines as messages, too many for info.
    deps.log.debug(
      {
        statuses: parsed.statuses.length,
        recorded: events.length,
        parked: parked.length,
        ignoredChanges: parsed.ignoredChanges,
      },
      'whatsapp webhook processed',
    );
    // Meta retries anything but a 200 for days; every accepted webhook gets one.
    return c.body(null, 200);
  });
  return app;
}

function whatsappProviders(providers: readonly ProviderConfig[]): WhatsAppProvider[] {
  return providers.filter((p): p is WhatsAppProvider => p.kind === 'whatsapp-cloud');
}

/** Meta's hub.challenge handshake: echo the challenge when the verify token is one we configured. */
function verifySubscription(c: Context, providers: readonly WhatsAppProvider[]): Response {
  const mode = c.req.query('hub.mode');
  const token = c.req.query('hub.verify_token') ?? '';
  const challenge = c.req.query('hub.challenge');
  if (mode !== 'subscribe' || !providers.some((p) => sameSecret(p.options.verifyToken, token))) {
    throw new Problem(
      403,
      'webhook_verification_failed',
      'Webhook verification failed',
      'hub.mode or hub.verify_token is wrong.',
    );
  }
  if (!challenge) throw new Problem(400, 'validation_failed', 'hub.challenge is missing');
  return c.text(challenge, 200);
}

/**
 * Checks X-Hub-Signature-256 over the exact bytes received (read before any parsing) against each
 * configured app secret; returns the providers whose secret signed it, and the parsed body.
 */
async function verifiedWebhook(
  c: Context,
  providers: readonly WhatsAppProvider[],
): Promise<{ signers: WhatsAppProvider[]; body: unknown }> {
  const signature = c.req.header('x-hub-signature-256');
  if (!signature) throw new Problem(401, 'signature_missing', 'X-Hub-Signature-256 header is missing');
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const signers = providers.filter((p) => verifyWhatsAppSignature(p.options.appSecret, raw, signature));
  if (signers.length === 0) throw new Problem(403, 'signature_invalid', 'X-Hub-Signature-256 does not match');
  try {
    return { signers, body: JSON.parse(Buffer.from(raw).toString('utf8')) as unknown };
  } catch {
    throw new Problem(400, 'malformed_json', 'Malformed JSON', 'The webhook body is not valid JSON.');
  }
}

/**
 * The callback a status becomes, for the provider that owns its phone number. `sent` adds nothing
 * the sender did not record; a phone number no signing provider owns is not ours to record.
 */
function toCallback(
  update: WhatsAppStatusUpdate,
  signers: readonly WhatsAppProvider[],
  deps: WhatsAppCallbackDeps,
): ProviderCallback[] {
  const provider = signers.find((p) => p.options.phoneNumberId === update.phoneNumberId);
  if (!provider) {
    deps.log.warn(
      { phoneNumberId: update.phoneNumberId },
      'whatsapp status for a phone number no provider owns',
    );
    return [];
  }
  const base = {
    eventId: derivedEventId(update.wamid, `whatsapp:${update.status}`),
    providerId: provider.id,
    providerMessageId: update.wamid,
    providerStatus: update.status,
    errorCode: null,
    errorMessage: null,
    // When Herald learned it: Meta's timestamps have whole seconds and a clock of their own.
    occurredAt: deps.clock(),
  };
  const status = mapWhatsAppStatus(update.status);
  switch (status) {
    case 'delivered':
      return [{ ...base, eventType: 'MessageDelivered' }];
    case 'read':
      return [{ ...base, eventType: 'MessageRead' }];
    case 'failed':
      return [
        {
          ...base,
          eventType: 'MessageFailed',
          errorCode: update.error ? `whatsapp_${update.error.code}` : 'whatsapp_unknown',
          errorMessage: update.error?.message ?? 'WhatsApp reported the message failed',
        },
      ];
    case 'sent':
    case 'queued':
    case 'sending':
    case 'undelivered':
    case null:
      return [];
    default: {
      const exhaustive: never = status;
      return exhaustive;
    }
  }
}

/** Constant-time equality of two secrets of any length (hashed first, so lengths do not leak). */
function sameSecret(expected: string, given: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

const statusWebhookBody = z
  .looseObject({
    object: z.literal('whatsapp_business_account'),
    entry: z.array(
      z.looseObject({
        id: z.string(),
        changes: z.array(z.looseObject({ field: z.string(), value: z.looseObject({}) })),
      }),
    ),
  })
  .describe('A WhatsApp Business Account webhook; signed with X-Hub-Signature-256 over the raw body.');

const subscriptionQuery = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.verify_token': z.string().describe('The verifyToken of a whatsapp-cloud provider.'),
  'hub.challenge': z.string().describe('Echoed back as plain text.'),
});

/** OpenAPI entries of the WhatsApp webhook, for the API catalog. */
export const whatsappCallbackOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/providers/whatsapp/webhook',
    operationId: 'whatsappWebhookVerification',
    summary: 'WhatsApp webhook subscription check',
    description: 'Called by Meta (or the simulator) when the webhook is configured, not by clients.',
    tag: 'Provider callbacks',
    auth: 'none',
    query: subscriptionQuery,
    responses: {
      200: { description: 'The hub.challenge, as text/plain.' },
      400: { description: '`validation_failed`: no hub.challenge.', problem: true },
      403: { description: '`webhook_verification_failed`.', problem: true },
    },
  },
  {
    method: 'post',
    path: '/providers/whatsapp/webhook',
    operationId: 'whatsappWebhook',
    summary: 'WhatsApp Cloud API webhook',
    description:
      'Called by Meta (or the simulator), not by clients. X-Hub-Signature-256 is checked with the app secret ' +
      'of a whatsapp-cloud provider; delivered, read and failed statuses become events, matched by wamid.',
    tag: 'Provider callbacks',
    auth: 'none',
    body: { name: 'WhatsAppWebhook', schema: statusWebhookBody },
    responses: {
      200: { description: 'Recorded, or parked until the send is known.' },
      400: { description: '`malformed_json` or `validation_failed`.', problem: true },
      401: { description: '`signature_missing`.', problem: true },
      403: { description: '`signature_invalid`.', problem: true },
    },
  },
];
