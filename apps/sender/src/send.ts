import type { HeraldEvent } from '@herald/contracts';
import type { MessageRouted } from '@herald/domain';
import { derivedEventId } from '@herald/kafka';
import type { Transport } from '@herald/transports';

type SendOutcome = Extract<HeraldEvent, { type: 'MessageSent' | 'MessageFailed' | 'MessageExpired' }>;

/**
 * Hands one routed message to its provider and returns the resulting event. Vendor and network
 * failures come back as MessageFailed with the transport's stable error code; the provider call is
 * at-least-once (a crash before the batch commits repeats it), keyed by our message id.
 */
export async function sendRouted(
  routed: MessageRouted,
  transport: Transport | undefined,
  callbackUrl: string | null,
  clock: () => number,
): Promise<SendOutcome> {
  const base = {
    messageId: routed.messageId,
    tenantId: routed.tenantId,
    to: routed.to,
    providerId: routed.providerId,
  };
  const eventId = derivedEventId(routed.eventId, `send:${routed.attempt}`);
  // Validity is checked again here: a message can wait behind others in the sender long enough to lapse.
  if (routed.expiresAt !== null && clock() >= routed.expiresAt) {
    return { type: 'MessageExpired', eventId, occurredAt: clock(), messageId: routed.messageId, tenantId: routed.tenantId, to: routed.to, reason: 'validity elapsed before the provider was called' };
  }
  if (!transport) {
    return {
      type: 'MessageFailed',
      eventId,
      occurredAt: clock(),
      ...base,
      errorCode: 'provider_unknown',
      errorMessage: `provider ${routed.providerId} is not configured in this sender`,
    };
  }
  const started = clock();
  const result = await transport.send({
    messageId: routed.messageId,
    tenantId: routed.tenantId,
    channel: routed.channel,
    to: routed.to,
    from: routed.from,
    text: routed.text,
    statusCallbackUrl: callbackUrl,
  });
  const finished = clock();
  if (result.ok) {
    return {
      type: 'MessageSent',
      eventId,
      occurredAt: finished,
      ...base,
      providerId: routed.providerId,
      providerMessageId: result.providerMessageId,
      attempt: routed.attempt,
      latencyMs: Math.max(0, Math.round(finished - started)),
    };
  }
  return {
    type: 'MessageFailed',
    eventId,
    occurredAt: finished,
    ...base,
    errorCode: result.errorCode,
    errorMessage: result.errorMessage,
  };
}
