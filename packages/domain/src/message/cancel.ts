import { fail, ok } from '../result.js';
import type { Result } from '../result.js';
import type { MessageError } from './decide.js';
import { isAccepted } from './message.js';
import type { MessageCancelled, MessageCancelRequested, MessageState } from './message.js';

/** Record a client's request to cancel a message. */
export interface RequestCancellation {
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** Cancel a message that has not been routed. */
export interface CancelMessage {
  readonly eventId: string;
  /** Why, for the client (e.g. `cancelled by the client`). */
  readonly reason: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** Only a message Herald still holds can be cancelled; once routed it is the provider's. */
export function isCancellable(state: MessageState): boolean {
  return state.status === 'queued' || state.status === 'scheduled';
}

function cancellable(state: MessageState | null): Result<MessageState, MessageError> {
  if (state === null || !isAccepted(state))
    return fail('message_not_found', 'the message has not been accepted');
  if (!isCancellable(state))
    return fail(
      'message_not_cancellable',
      `message ${state.id} is ${state.status}; only queued and scheduled messages can be cancelled`,
    );
  return ok(state);
}

/**
 * Records that the client asked to cancel. The request goes through the router, which sees it after
 * the accept (same topic and partition) and decides with `cancelMessage`; a message routed meanwhile
 * is not cancelled.
 */
export function requestCancellation(
  state: MessageState | null,
  command: RequestCancellation,
): Result<[MessageCancelRequested], MessageError> {
  const checked = cancellable(state);
  if (!checked.ok) return checked;
  const { id: messageId, tenantId, to } = checked.value;
  return ok([
    {
      type: 'MessageCancelRequested',
      eventId: command.eventId,
      messageId,
      tenantId,
      occurredAt: command.now,
      to,
    },
  ]);
}

/** Cancels a message that is still queued or scheduled. */
export function cancelMessage(
  state: MessageState | null,
  command: CancelMessage,
): Result<[MessageCancelled], MessageError> {
  const checked = cancellable(state);
  if (!checked.ok) return checked;
  const { id: messageId, tenantId, to } = checked.value;
  return ok([
    {
      type: 'MessageCancelled',
      eventId: command.eventId,
      messageId,
      tenantId,
      occurredAt: command.now,
      to,
      reason: command.reason,
    },
  ]);
}
