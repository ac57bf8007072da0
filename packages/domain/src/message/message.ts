import { canTransition, MESSAGE_STATUSES } from './status.js';
import type { MessageStatus } from './status.js';

/** Channels Herald sends on. */
export const CHANNELS = ['sms', 'whatsapp', 'telegram'] as const;
/** A channel Herald sends on. */
export type Channel = (typeof CHANNELS)[number];

/** Dispatch lanes; express messages are sent ahead of normal ones. */
export const PRIORITIES = ['normal', 'express'] as const;
/** A dispatch lane. */
export type Priority = (typeof PRIORITIES)[number];

// `to` is on every event because every message topic is keyed by the recipient
// (ARCHITECTURE.md); the field names match the Avro schemas in /schemas, camelCased.
interface MessageEventBase {
  readonly eventId: string;
  readonly messageId: string;
  readonly tenantId: string;
  /** Epoch milliseconds. */
  readonly occurredAt: number;
  readonly to: string;
}

/** Herald accepted the message over the API; it waits for routing. */
export interface MessageAccepted extends MessageEventBase {
  readonly type: 'MessageAccepted';
  readonly channel: Channel;
  readonly from: string | null;
  readonly text: string;
  readonly priority: Priority;
  readonly clientReference: string | null;
  readonly callbackUrl: string | null;
  readonly metadata: Readonly<Record<string, string>> | null;
}

/** The router chose a provider; carries what the sender needs so it never looks the message up. */
export interface MessageRouted extends MessageEventBase {
  readonly type: 'MessageRouted';
  readonly channel: Channel;
  readonly from: string | null;
  readonly text: string;
  readonly priority: Priority;
  readonly providerId: string;
  /** 1 for the first provider, n for the n-th after failovers. */
  readonly attempt: number;
}

/** The provider accepted the message. */
export interface MessageSent extends MessageEventBase {
  readonly type: 'MessageSent';
  readonly providerId: string;
  readonly providerMessageId: string;
  readonly attempt: number;
}

/** The provider reported delivery to the recipient. */
export interface MessageDelivered extends MessageEventBase {
  readonly type: 'MessageDelivered';
  readonly providerId: string | null;
  readonly providerMessageId: string | null;
}

