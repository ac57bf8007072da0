import { Hono } from 'hono';
import type { Context } from 'hono';
import type { ProviderConfig } from '@herald/config';
import type { HeraldEvent } from '@herald/contracts';
import { derivedEventId, encodeEvent, eventHeaders } from '@herald/kafka';
import type { BatchingProducer, SchemaCatalog } from '@herald/kafka';
import type { Logger } from '@herald/telemetry';
import { mapTwilioStatus, verifyTwilioSignature } from '@herald/transports';
import { Problem } from '../problems.js';

/** What the Twilio callback route needs from the process. */
export interface TwilioCallbackDeps {
  providers: readonly ProviderConfig[];
  publicUrl: string;
  producer: BatchingProducer;
  catalog: SchemaCatalog;
  eventsTopic: string;
  clock: () => number;
  log: Logger;
  /** Records what an inbound message asks for (STOP, START...) for the tenant it was sent to. */
  onInbound: (inbound: { tenantId: string | null; from: string; body: string }) => Promise<void>;
}

type CallbackEvent = Extract<
  HeraldEvent,
  { type: 'MessageDelivered' | 'MessageUndelivered' | 'MessageFailed' | 'MessageRead' }
>;

/**
 * `POST /providers/twilio/status`: Twilio's status callback. The signature is checked over the URL
 * Twilio was given (our public URL plus the query carrying our ids) and the form parameters; a
 * forged or unsigned callback is refused and changes nothing. Terminal statuses become events on
 * the events topic, keyed by recipient; the event id is derived from Twilio's SID and status, so a
 * callback Twilio repeats is deduplicated downstream.
 */
export function twilioCallbackRoutes(deps: TwilioCallbackDeps) {
  const app = new Hono();
  app.post('/status', async (c) => {
    const { providerId, params } = await verifiedTwilioRequest(c, deps.providers, deps.publicUrl);
    const event = callbackEvent(
      params,
      c.req.query('message_id'),
      c.req.query('tenant_id'),
      providerId,
      deps.clock(),
    );
    if (event) {
      await deps.producer.send([
        {
          topic: deps.eventsTopic,
          key: event.to,
          value: encodeEvent(deps.catalog, deps.eventsTopic, event),
          headers: eventHeaders(event),
        },
      ]);
      // Debug: one line per callback is as many as messages, too many for info.
      deps.log.debug(
        { tenantId: event.tenantId, messageId: event.messageId, type: event.type, providerId },
        'provider callback recorded',
      );
    }
    return c.body(null, 204);
  });
  app.post('/inbound', async (c) => {
    const { params } = await verifiedTwilioRequest(c, deps.providers, deps.publicUrl);
    await deps.onInbound({
      tenantId: c.req.query('tenant_id') ?? null,
      from: params.From ?? '',
      body: params.Body ?? '',
    });
    // An empty TwiML response: Herald answers nothing itself; the opt-out is recorded.
    return c.body('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', 200, {
      'Content-Type': 'text/xml',
    });
  });
  return app;
}

/**
 * Checks a Twilio webhook's X-Twilio-Signature over the URL Twilio was given (our public URL plus
 * the query carrying our ids) and its form parameters, with the auth token of the provider named in
 * the query. A forged or unsigned request is refused before anything is read from it.
 */
async function verifiedTwilioRequest(
  c: Context,
  providers: readonly ProviderConfig[],
  publicUrl: string,
): Promise<{ providerId: string; params: Record<string, string> }> {
  const providerId = c.req.query('provider_id') ?? '';
  const provider = providers.find(
    (p): p is Extract<ProviderConfig, { kind: 'twilio' }> => p.id === providerId && p.kind === 'twilio',
  );
  if (!provider)
    throw new Problem(404, 'unknown_provider', 'Unknown provider', `No Twilio provider ${providerId}.`);
  const signature = c.req.header('x-twilio-signature');
  if (!signature) throw new Problem(401, 'signature_missing', 'X-Twilio-Signature header is missing');
  const form = await c.req.parseBody();
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) if (typeof value === 'string') params[name] = value;
  const requestUrl = new URL(c.req.url);
  const signedUrl = new URL(`${requestUrl.pathname}${requestUrl.search}`, publicUrl).toString();
  if (!verifyTwilioSignature(provider.options.authToken, signedUrl, params, signature)) {
    throw new Problem(403, 'signature_invalid', 'X-Twilio-Signature does not match');
  }
  return { providerId, params };
}

function callbackEvent(
  params: Record<string, string>,
  messageId: string | undefined,
  tenantId: string | undefined,
  providerId: string,
  now: number,
): CallbackEvent | null {
  const sid = params.MessageSid ?? params.SmsSid;
  const twilioStatus = params.MessageStatus ?? params.SmsStatus ?? '';
  const to = params.To;
  if (!messageId || !tenantId || !sid || !to) {
    throw new Problem(400, 'validation_failed', 'Callback is missing MessageSid, To or our ids');
  }
  const base = {
    messageId,
    tenantId,
    to,
    occurredAt: now,
    providerId,
    eventId: derivedEventId(sid, `twilio:${twilioStatus}`),
  };
  const errorCode = params.ErrorCode ? `twilio_${params.ErrorCode}` : 'twilio_unknown';
  const errorMessage = params.ErrorMessage ?? `Twilio reported ${twilioStatus}`;
  const status = mapTwilioStatus(twilioStatus);
  switch (status) {
    case 'delivered':
      return { type: 'MessageDelivered', ...base, providerMessageId: sid, providerStatus: twilioStatus };
    case 'undelivered':
      return { type: 'MessageUndelivered', ...base, providerMessageId: sid, errorCode, errorMessage };
    case 'failed':
      return { type: 'MessageFailed', ...base, errorCode, errorMessage };
    case 'read':
      return { type: 'MessageRead', ...base, providerMessageId: sid };
    // Intermediate statuses add nothing the sender did not already record.
    case 'queued':
    case 'sending':
    case 'sent':
    case null:
      return null;
    default: {
      const exhaustive: never = status;
      return exhaustive;
    }
  }
}
