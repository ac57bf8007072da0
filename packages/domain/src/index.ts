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
  MessageCancelled,
  MessageCancelRequested,
  MessageDelivered,
  MessageEvent,
  MessageExpired,
  MessageFailed,
  MessageRead,
  MessageRouted,
  MessageScheduled,
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

/** Scheduling (sendAt) and expiry (expiresAt) of a message. */
export { expireMessage, isDue, isExpired, scheduleMessage } from './message/schedule.js';
/** Scheduling and expiry command types. */
export type { ExpireMessage, ScheduleMessage } from './message/schedule.js';

/** Cancellation of a message Herald still holds. */
export { cancelMessage, isCancellable, requestCancellation } from './message/cancel.js';
/** Cancellation command types. */
export type { CancelMessage, RequestCancellation } from './message/cancel.js';

/** Expected outcomes as values. */
export { ok, fail } from './result.js';
/** Result and domain error types. */
export type { DomainError, Result } from './result.js';

/** Weighted random choice among providers, with the random number as an input. */
export { pickWeighted } from './routing/weighted.js';

/** SMS encoding and segmentation (GSM-7 / UCS-2 parts), and per-channel text limits. */
export { segmentText, splitText, textLimitFor, TEXT_LIMITS } from './sms/segmentation.js';
/** Segmentation result types. */
export type { Segmentation, SmsEncoding } from './sms/segmentation.js';

/** Token bucket rate limiting with the clock as an input. */
export { takeToken } from './limits/token-bucket.js';
/** Token bucket policy, state and decision types. */
export type { TokenBucketDecision, TokenBucketPolicy, TokenBucketState } from './limits/token-bucket.js';

/** Message prices in integer micro-credits. */
export { DEFAULT_PRICE_TABLE, MICROS_PER_CREDIT, parsePriceTable, priceMessage } from './billing/pricing.js';
/** Price table types. */
export type { PrefixPrice, PricedMessage, PriceTable, PriceTableError } from './billing/pricing.js';

/** The prepaid credit ledger of a tenant: hold, capture and release per message. */
export {
  addCredits,
  availableCredits,
  captureCredits,
  emptyLedger,
  evolveLedger,
  holdCredits,
  releaseCredits,
} from './billing/ledger.js';
/** Ledger entry, state, command and error types. */
export type {
  AddCredits,
  CaptureCredits,
  CreditsAdded,
  CreditsCaptured,
  CreditsHeld,
  CreditsReleased,
  Hold,
  HoldCredits,
  HoldStatus,
  LedgerEntry,
  LedgerError,
  LedgerState,
  ReleaseCredits,
} from './billing/ledger.js';

/** Standard carrier keywords (STOP, START, HELP) of inbound messages. */
export { keywordIntent } from './opt-out/keywords.js';
export type { KeywordIntent } from './opt-out/keywords.js';

/** Per-provider circuit breaker (pure: time is an input). */
export {
  DEFAULT_CIRCUIT_POLICY,
  closedCircuit,
  circuitAt,
  requestCall,
  recordOutcome,
} from './providers/circuit-breaker.js';
export type { Circuit, CircuitPolicy, CircuitState } from './providers/circuit-breaker.js';
/** Retry tiers with backoff and jitter. */
export { DEFAULT_RETRY_POLICY, nextRetry } from './providers/retry-policy.js';
export type { RetryDecision, RetryPolicy } from './providers/retry-policy.js';
/** Which providers may carry a message. */
export { eligibleProviders } from './routing/eligibility.js';
export type { MessageScope, ProviderScope } from './routing/eligibility.js';
