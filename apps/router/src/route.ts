import type { ProviderConfig } from '@herald/config';
import type { HeraldEvent } from '@herald/contracts';
import {
  eligibleProviders,
  evolve,
  expireMessage,
  isExpired,
  pickWeighted,
  routeMessage,
  scheduleMessage,
} from '@herald/domain';
import type { MessageAccepted } from '@herald/domain';
import { derivedEventId } from '@herald/kafka';

type EventNamed<T extends HeraldEvent['type']> = Extract<HeraldEvent, { type: T }>;

/** What the router does with an accepted message before any I/O: expire it, hold it, or route it now. */
export type Triage = 'expire' | 'schedule' | 'route';

/** Messages due within this margin are routed at once rather than scheduled. */
const SCHEDULE_MARGIN_MS = 1000;

/** Decides whether an accepted message is expired, to be held until its send_at, or routed now. */
export function triage(accepted: MessageAccepted, now: number): Triage {
  const state = evolve(null, accepted);
  if (isExpired(state, now)) return 'expire';
  if (state.sendAt !== null && state.sendAt > now + SCHEDULE_MARGIN_MS) return 'schedule';
  return 'route';
}

/** The providers that may carry a message now: eligible for it, and not behind an open circuit. */
export function candidatesFor(
  accepted: MessageAccepted,
  providers: readonly ProviderConfig[],
  unavailable: ReadonlySet<string> = new Set(),
): ProviderConfig[] {
  return eligibleProviders(providers, accepted, unavailable);
}

/** What the I/O around routing found out about one message. */
export interface RoutingFacts {
  optedOut: boolean;
  /** Providers whose circuit is open: they get no traffic. */
  unavailable?: ReadonlySet<string>;
  /** Outcome of the credit hold; absent when no hold was attempted. */
  hold?: { ok: true } | { ok: false; available: number };
}

/** The event that routes, or refuses, one message that is due now. Pure: random and time are inputs. */
export function routeNow(
  accepted: MessageAccepted,
  providers: readonly ProviderConfig[],
  facts: RoutingFacts,
  random: number,
  now: number,
): EventNamed<'MessageRouted' | 'MessageFailed' | 'MessageExpired'> {
  const state = evolve(null, accepted);
  if (isExpired(state, now)) return expired(accepted, now);
  if (facts.optedOut) {
    return failed(
      accepted,
      'recipient_opted_out',
      `${accepted.to} opted out of messages from this account`,
      now,
    );
  }
  const eligible = eligibleProviders(providers, accepted);
  const provider = pickWeighted(candidatesFor(accepted, providers, facts.unavailable), random);
  if (!provider && eligible.length > 0) {
    // Every provider that could carry it has an open circuit: route to one anyway and let the
    // sender's retry tiers wait for a circuit to close, rather than fail a message that can be sent.
    const fallback = pickWeighted(eligible, random);
    if (fallback) return routeTo(accepted, fallback.id, state, now, facts);
  }
  if (!provider)
    return failed(
      accepted,
      'no_route',
      `no provider serves ${accepted.channel} messages to ${accepted.to} for this account`,
      now,
    );
  return routeTo(accepted, provider.id, state, now, facts);
}

function routeTo(
  accepted: MessageAccepted,
  providerId: string,
  state: ReturnType<typeof evolve>,
  now: number,
  facts: RoutingFacts,
): EventNamed<'MessageRouted' | 'MessageFailed' | 'MessageExpired'> {
  if (facts.hold && !facts.hold.ok) {
    const detail = `the message costs ${accepted.costMicros} micro-credits, ${facts.hold.available} are available`;
    return failed(accepted, 'insufficient_credits', detail, now);
  }
  const result = routeMessage(
    {
      type: 'RouteMessage',
      messageId: accepted.messageId,
      providerId,
      eventId: derivedEventId(accepted.eventId, 'routed:1'),
      now,
    },
    state,
  );
  if (!result.ok) return failed(accepted, result.error.code, result.error.message, now);
  const [routed] = result.value;
  return {
    ...routed,
    expiresAt: accepted.expiresAt,
    notBefore: null,
    lastErrorCode: null,
    lastErrorMessage: null,
  };
}

/** The MessageScheduled that records a hold until send_at. */
export function scheduled(accepted: MessageAccepted, now: number): EventNamed<'MessageScheduled'> {
  const result = scheduleMessage(evolve(null, accepted), {
    eventId: derivedEventId(accepted.eventId, 'scheduled'),
    now,
  });
  if (!result.ok)
    throw new Error(`message ${accepted.messageId} cannot be scheduled: ${result.error.message}`);
  const [event] = result.value;
  return event;
}

/** The MessageExpired of a message whose validity ran out before it was routed. */
export function expired(accepted: MessageAccepted, now: number): EventNamed<'MessageExpired'> {
  const result = expireMessage(evolve(null, accepted), {
    eventId: derivedEventId(accepted.eventId, 'expired'),
    now,
  });
  if (!result.ok) throw new Error(`message ${accepted.messageId} is not expired: ${result.error.message}`);
  const [event] = result.value;
  return event;
}

/** The MessageCancelled of a scheduled message whose cancellation the router carried out. */
export function cancelled(
  ids: { messageId: string; tenantId: string; to: string },
  now: number,
): EventNamed<'MessageCancelled'> {
  // One id per message, whatever the number of cancel requests: retries and repeats deduplicate.
  return {
    type: 'MessageCancelled',
    eventId: derivedEventId(ids.messageId, 'cancelled'),
    messageId: ids.messageId,
    tenantId: ids.tenantId,
    to: ids.to,
    occurredAt: now,
    reason: 'cancelled by the client',
  };
}

function failed(
  accepted: MessageAccepted,
  errorCode: string,
  errorMessage: string,
  now: number,
): EventNamed<'MessageFailed'> {
  return {
    type: 'MessageFailed',
    eventId: derivedEventId(accepted.eventId, 'route-failed'),
    messageId: accepted.messageId,
    tenantId: accepted.tenantId,
    occurredAt: now,
    to: accepted.to,
    providerId: null,
    errorCode,
    errorMessage,
  };
}
