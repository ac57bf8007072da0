/** Message lifecycle: statuses, their descriptions, rank and allowed transitions. */
export {
  MESSAGE_STATUSES,
  STATUS_DESCRIPTIONS,
  statusRank,
  canTransition,
  isTerminal,
} from './message/status.js';
/** The status type of a message. */
export type { MessageStatus } from './message/status.js';

/** Message events and their fold into state. */
export { CHANNELS, PRIORITIES, evolve, eventStatus, isAccepted } from './message/message.js';
/** Message event, state and vocabulary types. */
export type {
  AcceptedMessageState,
  Channel,
  MessageAccepted,
  MessageDelivered,
  MessageEvent,
  MessageFailed,
  MessageRouted,
  MessageSent,
  MessageState,
  MessageUndelivered,
  Priority,
} from './message/message.js';

/** Message commands and the decisions Herald makes on them. */
export { decide, acceptMessage, routeMessage } from './message/decide.js';
/** Message command and refusal types. */
export type {
  AcceptMessage,
  MessageCommand,
  MessageError,
  MessageErrorCode,
  NewMessage,
  RouteMessage,
} from './message/decide.js';

/** Expected outcomes as values. */
export { ok, fail } from './result.js';
/** Result and domain error types. */
export type { DomainError, Result } from './result.js';

/** Weighted random choice among providers, with the random number as an input. */
export { pickWeighted } from './routing/weighted.js';
