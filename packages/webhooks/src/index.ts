export {
  MIN_SECRET_BYTES,
  SECRET_PREFIX,
  WebhookSecretError,
  generateSecret,
  headersFor,
  parseSecret,
  sign,
  verify,
} from './signing.js';
export type { SignedContent, VerifyInput, WebhookHeaders } from './signing.js';

export {
  EventFilterError,
  WEBHOOK_EVENT_TYPES,
  isWebhookEventType,
  matches,
  parseFilter,
  webhookEventTypeOf,
} from './event-types.js';
export type { EventFilter, WebhookEventType } from './event-types.js';

export {
  DEFAULT_RETRY_SCHEDULE,
  MAX_RETRY_AFTER_MS,
  RETRY_JITTER,
  RetryScheduleError,
  nextAttemptAt,
  outcomeOf,
  parseRetryAfter,
  parseRetrySchedule,
} from './schedule.js';
export type { AttemptOutcome, NextAttemptInput } from './schedule.js';

export { AllowListError, SsrfError, checkUrl, defaultAllowList, parseAllowList } from './ssrf.js';
export type {
  AllowList,
  CheckUrlOptions,
  CheckedUrl,
  Lookup,
  ResolvedAddress,
  SsrfErrorCode,
  UrlCheck,
} from './ssrf.js';

export { pinnedAgent, pinnedConnector } from './pinned-agent.js';
export type { PinnedAgentOptions } from './pinned-agent.js';

export { DEVELOPMENT_CALLBACK_SIGNING_SECRET, callbackSecretFor } from './callback-secret.js';
