import { Pool } from 'undici';
import { failureFromThrown, startDeadline } from '../deadline.js';
import type { OutboundMessage, SendResult, Transport } from '../transport.js';
import { resolveWhatsAppOptions } from './options.js';
import type { ResolvedWhatsAppOptions, WhatsAppTransportOptions } from './options.js';
import { buildTextMessage } from './request.js';
import { interpretWhatsAppResponse } from './response.js';

/**
 * Sends text messages through the WhatsApp Cloud API (Graph `/{phone-number-id}/messages`) over one
 * keep-alive connection pool. Statuses arrive later on the app's webhook, matched by the returned
 * wamid: the Cloud API takes no per-message callback URL, so `statusCallbackUrl` is ignored.
 */
export class WhatsAppTransport implements Transport {
  readonly kind = 'whatsapp-cloud';
  readonly #options: ResolvedWhatsAppOptions;
  readonly #pool: Pool;
  readonly #headers: Record<string, string>;
  #closing: Promise<void> | null = null;

  constructor(options: WhatsAppTransportOptions) {
    this.#options = resolveWhatsAppOptions(options);
    this.#pool = new Pool(this.#options.origin, { connections: this.#options.connections });
    this.#headers = {
      authorization: `Bearer ${this.#options.accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json',
    };
  }

  /** Sends the message; failures come back as values, never as exceptions. */
  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    if (this.#closing !== null) throw new Error('WhatsAppTransport.send() called after close()');
    const built = buildTextMessage(message);
    return built.ok ? this.#post(built.body, signal) : built.result;
  }

  /** Waits for in-flight requests, then closes the pool's connections. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.close();
    return this.#closing;
  }

  async #post(body: string, signal: AbortSignal | undefined): Promise<SendResult> {
    const { timeoutMs, messagesPath } = this.#options;
    const deadline = startDeadline(timeoutMs, signal);
    try {
      const response = await this.#pool.request({
        method: 'POST',
        path: messagesPath,
        headers: this.#headers,
        body,
        signal: deadline.signal,
      });
      // Always drain the body: an unread body pins the pooled connection.
      const text = await response.body.text();
      return interpretWhatsAppResponse(response.statusCode, text);
    } catch (error) {
      return failureFromThrown(error, deadline, timeoutMs);
    } finally {
      deadline.dispose();
    }
  }
}
