import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import type { ProviderConfig } from '@herald/config';
import type { Logger } from '@herald/telemetry';
import { parseTelegramUpdate, telegramKeyword, verifyTelegramSecretToken } from '@herald/transports';
import type { ApiOperation } from '../openapi.js';
import { Problem } from '../problems.js';

/** What the Telegram webhook needs from the process. */
export interface TelegramCallbackDeps {
  providers: readonly ProviderConfig[];
  log: Logger;
  /** Records what an inbound message asks for (STOP, START...) for the tenant it was sent to. */
  onInbound: (inbound: { tenantId: string | null; from: string; body: string }) => Promise<void>;
}

type TelegramProvider = Extract<ProviderConfig, { kind: 'telegram' }>;

/**
 * `POST /providers/telegram/webhook`: the Updates a bot receives (messages sent TO it; Telegram has
 * no delivery receipts). The X-Telegram-Bot-Api-Secret-Token header must be the secret_token of a
 * configured bot's setWebhook, compared in constant time. When the webhook URL names a tenant
 * (`?tenant_id=`), a `/stop`, `STOP`, `/start` or `START` from a chat updates that tenant's opt-out
 * list for the chat; everything else is logged. Telegram retries anything but a 2xx, so every
 * authentic, well-formed update gets 200.
 */
export function telegramCallbackRoutes(deps: TelegramCallbackDeps) {
  const app = new Hono();
  app.post('/webhook', async (c) => {
    const provider = authenticBot(c, deps.providers);
    const parsed = parseTelegramUpdate(await readUpdate(c));
    if (!parsed.ok) throw new Problem(400, 'validation_failed', 'Not a Telegram Update', parsed.reason);
    const tenantId = c.req.query('tenant_id') ?? null;
    const { inbound } = parsed;
    if (inbound !== null && tenantId !== null) {
      await deps.onInbound({ tenantId, from: inbound.chatId, body: telegramKeyword(inbound.text) });
    }
    // Debug: an update per inbound message is too many lines for info.
    deps.log.debug(
      { providerId: provider.id, updateId: parsed.updateId, hasText: inbound !== null },
      'telegram update received',
    );
    return c.body(null, 200);
  });
  return app;
}

function authenticBot(c: Context, providers: readonly ProviderConfig[]): TelegramProvider {
  const token = c.req.header('x-telegram-bot-api-secret-token');
  if (!token)
    throw new Problem(401, 'signature_missing', 'X-Telegram-Bot-Api-Secret-Token header is missing');
  // Every bot is checked, so the time taken does not tell which (if any) bot's secret came close.
  const matches = providers
    .filter((p): p is TelegramProvider => p.kind === 'telegram')
    .filter((p) => verifyTelegramSecretToken(p.options.webhookSecretToken, token));
  const [provider] = matches;
  if (!provider)
    throw new Problem(403, 'signature_invalid', 'X-Telegram-Bot-Api-Secret-Token does not match');
  return provider;
}

async function readUpdate(c: Context): Promise<unknown> {
  try {
    return await c.req.json<unknown>();
  } catch {
    throw new Problem(400, 'malformed_json', 'Malformed JSON', 'The update is not valid JSON.');
  }
}

const update = z
  .looseObject({ update_id: z.int() })
  .describe('A Telegram Update; authenticated by X-Telegram-Bot-Api-Secret-Token.');

/** OpenAPI entries of the Telegram webhook, for the API catalog. */
export const telegramCallbackOperations: readonly ApiOperation[] = [
  {
    method: 'post',
    path: '/providers/telegram/webhook',
    operationId: 'telegramWebhook',
    summary: 'Telegram bot webhook',
    description:
      'Called by Telegram (set with setWebhook and a secret_token), not by clients. With ?tenant_id=, ' +
      '/stop and /start from a chat update that tenant’s opt-out list.',
    tag: 'Provider callbacks',
    auth: 'none',
    query: z.object({
      tenant_id: z.string().optional().describe('Tenant whose opt-out list keywords update.'),
    }),
    body: { name: 'TelegramUpdate', schema: update },
    responses: {
      200: { description: 'Received.' },
      400: { description: '`malformed_json` or `validation_failed`.', problem: true },
      401: { description: '`signature_missing`.', problem: true },
      403: { description: '`signature_invalid`.', problem: true },
    },
  },
];
