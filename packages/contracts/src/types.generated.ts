// Generated from schemas/*.avsc by packages/contracts/scripts/generate-types.ts. Do not edit.

/** Herald accepted a message over the API and made it durable; it waits for routing. */
export interface MessageAcceptedRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
  /** Channel the message is sent on. */
  channel: 'sms' | 'whatsapp' | 'telegram';
  /** Sender id or number; null lets the provider pick its default. */
  from: null | string;
  /** Message body (UTF-8). */
  text: string;
  /** Dispatch lane. */
  priority: 'normal' | 'express';
  /** Caller's own reference, echoed in queries and webhooks. */
  client_reference: null | string;
  /** Per-message webhook URL given by the caller. */
  callback_url: null | string;
  /** Caller's key/value metadata, echoed back. */
  metadata: null | Record<string, string>;
  /** When to send the message, in milliseconds since the Unix epoch (UTC); null sends it at once. */
  send_at: null | number;
  /** When the message stops being worth sending, in milliseconds since the Unix epoch (UTC); null for never. */
  expires_at: null | number;
  /** Parts (segments) the message is billed as. */
  parts: number;
  /** SMS encoding (GSM-7 or UCS-2); null for channels without one. */
  encoding: null | string;
  /** Price of the message in micro-credits (1 credit = 1,000,000), held when it is routed. */
  cost_micros: number;
  /** Id of the broadcast this message is one recipient's copy of; null for a single message. */
  broadcast_id: null | string;
}

/** The client asked to cancel the message; the router decides whether it still can be (no status change). */
export interface MessageCancelRequestedRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
}

/** The message was cancelled before it was routed (terminal). */
export interface MessageCancelledRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
  /** Why it was cancelled, for the client. */
  reason: string;
}

/** The provider reported the message delivered to the recipient. */
export interface MessageDeliveredRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
  /** Id of the provider instance that reported it. */
  provider_id: null | string;
  /** The provider's id for the message. */
  provider_message_id: null | string;
  /** The provider's own status string, verbatim. */
  provider_status: null | string;
}

/** The message's validity period ran out before it could be sent (terminal). */
export interface MessageExpiredRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
  /** Why it expired, for the client. */
  reason: string;
}

/** Herald or the provider refused the message (terminal). */
export interface MessageFailedRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
  /** Id of the provider instance involved, if any. */
  provider_id: null | string;
  /** Stable error code (provider codes are prefixed with the provider kind). */
  error_code: string;
  /** Human-readable reason. */
  error_message: string;
}

/** The provider reported that the recipient read the message. */
export interface MessageReadRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
  /** Id of the provider instance that reported it. */
  provider_id: null | string;
  /** The provider's id for the message. */
  provider_message_id: null | string;
}

/** The router chose a provider for the message and put it on a dispatch lane. */
export interface MessageRoutedRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
  /** Channel the message is sent on. */
  channel: 'sms' | 'whatsapp' | 'telegram';
  /** Sender id or number. */
  from: null | string;
  /** Message body (UTF-8), carried so the sender needs no lookup. */
  text: string;
  /** Dispatch lane (and topic) the message was put on. */
  priority: 'normal' | 'express';
  /** Id of the provider instance chosen. */
  provider_id: string;
  /** Delivery attempt number, starting at 1. */
  attempt: number;
  /** When the message stops being worth sending, in milliseconds since the Unix epoch (UTC), so the sender can expire it without a lookup; null for never. */
  expires_at: null | number;
  /** On a retry topic: the earliest time the attempt may be made (ms since the epoch); null to send at once. */
  not_before: null | number;
  /** Error code of the previous attempt when this is a retry or a failover; null on the first attempt. */
  last_error_code: null | string;
  /** Error message of the previous attempt, when there was one. */
  last_error_message: null | string;
}

/** Herald holds the message until its send time; the router routes it then. */
export interface MessageScheduledRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
  /** When the message is to be sent, in milliseconds since the Unix epoch (UTC). */
  send_at: number;
}

/** The provider accepted the message for delivery. */
export interface MessageSentRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
  /** Id of the provider instance that accepted it. */
  provider_id: string;
  /** The provider's id for the message (e.g. a Twilio SID). */
  provider_message_id: string;
  /** Delivery attempt number that succeeded, starting at 1. */
  attempt: number;
  /** Duration of the provider API call, in milliseconds. */
  latency_ms: number;
}

/** The provider accepted the message but could not deliver it (terminal). */
export interface MessageUndeliveredRecord {
  /** Unique id of this event (UUID); consumers deduplicate on it. */
  event_id: string;
  /** Id of the message this event belongs to; one event stream per message. */
  message_id: string;
  /** Id of the tenant (API client) that owns the message. */
  tenant_id: string;
  /** When the fact happened, in milliseconds since the Unix epoch (UTC). */
  occurred_at: number;
  /** Recipient address (E.164 phone number or chat id); also the Kafka record key. */
  to: string;
  /** Id of the provider instance that reported it. */
  provider_id: null | string;
  /** The provider's id for the message. */
  provider_message_id: null | string;
  /** Stable error code (provider codes are prefixed with the provider kind). */
  error_code: string;
  /** Human-readable reason. */
  error_message: string;
}

/** Every event type Herald writes. */
export const EVENT_TYPES = [
  'MessageAccepted',
  'MessageCancelRequested',
  'MessageCancelled',
  'MessageDelivered',
  'MessageExpired',
  'MessageFailed',
  'MessageRead',
  'MessageRouted',
  'MessageScheduled',
  'MessageSent',
  'MessageUndelivered',
] as const;

/** Name of an event type (the Avro record name). */
export type EventType = (typeof EVENT_TYPES)[number];

/** The wire record of each event type. */
export interface EventRecords {
  MessageAccepted: MessageAcceptedRecord;
  MessageCancelRequested: MessageCancelRequestedRecord;
  MessageCancelled: MessageCancelledRecord;
  MessageDelivered: MessageDeliveredRecord;
  MessageExpired: MessageExpiredRecord;
  MessageFailed: MessageFailedRecord;
  MessageRead: MessageReadRecord;
  MessageRouted: MessageRoutedRecord;
  MessageScheduled: MessageScheduledRecord;
  MessageSent: MessageSentRecord;
  MessageUndelivered: MessageUndeliveredRecord;
}
