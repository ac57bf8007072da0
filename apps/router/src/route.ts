import type { ProviderConfig } from '@herald/config';
import type { HeraldEvent } from '@herald/contracts';
import { evolve, pickWeighted, routeMessage } from '@herald/domain';
import type { MessageAccepted } from '@herald/domain';
import { derivedEventId } from '@herald/kafka';

/** The routing decision for one accepted message: the event to write, and why. */
export type RoutingDecision =
  | { kind: 'routed'; event: Extract<HeraldEvent, { type: 'MessageRouted' }> }
  | { kind: 'failed'; event: Extract<HeraldEvent, { type: 'MessageFailed' }> };

/**
 * Picks a provider for an accepted message by weight among the providers of its channel. The
 * random number and the clock are inputs so tests can pin them.
 */
export function routeAccepted(
  accepted: MessageAccepted,
  providers: readonly ProviderConfig[],
  random: number,
  now: number,
): RoutingDecision {
  const candidates = providers.filter((provider) => provider.channel === accepted.channel);
  const provider = pickWeighted(candidates, random);
  if (!provider)
    return failed(accepted, 'no_route', `no provider is configured for channel ${accepted.channel}`, now);
  const result = routeMessage(
    {
      type: 'RouteMessage',
      messageId: accepted.messageId,
      providerId: provider.id,
      eventId: derivedEventId(accepted.eventId, 'routed:1'),
      now,
    },
    evolve(null, accepted),
  );
  if (!result.ok) return failed(accepted, result.error.code, result.error.message, now);
  const [routed] = result.value;
  return { kind: 'routed', event: routed };
}

function failed(
  accepted: MessageAccepted,
  errorCode: string,
  errorMessage: string,
  now: number,
): RoutingDecision {
  return {
    kind: 'failed',
    event: {
      type: 'MessageFailed',
      eventId: derivedEventId(accepted.eventId, 'route-failed'),
      messageId: accepted.messageId,
      tenantId: accepted.tenantId,
      occurredAt: now,
      to: accepted.to,
      providerId: null,
      errorCode,
      errorMessage,
    },
  };
}
