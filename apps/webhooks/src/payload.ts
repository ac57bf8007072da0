import type { HeraldEvent } from '@herald/contracts';
import { eventStatus } from '@herald/domain';
import type { NewWebhookMessage } from '@herald/store';
import { webhookEventTypeOf } from '@herald/webhooks';

/** The `webhook-id` of an event's webhook message: `msg_` + the event id without dashes. */
export function webhookIdOf(eventId: string): string {
  return `msg_${eventId.replaceAll('-', '')}`;
}

/**
 * The webhook message of an event, or null when clients are not told about its type. Built from
 * the event alone, so a replay of the log builds byte-identical payloads (and signatures).
 */
export function webhookMessageOf(event: HeraldEvent): NewWebhookMessage | null {
  const type = webhookEventTypeOf(event.type);
  if (type === null) return null;
  const occurredAt = new Date(event.occurredAt).toISOString();
  const data = {
    id: event.messageId,
    status: eventStatus(event),
    to: event.to,
    ...('channel' in event ? { channel: event.channel } : {}),
    provider_id: 'providerId' in event ? event.providerId : null,
    provider_message_id: 'providerMessageId' in event ? event.providerMessageId : null,
    error: 'errorCode' in event ? { code: event.errorCode, message: event.errorMessage } : null,
    event_id: event.eventId,
    occurred_at: occurredAt,
  };
  return {
    id: webhookIdOf(event.eventId),
    tenantId: event.tenantId,
    eventId: event.eventId,
    messageId: event.messageId,
    eventType: type,
    occurredAt: event.occurredAt,
    payload: JSON.stringify({ type, timestamp: occurredAt, data }),
  };
}
