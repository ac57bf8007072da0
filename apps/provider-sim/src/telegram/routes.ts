import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { assertNever } from '../assert-never.js';
import { mulberry32 } from '../random.js';
import type { TwilioRouteDeps } from '../twilio/routes.js';
import { drawOutcome } from '../twilio/outcome.js';
import type { SendOutcome } from '../twilio/outcome.js';
import { MessageIds, chatFor } from './chats.js';
import { botApiError } from './errors.js';
import { botIdOf } from './options.js';
import type { TelegramSimOptions } from './options.js';
import { parseSendMessage } from './send-message.js';
import type { SendMessageRequest } from './send-message.js';

/** Collaborators of the Telegram routes: the simulator's shared ones plus the simulated bot. */
export type TelegramRouteDeps = TwilioRouteDeps & { telegram: TelegramSimOptions };

// Its own outcome stream, so Telegram traffic never shifts which other vendors' requests fail.
const OUTCOME_STREAM = 0x7e1e_9a4d;

/** The Bot API's `POST /bot<token>/sendMessage`; other methods answer 404 as Telegram's do. */
export function telegramRoutes(deps: TelegramRouteDeps): Hono {
  const outcomes = mulberry32((deps.options.seed ^ OUTCOME_STREAM) >>> 0);
  const ids = new MessageIds(deps.options.maxStoredMessages);
  const expectedToken = sha256(deps.telegram.botToken);
  const rejected = (reason: string): void => deps.stats.messageRejected(reason);
  const api = new Hono();
  api.post('/:bot{bot[^/]*}/:method', async function botMethod(c: Context): Promise<Response> {
    if (!timingSafeEqual(sha256((c.req.param('bot') ?? '').slice('bot'.length)), expectedToken)) {
      rejected('telegram_401');
      throw botApiError(401, 'Unauthorized');
    }
    if (c.req.param('method') !== 'sendMessage') throw botApiError(404, 'Not Found');
    if (deps.isClosing()) {
      rejected('shutting_down');
      throw botApiError(502, 'Bad Gateway');
    }
    await simulateLatency(deps);
    const request = parseSendMessage(await readParams(c), rejected);
    applyOutcome(drawOutcome(outcomes, deps.options), deps);
    return c.json({ ok: true, result: sentMessage(request, ids, deps) });
  });
  return api;
}

/** Throws the injected failure; an accepted message is delivered at once (Telegram has no receipts). */
function applyOutcome(outcome: SendOutcome, deps: TelegramRouteDeps): void {
  switch (outcome.kind) {
    case 'temporary_failure':
      if (outcome.status === 429) {
        deps.stats.messageRejected('injected_telegram_429');
        throw botApiError(429, 'Too Many Requests: retry after 1', { retry_after: 1 });
      }
      deps.stats.messageRejected('injected_telegram_502');
      throw botApiError(502, 'Bad Gateway');
    case 'permanent_failure':
      deps.stats.messageRejected('injected_telegram_403');
      throw botApiError(403, 'Forbidden: bot was blocked by the user');
    case 'accepted':
      // The drawn final status does not apply: once Telegram stored the message, it is delivered.
      deps.stats.messageAccepted();
      deps.stats.finalStatusReached('delivered');
      return;
    default:
      return assertNever(outcome);
  }
}

/** The `Message` sendMessage answers with. Channel posts carry `sender_chat` instead of `from`. */
function sentMessage(
  request: SendMessageRequest,
  ids: MessageIds,
  deps: TelegramRouteDeps,
): Record<string, unknown> {
  const chat = chatFor(request.chatId);
  const sender =
    chat.type === 'channel'
      ? { sender_chat: chat }
      : {
          from: {
            id: botIdOf(deps.telegram.botToken),
            is_bot: true,
            first_name: 'Herald',
            username: deps.telegram.botUsername,
          },
        };
  return {
    message_id: ids.next(chat.id),
    ...sender,
    chat,
    date: Math.floor(deps.options.clock().getTime() / 1000),
    text: request.text,
  };
}

/** The Bot API takes parameters as JSON, a form or the query string; the body wins over the query. */
async function readParams(c: Context): Promise<Record<string, unknown>> {
  const query: Record<string, unknown> = { ...c.req.query() };
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    const body = await c.req.json<unknown>().catch(() => null);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...query, ...body } : query;
  }
  if (type.includes('form')) {
    const form = await c.req.parseBody();
    return { ...query, ...Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) };
  }
  return query;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Waits 0.5x to 1.5x the configured latency, drawn from the jitter stream. */
async function simulateLatency(deps: TelegramRouteDeps): Promise<void> {
  const { latencyMs } = deps.options;
  if (latencyMs > 0) await sleep(Math.round(latencyMs * (0.5 + deps.jitter.next())));
}
