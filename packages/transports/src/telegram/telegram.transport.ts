import { Pool } from 'undici';
import { failureFromThrown, startDeadline } from '../deadline.js';
import type { OutboundMessage, SendResult, Transport } from '../transport.js';
import { resolveTelegramOptions } from './options.js';
import type { ResolvedTelegramOptions, TelegramTransportOptions } from './options.js';
import { buildSendMessage } from './request.js';
import type { TelegramChatId } from './request.js';
import { interpretTelegramResponse } from './response.js';

/**
 * Sends text messages through the Telegram Bot API's sendMessage over one keep-alive connection
 * pool. A success is final (`status: 'delivered'`): Telegram sends no delivery receipts, and the
 * Bot API takes no callback URL, so `statusCallbackUrl` is ignored.
 */
export class TelegramTransport implements Transport {
  readonly kind = 'telegram';
  readonly #options: ResolvedTelegramOptions;
  readonly #pool: Pool;
  #closing: Promise<void> | null = null;

  constructor(options: TelegramTransportOptions) {
    this.#options = resolveTelegramOptions(options);
    this.#pool = new Pool(this.#options.origin, { connections: this.#options.connections });
  }

  /** Sends the message; failures come back as values, never as exceptions. */
  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    if (this.#closing !== null) throw new Error('TelegramTransport.send() called after close()');
    const built = buildSendMessage(message);
    return built.ok ? this.#post(built.body, built.chatId, signal) : built.result;
  }

  /** Waits for in-flight requests, then closes the pool's connections. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.close();
    return this.#closing;
  }

  async #post(body: string, chatId: TelegramChatId, signal: AbortSignal | undefined): Promise<SendResult> {
    const { timeoutMs, sendMessagePath } = this.#options;
    const deadline = startDeadline(timeoutMs, signal);
    try {
      const response = await this.#pool.request({
        method: 'POST',
        path: sendMessagePath,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        signal: deadline.signal,
      });
      // Always drain the body: an unread body pins the pooled connection.
      const text = await response.body.text();
      return interpretTelegramResponse(response.statusCode, text, chatId);
    } catch (error) {
      return failureFromThrown(error, deadline, timeoutMs);
    } finally {
      deadline.dispose();
    }
  }
}
