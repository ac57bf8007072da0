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
  /** When to send it (epoch ms); null to send at once. */
  readonly sendAt: number | null;
  /** When it stops being worth sending (epoch ms); null for never. */
  readonly expiresAt: number | null;
  /** Parts (segments) it is billed as. */
  readonly parts: number;
  /** SMS encoding (`GSM-7`, `UCS-2`); null for channels without one. */
  readonly encoding: string | null;
  /** Price in micro-credits, held from the tenant's credits when it is routed. */
  readonly costMicros: number;
  /** The broadcast it is one recipient's copy of, if any. */
  readonly broadcastId: string | null;
}

/** Herald holds the message until its sendAt. */
export interface MessageScheduled extends MessageEventBase {
  readonly type: 'MessageScheduled';
  /** Epoch milliseconds. */
  readonly sendAt: number;
}

/** The client asked to cancel the message; whether it still can be is decided by the router. */
export interface MessageCancelRequested extends MessageEventBase {
  readonly type: 'MessageCancelRequested';
}

/** The message was cancelled before it was routed. */
export interface MessageCancelled extends MessageEventBase {
  readonly type: 'MessageCancelled';
  readonly reason: string;
}

/** The message's validity ran out before it could be sent. */
export interface MessageExpired extends MessageEventBase {
  readonly type: 'MessageExpired';
  readonly reason: string;
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
  /** The accepted expiresAt, so the sender can expire a message that waited too long. */
  readonly expiresAt: number | null;
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

/** The provider reported that the recipient read the message. */
export interface MessageRead extends MessageEventBase {
  readonly type: 'MessageRead';
  readonly providerId: string | null;
  readonly providerMessageId: string | null;
}

/** Every fact about a message. */
export type MessageEvent =
  | MessageAccepted
  | MessageScheduled
  | MessageCancelRequested
  | MessageCancelled
  | MessageExpired
  | MessageRouted
  | MessageSent
  | MessageDelivered
  | MessageRead
  | MessageUndelivered
  | MessageFailed;

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
  /** When to send it (epoch ms); null to send at once. */
  readonly sendAt: number | null;
  /** When it stops being worth sending (epoch ms); null for never. */
  readonly expiresAt: number | null;
  /** Parts it is billed as; 0 until MessageAccepted is applied. */
  readonly parts: number;
  readonly encoding: string | null;
  /** Price in micro-credits; 0 until MessageAccepted is applied. */
  readonly costMicros: number;
  readonly broadcastId: string | null;
  /** When the client first asked to cancel it; null if never. */
  readonly cancelRequestedAt: number | null;
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

/** The status an event moves a message to; null for a fact that moves no status (a cancel request). */
export function eventStatus(event: MessageEvent): MessageStatus | null {
  switch (event.type) {
    case 'MessageAccepted':
      return 'queued';
    case 'MessageScheduled':
      return 'scheduled';
    case 'MessageCancelRequested':
      return null;
    case 'MessageCancelled':
      return 'cancelled';
    case 'MessageExpired':
      return 'expired';
    case 'MessageRead':
      return 'read';
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
 * applied stays, the other is kept in `statusTimes` only. A cancel request moves no status; it
 * records when it was first asked for.
 */
export function evolve(state: MessageState | null, event: MessageEvent): MessageState {
  const current = state ?? startFrom(event);
  const status = eventStatus(event);
  const next: MessageState = {
    ...current,
    status: status !== null && canTransition(current.status, status) ? status : current.status,
    updatedAt: Math.max(current.updatedAt, event.occurredAt),
    statusTimes:
      status === null ? current.statusTimes : withStatusTime(current.statusTimes, status, event.occurredAt),
  };
  return FOLDS.reduce((folded, fold) => fold(folded, event), next);
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
    // A cancel request implies an accepted message, so a stream that starts with one starts queued.
    status: eventStatus(event) ?? 'queued',
    providerId: null,
    providerMessageId: null,
    errorCode: null,
    errorMessage: null,
    attempts: 0,
    createdAt: null,
    updatedAt: event.occurredAt,
    statusTimes: {},
    sendAt: null,
    expiresAt: null,
    parts: 0,
    encoding: null,
    costMicros: 0,
    broadcastId: null,
    cancelRequestedAt: null,
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
    sendAt: earliest(state.sendAt, event.sendAt),
    expiresAt: event.expiresAt,
    parts: event.parts,
    encoding: event.encoding,
    costMicros: event.costMicros,
    broadcastId: event.broadcastId,
  };
}

// Accept and schedule carry the same sendAt; taking the earliest known keeps the fold
// order-independent even if they ever disagreed.
function earliest(known: number | null, reported: number | null): number | null {
  if (known === null) return reported;
  return reported === null ? known : Math.min(known, reported);
}

function withSchedule(state: MessageState, event: MessageEvent): MessageState {
  if (event.type !== 'MessageScheduled') return state;
  return { ...state, sendAt: earliest(state.sendAt, event.sendAt) };
}

function withCancelRequest(state: MessageState, event: MessageEvent): MessageState {
  if (event.type !== 'MessageCancelRequested') return state;
  return { ...state, cancelRequestedAt: earliest(state.cancelRequestedAt, event.occurredAt) };
}

interface ProviderFacts {
  readonly providerId: string | null;
  readonly providerMessageId: string | null;
  readonly attempt: number | null;
}

function providerFacts(event: MessageEvent): ProviderFacts | null {
  switch (event.type) {
    case 'MessageAccepted':
    case 'MessageScheduled':
    case 'MessageCancelRequested':
    case 'MessageCancelled':
    case 'MessageExpired':
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
    case 'MessageRead':
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

// Why the message ended without being delivered: a cancellation or an expiry reads as an error
// with a fixed code and its reason, so clients find it where they find every other ending.
function endingReason(event: MessageEvent): { code: string; message: string } | null {
  switch (event.type) {
    case 'MessageUndelivered':
    case 'MessageFailed':
      return { code: event.errorCode, message: event.errorMessage };
    case 'MessageCancelled':
      return { code: 'cancelled', message: event.reason };
    case 'MessageExpired':
      return { code: 'expired', message: event.reason };
    case 'MessageAccepted':
    case 'MessageScheduled':
    case 'MessageCancelRequested':
    case 'MessageRouted':
    case 'MessageSent':
    case 'MessageDelivered':
    case 'MessageRead':
      return null;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

// The first error that made the message fail is the one reported; later ones are history.
function withError(state: MessageState, event: MessageEvent): MessageState {
  const reason = endingReason(event);
  if (reason === null || state.status !== eventStatus(event) || state.errorCode !== null) return state;
  return { ...state, errorCode: reason.code, errorMessage: reason.message };
}

// Each fold fills in the facts one kind of event carries; the order does not matter.
const FOLDS: readonly ((state: MessageState, event: MessageEvent) => MessageState)[] = [
  withAccepted,
  withSchedule,
  withCancelRequest,
  withProvider,
  withError,
];