/** The provider accepted the message but could not deliver it. */
export interface MessageUndelivered extends MessageEventBase {
  readonly type: 'MessageUndelivered';
  readonly providerId: string | null;
  readonly providerMessageId: string | null;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** Herald or the provider refused the message. */
export interface MessageFailed extends MessageEventBase {
  readonly type: 'MessageFailed';
  readonly providerId: string | null;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** Every fact about a message. */
export type MessageEvent =
  MessageAccepted | MessageRouted | MessageSent | MessageDelivered | MessageUndelivered | MessageFailed;

/**
 * A message as its events describe it. The accepted facts (channel, text, priority, createdAt)
 * are null while only provider events have been applied; see `isAccepted`.
 */
export interface MessageState {
  readonly id: string;
  readonly tenantId: string;
  readonly channel: Channel | null;
  readonly to: string;
  readonly from: string | null;
  readonly text: string | null;
  readonly priority: Priority | null;
  readonly clientReference: string | null;
  readonly callbackUrl: string | null;
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly status: MessageStatus;
  readonly providerId: string | null;
  readonly providerMessageId: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** Highest attempt number seen; 0 before routing. */
  readonly attempts: number;
  /** When the message was accepted; null until MessageAccepted is applied. */
  readonly createdAt: number | null;
  /** The latest occurredAt among the applied events. */
  readonly updatedAt: number;
  /** When each status was first reported, whether or not it became the current status. */
  readonly statusTimes: Readonly<Partial<Record<MessageStatus, number>>>;
}

/** A message whose MessageAccepted has been applied. */
export type AcceptedMessageState = MessageState & {
  readonly channel: Channel;
  readonly text: string;
  readonly priority: Priority;
  readonly createdAt: number;
};

/** True once MessageAccepted has been applied, so the accepted facts are known. */
export function isAccepted(state: MessageState): state is AcceptedMessageState {
  return state.createdAt !== null;
}

/** The status an event moves a message to. */
export function eventStatus(event: MessageEvent): MessageStatus {
  switch (event.type) {
    case 'MessageAccepted':
      return 'queued';
    case 'MessageRouted':
      return 'sending';
    case 'MessageSent':
      return 'sent';
    case 'MessageDelivered':
      return 'delivered';
    case 'MessageUndelivered':
      return 'undelivered';
    case 'MessageFailed':
      return 'failed';
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * Folds one event into the state of its message.
 *
 * Events reach the projector late, twice and out of order (accept, dispatch and callbacks travel
 * on different topics), so evolve is built to give the same state whatever order they come in:
 * - status moves only forward (`canTransition`); an event that cannot move it still adds its
 *   time to `statusTimes` and fills in facts that were unknown, such as the providerMessageId;
 * - an event before MessageAccepted starts a partial state with the event's status, and the
 *   accepted facts are filled in when MessageAccepted arrives; the status is kept;
 * - every field is a first-time, minimum, maximum or fill-if-unknown of the event's values, so
 *   applying an event that was already applied changes nothing, without tracking event ids;
 * - provider facts follow the highest attempt: a failover's MessageRouted replaces the provider,
 *   a late one from an earlier attempt does not.
 * Two contradicting outcomes (undelivered, then delivered) cannot both be current: the first one
 * applied stays, the other is kept in `statusTimes` only.
 */
export function evolve(state: MessageState | null, event: MessageEvent): MessageState {
  const current = state ?? startFrom(event);
  const status = eventStatus(event);
  const next: MessageState = {
    ...current,
    status: canTransition(current.status, status) ? status : current.status,
    updatedAt: Math.max(current.updatedAt, event.occurredAt),
    statusTimes: withStatusTime(current.statusTimes, status, event.occurredAt),
  };
  return withError(withProvider(withAccepted(next, event), event), event);
}

function startFrom(event: MessageEvent): MessageState {
  return {
    id: event.messageId,
    tenantId: event.tenantId,
    channel: null,
    to: event.to,
    from: null,
    text: null,
    priority: null,
    clientReference: null,
    callbackUrl: null,
    metadata: null,
    status: eventStatus(event),
    providerId: null,
    providerMessageId: null,
    errorCode: null,
    errorMessage: null,
    attempts: 0,
    createdAt: null,
    updatedAt: event.occurredAt,
    statusTimes: {},
  };
}

// Rebuilt in lifecycle order so that the same facts always give the same key order (and JSON).
function withStatusTime(
  times: MessageState['statusTimes'],
  status: MessageStatus,
  at: number,
): MessageState['statusTimes'] {
  const result: Partial<Record<MessageStatus, number>> = {};
  for (const each of MESSAGE_STATUSES) {
    const time = each === status ? Math.min(times[each] ?? at, at) : times[each];
    if (time !== undefined) result[each] = time;
  }
  return result;
}

function withAccepted(state: MessageState, event: MessageEvent): MessageState {
  if (event.type !== 'MessageAccepted' || isAccepted(state)) return state;
  return {
    ...state,
    channel: event.channel,
    to: event.to,
    from: event.from,
    text: event.text,
    priority: event.priority,
    clientReference: event.clientReference,
    callbackUrl: event.callbackUrl,
    metadata: event.metadata,
    createdAt: event.occurredAt,
  };
}

interface ProviderFacts {
  readonly providerId: string | null;
  readonly providerMessageId: string | null;
  readonly attempt: number | null;
}

function providerFacts(event: MessageEvent): ProviderFacts | null {
  switch (event.type) {
    case 'MessageAccepted':
      return null;
    case 'MessageRouted':
      return { providerId: event.providerId, providerMessageId: null, attempt: event.attempt };
    case 'MessageSent':
      return {
        providerId: event.providerId,
        providerMessageId: event.providerMessageId,
        attempt: event.attempt,
      };
    case 'MessageDelivered':
    case 'MessageUndelivered':
      return { providerId: event.providerId, providerMessageId: event.providerMessageId, attempt: null };
    case 'MessageFailed':
      return { providerId: event.providerId, providerMessageId: null, attempt: null };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function withProvider(state: MessageState, event: MessageEvent): MessageState {
  const facts = providerFacts(event);
  if (facts === null) return state;
  const newerAttempt = facts.attempt !== null && facts.attempt > state.attempts;
  const pick = (known: string | null, reported: string | null) =>
    reported !== null && (newerAttempt || known === null) ? reported : known;
  return {
    ...state,
    providerId: pick(state.providerId, facts.providerId),
    providerMessageId: pick(state.providerMessageId, facts.providerMessageId),
    attempts: Math.max(state.attempts, facts.attempt ?? 0),
  };
}

// The first error that made the message fail is the one reported; later ones are history.
function withError(state: MessageState, event: MessageEvent): MessageState {
  if (event.type !== 'MessageUndelivered' && event.type !== 'MessageFailed') return state;
  if (state.status !== eventStatus(event) || state.errorCode !== null) return state;
  return { ...state, errorCode: event.errorCode, errorMessage: event.errorMessage };
}
