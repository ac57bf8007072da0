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

/**
 * A status report that reaches Herald over the transport's own connection (an SMPP deliver_sm
 * receipt) instead of an HTTP callback. It names the provider's id only: mapping that id to our
 * message, tenant and recipient is the caller's job.
 */
export interface StatusUpdate {
  /** The id send() returned in SendResult.providerMessageId. */
  providerMessageId: string;
  status: ProviderStatus;
  errorCode: string | null;
  errorMessage: string | null;
  /** When the transport received the report (epoch milliseconds). */
  occurredAt: number;
  /** The provider's fields as received, for the timeline. */
  raw: Record<string, string>;
}

/** The narrow interface every provider implements. */
export interface Transport {
  readonly kind: string;
  send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult>;
  /** Present on transports whose statuses arrive on their own connection; see each transport. */
  onStatusUpdate?(listener: (update: StatusUpdate) => void): void;
  close(): Promise<void>;
}
