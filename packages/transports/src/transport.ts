/** Channels a message can travel on; a transport may support only some of them. */
export type Channel = 'sms' | 'whatsapp' | 'telegram';

/** What Herald asks a provider to deliver: one message to one recipient. */
export interface OutboundMessage {
  messageId: string;
  tenantId: string;
  channel: Channel;
  to: string;
  from: string | null;
  text: string;
  statusCallbackUrl: string | null;
}

/** Provider-neutral delivery status, the vocabulary the message state machine understands. */
export type ProviderStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'read';

/**
 * Outcome of one send attempt. Failures are values, never exceptions, so the sender decides
 * retry or dead-letter from `retryable` alone. Codes shared by every transport:
 * `network_error` and `timeout` (retryable: the provider may or may not have the message),
 * `aborted` (the caller's signal fired), `unsupported_channel` (permanent).
 */
export type SendResult =
  | { ok: true; providerMessageId: string; status: ProviderStatus }
  | { ok: false; retryable: boolean; errorCode: string; errorMessage: string; retryAfterMs?: number };

/** The narrow interface every provider implements. */
export interface Transport {
  readonly kind: string;
  send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}
