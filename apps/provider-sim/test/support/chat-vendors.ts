import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { ExecutionContext } from 'ava';
import { TelegramTransport, WhatsAppTransport } from '@herald/transports';
import type { OutboundMessage } from '@herald/transports';
import { createSimulatorApp } from '../../src/app.js';
import type { Simulator, SimulatorInput } from '../../src/app.js';
import { listen } from '../../src/server.js';
import type { RunningServer } from '../../src/server.js';

export const WA_TOKEN = 'test-whatsapp-access-token';
export const WA_PHONE_NUMBER_ID = '109876543210987';
export const WA_APP_SECRET = 'test-whatsapp-app-secret';
export const TG_TOKEN = '4242424242:test-telegram-bot-token';

/** One webhook as Herald's ingress would receive it: the exact bytes and headers. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

/** A real HTTP endpoint standing in for Herald's WhatsApp webhook. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  waitFor(done: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver answering each webhook with `answer(index)` (default 200). */
export async function startWebhookReceiver(
  answer: (index: number) => number = () => 200,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const arrivals = new EventEmitter();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = answer(received.length);
      received.push({ path: req.url ?? '', headers: req.headers, rawBody: Buffer.concat(chunks) });
      arrivals.emit('arrival');
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('receiver is not listening on TCP');
  return {
    url: `http://127.0.0.1:${address.port}/providers/whatsapp/webhook`,
    received,
    waitFor: (done, timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!done(received)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`condition not met within ${timeoutMs} ms; ${received.length} webhooks so far`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          arrivals.off('arrival', check);
        };
        arrivals.on('arrival', check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A simulator on a real port with the real WhatsApp and Telegram transports pointed at it. */
export interface ChatSimulator {
  sim: Simulator;
  server: RunningServer;
  whatsapp: WhatsAppTransport;
  telegram: TelegramTransport;
}

/** Starts the real app on an ephemeral port; fast by default, torn down after the test. */
export async function startChatSimulator(
  t: ExecutionContext,
  input: SimulatorInput = {},
  webhookUrl = 'http://127.0.0.1:9/unused',
): Promise<ChatSimulator> {
  const sim = createSimulatorApp({
    latencyMs: 0,
    callbackDelayMs: 5,
    callbackRetryBaseMs: 10,
    seed: 1,
    ...input,
    whatsapp: {
      accessToken: WA_TOKEN,
      phoneNumberId: WA_PHONE_NUMBER_ID,
      appSecret: WA_APP_SECRET,
      webhookUrl,
      ...input.whatsapp,
    },
    telegram: { botToken: TG_TOKEN, ...input.telegram },
  });
  const server = await listen(sim.app, '127.0.0.1', 0);
  const whatsapp = whatsappTransport(server.url, WA_TOKEN);
  const telegram = telegramTransport(server.url, TG_TOKEN);
  t.teardown(async () => {
    await whatsapp.close();
    await telegram.close();
    await sim.close(0);
    await server.close();
  });
  return { sim, server, whatsapp, telegram };
}

/** The production WhatsApp transport, configured as Herald configures it. */
export function whatsappTransport(baseUrl: string, accessToken: string, phoneNumberId = WA_PHONE_NUMBER_ID) {
  return new WhatsAppTransport({ accessToken, phoneNumberId, baseUrl, timeoutMs: 5_000 });
}

/** The production Telegram transport, configured as Herald configures it. */
export function telegramTransport(baseUrl: string, botToken: string) {
  return new TelegramTransport({ botToken, baseUrl, timeoutMs: 5_000 });
}

/** A message on `channel`; override per test. */
export function chatMessage(
  channel: 'whatsapp' | 'telegram',
  overrides: Partial<OutboundMessage> = {},
): OutboundMessage {
  return {
    messageId: 'msg-1',
    tenantId: 'tenant-1',
    channel,
    to: channel === 'whatsapp' ? '+15558675310' : '987654321',
    from: null,
    text: 'Your code is 123456',
    statusCallbackUrl: null,
    ...overrides,
  };
}
