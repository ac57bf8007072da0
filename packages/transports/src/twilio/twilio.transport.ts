import { Pool } from 'undici';
import { failureFromThrown, startDeadline } from '../deadline.js';
import type { OutboundMessage, SendResult, Transport } from '../transport.js';
import { resolveTwilioOptions } from './options.js';
import type { ResolvedTwilioOptions, TwilioTransportOptions } from './options.js';
import { buildMessageForm } from './request.js';
import { interpretTwilioResponse } from './response.js';

/** Sends messages through Twilio's Messages API over one keep-alive connection pool. */
export class TwilioTransport implements Transport {
  readonly kind = 'twilio';
  readonly #options: ResolvedTwilioOptions;
  readonly #pool: Pool;
  readonly #headers: Record<string, string>;
  #closing: Promise<void> | null = null;

  constructor(options: TwilioTransportOptions) {
    this.#options = resolveTwilioOptions(options);
    this.#pool = new Pool(this.#options.origin, { connections: this.#options.connections });
    const credentials = Buffer.from(`${this.#options.accountSid}:${this.#options.authToken}`).toString(
      'base64',
    );
    this.#headers = {
      authorization: `Basic ${credentials}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
  }

  /** Creates the message at Twilio; failures come back as values, never as exceptions. */
  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    if (this.#closing !== null) throw new Error('TwilioTransport.send() called after close()');
    const form = buildMessageForm(message, this.#options);
    return form.ok ? this.#post(form.body, signal) : form.result;
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
      return interpretTwilioResponse(
        response.statusCode,
        firstHeader(response.headers['retry-after']),
        text,
        Date.now(),
      );
    } catch (error) {
      return failureFromThrown(error, deadline, timeoutMs);
    } finally {
      deadline.dispose();
    }
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
