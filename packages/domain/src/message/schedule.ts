import { fail, ok } from '../result.js';
import type { Result } from '../result.js';
import type { MessageError } from './decide.js';
import { isAccepted } from './message.js';
import type { MessageExpired, MessageScheduled, MessageState } from './message.js';

/** Hold a message until its sendAt. */
export interface ScheduleMessage {
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** End a message whose validity ran out. */
export interface ExpireMessage {
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly now: number;
  /** Why, for the client; a default naming the expiry time when absent. */
  readonly reason?: string;
}

/** True when the message may be sent at `now`: it has no sendAt, or it has passed. */
export function isDue(state: MessageState, now: number): boolean {
  return state.sendAt === null || state.sendAt <= now;
}

/** True when the message's validity has run out at `now`. */
export function isExpired(state: MessageState, now: number): boolean {
  return state.expiresAt !== null && state.expiresAt <= now;
}

/** Schedules a queued message whose sendAt is still in the future. */
export function scheduleMessage(
  state: MessageState | null,
  command: ScheduleMessage,
): Result<[MessageScheduled], MessageError> {
  if (state === null || !isAccepted(state))
    return fail('message_not_found', 'the message has not been accepted');
  if (state.status !== 'queued')
    return fail(
      'message_not_schedulable',
      `message ${state.id} is ${state.status}; only queued messages are scheduled`,
    );
  if (state.sendAt === null || state.sendAt <= command.now)
    return fail('message_not_schedulable', `message ${state.id} is due now; it is routed, not scheduled`);
  const { id: messageId, tenantId, to, sendAt } = state;
  return ok([
    {
      type: 'MessageScheduled',
      eventId: command.eventId,
      messageId,
      tenantId,
      occurredAt: command.now,
      to,
      sendAt,
    },
  ]);
}

const EXPIRABLE: ReadonlySet<MessageState['status']> = new Set(['queued', 'scheduled', 'sending']);

/**
 * Expires a message whose expiresAt has passed and that has not reached a provider yet: queued,
 * scheduled, or routed but not sent (waiting in a dispatch lane or a retry topic).
 */
export function expireMessage(
  state: MessageState | null,
  command: ExpireMessage,
): Result<[MessageExpired], MessageError> {
  if (state === null || !isAccepted(state))
    return fail('message_not_found', 'the message has not been accepted');
  if (!EXPIRABLE.has(state.status))
    return fail('message_not_expired', `message ${state.id} is ${state.status}; it can no longer expire`);
  if (state.expiresAt === null || state.expiresAt > command.now)
    return fail('message_not_expired', `message ${state.id} is valid until ${state.expiresAt ?? 'forever'}`);
  const reason = command.reason ?? `validity period ended at ${new Date(state.expiresAt).toISOString()}`;
  const { id: messageId, tenantId, to } = state;
  return ok([
    {
      type: 'MessageExpired',
      eventId: command.eventId,
      messageId,
      tenantId,
      occurredAt: command.now,
      to,
      reason,
    },
  ]);
}
