import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { assertNever } from '../assert-never.js';
import type { CallbackSender } from '../callbacks.js';
import type { SimulatorOptions } from '../options.js';
import type { Random } from '../random.js';
import type { Scheduler } from '../scheduler.js';
import type { SimStats } from '../stats.js';
import { parseCreateMessage } from './create-message.js';
import type { CreateMessageRequest } from './create-message.js';
import { twilioBasicAuth } from './auth.js';
import { twilioError } from './errors.js';
import { runLifecycle } from './lifecycle.js';
import type { LifecycleDeps } from './lifecycle.js';
import { MessageStore, toMessageResource } from './messages.js';
import type { StoredMessage } from './messages.js';
import { drawOutcome } from './outcome.js';
import type { SendOutcome } from './outcome.js';
import { countSegments } from './segments.js';

/** Collaborators of the Twilio routes; shared with the other vendors' routes. */
export interface TwilioRouteDeps {
  options: SimulatorOptions;
  outcomes: Random;
  jitter: Random;
  scheduler: Scheduler;
  callbacks: CallbackSender;
  stats: SimStats;
  isClosing: () => boolean;
}

const ACCOUNT = '/2010-04-01/Accounts/:accountSid';
// The sender Twilio "picks" from a Messaging Service; one of Twilio's documented test numbers.
const SERVICE_SENDER = '+15005550006';

/** Twilio's Messages API: create a message and fetch it. */
export function twilioRoutes(deps: TwilioRouteDeps): Hono {
  const store = new MessageStore(deps.options.maxStoredMessages);
  const api = new Hono();
  api.use(
    `${ACCOUNT}/*`,
    twilioBasicAuth(deps.options.twilio, (reason) => deps.stats.messageRejected(reason)),
  );
  api.post(`${ACCOUNT}/Messages.json`, createMessageHandler(deps, store, lifecycleDeps(deps)));
  api.get(`${ACCOUNT}/Messages/:messageFile`, fetchMessageHandler(store));
  return api;
}

function lifecycleDeps(deps: TwilioRouteDeps): LifecycleDeps {
  const { twilio, callbackDelayMs, clock } = deps.options;
  const { scheduler, callbacks, stats } = deps;
  return { authToken: twilio.authToken, callbackDelayMs, clock, scheduler, callbacks, stats };
}

function createMessageHandler(deps: TwilioRouteDeps, store: MessageStore, lifecycle: LifecycleDeps) {
  return async function createMessage(c: Context): Promise<Response> {
    if (deps.isClosing()) {
      deps.stats.messageRejected('shutting_down');
      throw twilioError(503, 20503, 'Service Unavailable');
    }
    await simulateLatency(deps);
    const request = parseCreateMessage(await readForm(c), (reason) => deps.stats.messageRejected(reason));
    const outcome = drawOutcome(deps.outcomes, deps.options);
    const message = applyOutcome(outcome, request, deps, lifecycle);
    store.add(message);
    return c.json(toMessageResource(message), 201);
  };
}

/** Throws the injected failure, or creates the message and starts its lifecycle. */
function applyOutcome(
  outcome: SendOutcome,
  request: CreateMessageRequest,
  deps: TwilioRouteDeps,
  lifecycle: LifecycleDeps,
): StoredMessage {
  switch (outcome.kind) {
    case 'temporary_failure':
      deps.stats.messageRejected(`injected_${outcome.status}`);
      throw outcome.status === 429
        ? twilioError(429, 20429, 'Too Many Requests', { 'retry-after': '1' })
        : twilioError(503, 20503, 'Service Unavailable');
    case 'permanent_failure':
      deps.stats.messageRejected('injected_21211');
      throw twilioError(400, 21211, `The 'To' number ${request.to} is not a valid phone number.`);
    case 'accepted': {
      const message = newMessage(request, deps);
      deps.stats.messageAccepted();
      // Drawn after the outcome so the outcome sequence of a seed is the same with or without disorder.
      const disorder = {
        duplicate: deps.outcomes.next() < deps.options.duplicateCallbackRate,
        reversed: deps.outcomes.next() < deps.options.outOfOrderRate,
      };
      deps.scheduler.track(runLifecycle(message, outcome.finalStatus, lifecycle, disorder));
      return message;
    }
    default:
      return assertNever(outcome);
  }
}

function newMessage(request: CreateMessageRequest, deps: TwilioRouteDeps): StoredMessage {
  const now = deps.options.clock();
  return {
    // Sids are random, not seeded: two runs with one seed must not reuse provider ids.
    sid: `SM${randomBytes(16).toString('hex')}`,
    accountSid: deps.options.twilio.accountSid,
    to: request.to,
    from: request.from ?? SERVICE_SENDER,
    body: request.body,
    messagingServiceSid: request.messagingServiceSid,
    statusCallback: request.statusCallback,
    numSegments: countSegments(request.body),
    // Twilio answers `accepted` while a Messaging Service picks the sender, `queued` otherwise.
    status: request.messagingServiceSid === null ? 'queued' : 'accepted',
    errorCode: null,
    dateCreated: now,
    dateUpdated: now,
    dateSent: null,
  };
}

function fetchMessageHandler(store: MessageStore) {
  return function fetchMessage(c: Context): Response {
    const file = c.req.param('messageFile') ?? '';
    const message = file.endsWith('.json') ? store.get(file.slice(0, -'.json'.length)) : undefined;
    if (message === undefined) {
      throw twilioError(404, 20404, `The requested resource ${c.req.path} was not found`);
    }
    return c.json(toMessageResource(message), 200);
  };
}

async function readForm(c: Context): Promise<Record<string, string>> {
  const parsed = await c.req.parseBody();
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') form[name] = value;
  return form;
}

/** Waits 0.5x to 1.5x the configured latency, drawn from the jitter stream. */
async function simulateLatency(deps: TwilioRouteDeps): Promise<void> {
  const { latencyMs } = deps.options;
  if (latencyMs > 0) await sleep(Math.round(latencyMs * (0.5 + deps.jitter.next())));
}
