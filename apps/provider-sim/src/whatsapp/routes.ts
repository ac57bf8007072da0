import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { assertNever } from '../assert-never.js';
import { mulberry32 } from '../random.js';
import type { Random } from '../random.js';
import type { TwilioRouteDeps } from '../twilio/routes.js';
import { drawOutcome } from '../twilio/outcome.js';
import type { SendOutcome } from '../twilio/outcome.js';
import { graphBearerAuth } from './auth.js';
import { graphError } from './errors.js';
import { runWhatsAppLifecycle } from './lifecycle.js';
import type { WhatsAppLifecycleDeps } from './lifecycle.js';
import type { WhatsAppSimOptions } from './options.js';
import { parseSendText } from './send-message.js';
import type { SendTextRequest } from './send-message.js';

/** Collaborators of the WhatsApp routes: the simulator's shared ones plus the simulated account. */
export type WhatsAppRouteDeps = TwilioRouteDeps & { whatsapp: WhatsAppSimOptions };

// Its own outcome stream, so WhatsApp traffic never shifts which Twilio requests fail.
const OUTCOME_STREAM = 0x5741_7070;

/** The Cloud API's send endpoint, `POST /{version}/{phone-number-id}/messages`. */
export function whatsappRoutes(deps: WhatsAppRouteDeps): Hono {
  const outcomes = mulberry32((deps.options.seed ^ OUTCOME_STREAM) >>> 0);
  const lifecycle: WhatsAppLifecycleDeps = {
    whatsapp: deps.whatsapp,
    callbackDelayMs: deps.options.callbackDelayMs,
    clock: deps.options.clock,
    scheduler: deps.scheduler,
    callbacks: deps.callbacks,
    stats: deps.stats,
  };
  const api = new Hono();
  const path = '/:version{v[0-9]+\\.[0-9]+}/:phoneNumberId/messages';
  api.use(
    path,
    graphBearerAuth(deps.whatsapp.accessToken, (reason) => deps.stats.messageRejected(reason)),
  );
  api.post(path, sendMessageHandler(deps, outcomes, lifecycle));
  return api;
}

function sendMessageHandler(deps: WhatsAppRouteDeps, outcomes: Random, lifecycle: WhatsAppLifecycleDeps) {
  const rejected = (reason: string): void => deps.stats.messageRejected(reason);
  return async function sendMessage(c: Context): Promise<Response> {
    if (deps.isClosing()) {
      rejected('shutting_down');
      throw graphError(503, { code: 2, message: 'Service temporarily unavailable', type: 'OAuthException' });
    }
    requireOwnPhoneNumber(c.req.param('phoneNumberId') ?? '', deps.whatsapp, rejected);
    await simulateLatency(deps);
    const request = parseSendText(await readJson(c), rejected);
    const wamid = applyOutcome(drawOutcome(outcomes, deps.options), request, deps, lifecycle);
    return c.json({
      messaging_product: 'whatsapp',
      contacts: [{ input: request.input, wa_id: request.waId }],
      messages: [{ id: wamid, message_status: 'accepted' }],
    });
  };
}

/** Another phone number id is a Graph object this token cannot see: 400, code 100, subcode 33. */
function requireOwnPhoneNumber(
  id: string,
  whatsapp: WhatsAppSimOptions,
  rejected: (reason: string) => void,
): void {
  if (id === whatsapp.phoneNumberId) return;
  rejected('whatsapp_100');
  throw graphError(400, {
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  });
}

/** Throws the injected failure, or accepts the message, starts its webhooks and returns its wamid. */
function applyOutcome(
  outcome: SendOutcome,
  request: SendTextRequest,
  deps: WhatsAppRouteDeps,
  lifecycle: WhatsAppLifecycleDeps,
): string {
  switch (outcome.kind) {
    case 'temporary_failure':
      // Meta answers throughput limits with HTTP 400 and code 130429, outages with 500 and 131000.
      if (outcome.status === 429) {
        deps.stats.messageRejected('injected_whatsapp_130429');
        throw graphError(400, {
          code: 130429,
          message: '(#130429) Rate limit hit',
          details: 'Cloud API message throughput has been reached.',
        });
      }
      deps.stats.messageRejected('injected_whatsapp_131000');
      throw graphError(500, {
        code: 131000,
        message: '(#131000) Something went wrong',
        details: 'Something went wrong.',
      });
    case 'permanent_failure':
      deps.stats.messageRejected('injected_whatsapp_131030');
      throw graphError(400, {
        code: 131030,
        message: '(#131030) Recipient phone number not in allowed list',
        details:
          'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
      });
    case 'accepted': {
      // Ids are random, not seeded: two runs with one seed must not reuse provider ids.
      const message = {
        wamid: `wamid.${randomBytes(27).toString('base64url')}`,
        waId: request.waId,
        conversationId: randomBytes(16).toString('hex'),
      };
      deps.stats.messageAccepted();
      deps.scheduler.track(runWhatsAppLifecycle(message, outcome.finalStatus, lifecycle));
      return message.wamid;
    }
    default:
      return assertNever(outcome);
  }
}

async function readJson(c: Context): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text());
  } catch {
    return null;
  }
}

/** Waits 0.5x to 1.5x the configured latency, drawn from the jitter stream. */
async function simulateLatency(deps: WhatsAppRouteDeps): Promise<void> {
  const { latencyMs } = deps.options;
  if (latencyMs > 0) await sleep(Math.round(latencyMs * (0.5 + deps.jitter.next())));
}
