import { fail, ok } from '../result.js';
import type { DomainError, Result } from '../result.js';
import { isAccepted } from './message.js';
import { isDue } from './schedule.js';
import type {
  Channel,
  MessageAccepted,
  MessageEvent,
  MessageRouted,
  MessageState,
  Priority,
} from './message.js';

/** A message as the client asked for it, already validated at the edge. */
export interface NewMessage {
  readonly channel: Channel;
  readonly to: string;
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
  /** Parts it is billed as (`segmentText(text).parts` for SMS, 1 otherwise). */
  readonly parts: number;
  /** SMS encoding; null for channels without one. */
  readonly encoding: string | null;
  /** Price in micro-credits (`priceMessage`). */
  readonly costMicros: number;
  readonly broadcastId: string | null;
}

/** Accept a new message from a tenant. */
export interface AcceptMessage {
  readonly type: 'AcceptMessage';
  readonly messageId: string;
  readonly tenantId: string;
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly message: NewMessage;
}

/** Hand a queued message to the provider the router chose. */
export interface RouteMessage {
  readonly type: 'RouteMessage';
  readonly messageId: string;
  readonly providerId: string;
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** Everything Herald itself decides about a message. */
export type MessageCommand = AcceptMessage | RouteMessage;

/** Codes of the expected refusals of a message command. */
export type MessageErrorCode =
  | 'message_already_accepted'
  | 'message_not_found'
  | 'message_not_routable'
  | 'message_not_schedulable'
  | 'message_not_cancellable'
  | 'message_not_expired';

/** An expected refusal of a message command. */
export type MessageError = DomainError<MessageErrorCode>;

/** Accepts a message unless one with the same id was accepted already. */
export function acceptMessage(
  command: AcceptMessage,
  state: MessageState | null,
): Result<[MessageAccepted], MessageError> {
  // A partial state (a callback projected before its accept) is not an earlier accept.
  if (state !== null && isAccepted(state)) {
    return fail('message_already_accepted', `message ${command.messageId} was already accepted`);
  }
  const { message } = command;
  return ok([
    {
      type: 'MessageAccepted',
      eventId: command.eventId,
      messageId: command.messageId,
      tenantId: command.tenantId,
      occurredAt: command.now,
      to: message.to,
      channel: message.channel,
      from: message.from,
      text: message.text,
      priority: message.priority,
      clientReference: message.clientReference,
      callbackUrl: message.callbackUrl,
      metadata: message.metadata,
      sendAt: message.sendAt,
      expiresAt: message.expiresAt,
      parts: message.parts,
      encoding: message.encoding,
      costMicros: message.costMicros,
      broadcastId: message.broadcastId,
    },
  ]);
}

/** Routes a queued message, or a scheduled one that is due, to the chosen provider as its next attempt. */
export function routeMessage(
  command: RouteMessage,
  state: MessageState | null,
): Result<[MessageRouted], MessageError> {
  if (state === null || !isAccepted(state)) {
    return fail('message_not_found', `message ${command.messageId} has not been accepted`);
  }
  if (state.status !== 'queued' && state.status !== 'scheduled') {
    return fail(
      'message_not_routable',
      `message ${command.messageId} is ${state.status}; only queued and scheduled messages are routed`,
    );
  }
  if (!isDue(state, command.now)) {
    return fail('message_not_routable', `message ${command.messageId} is scheduled for ${state.sendAt}`);
  }
  return ok([
    {
      type: 'MessageRouted',
      eventId: command.eventId,
      messageId: state.id,
      tenantId: state.tenantId,
      occurredAt: command.now,
      to: state.to,
      channel: state.channel,
      from: state.from,
      text: state.text,
      priority: state.priority,
      providerId: command.providerId,
      attempt: state.attempts + 1,
      expiresAt: state.expiresAt,
    },
  ]);
}

/** Decides the events a command produces against the message's current state. */
export function decide(
  command: MessageCommand,
  state: MessageState | null,
): Result<MessageEvent[], MessageError> {
  switch (command.type) {
    case 'AcceptMessage':
      return acceptMessage(command, state);
    case 'RouteMessage':
      return routeMessage(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
