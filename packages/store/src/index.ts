export { createPool, inTransaction } from './pool.js';
export type { Pool, PoolClient } from './pool.js';
export { migrate, loadMigrations } from './migrate.js';
export type { Migration } from './migrate.js';
export { readOffsets, lockOffset, storeOffset } from './offsets.js';
export type { StoredOffset } from './offsets.js';
export { appendEvents, storedEventIds } from './append-events.js';
export { readAllFrom, readStream } from './read-events.js';
export type { StoredEvent } from './read-events.js';
export { EVENTS_CHANNEL, subscribeToEvents } from './subscribe-events.js';
export type { EventSubscription } from './subscribe-events.js';
export type { NewStoredEvent } from './append-events.js';
export { lockMessages, lockPartitionLane, loadMessages, saveMessages, findMessage } from './messages.js';
export type { StoredMessage } from './messages.js';
export {
  generateApiKey,
  ensureTenant,
  addApiKey,
  authenticateApiKey,
  authenticateApiKeys,
  createTenant,
  listTenants,
  findTenant,
  updateTenant,
  issueApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKeys,
} from './tenants.js';
export type { ApiKeyInfo, KeyOwner, Tenant, TenantPatch, TenantStatus } from './tenants.js';
export {
  addCreditsEntry,
  holdCreditsForMessages,
  settleCredits,
  readBalance,
  readBalances,
  listLedgerEntries,
  totalHeldCredits,
} from './ledger.js';
export type {
  CreditBalance,
  CreditHold,
  CreditSettlement,
  HoldOutcome,
  SettledCredits,
  StoredLedgerEntry,
} from './ledger.js';
export {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  purgeExpiredIdempotencyKeys,
} from './idempotency.js';
export type { IdempotencyClaim, IdempotentRequest, StoredResponse } from './idempotency.js';
export {
  addOptOut,
  removeOptOut,
  isOptedOut,
  optedOutRecipients,
  listOptOuts,
  optedOutAmong,
  optOutKey,
} from './opt-outs.js';
export type { OptOut, OptOutQuery, OptOutSource } from './opt-outs.js';
export { listMessages } from './message-queries.js';
export type { MessageFilters, MessagePage, MessagePosition } from './message-queries.js';
export { appendTimeline, copyEventsToTimeline, messageTimeline } from './timeline.js';
export type { TimelineEntry, TimelineRow } from './timeline.js';
export { applyBroadcastDeltas, broadcastSummary } from './broadcast-counts.js';
export type { BroadcastCountDelta, BroadcastDelta, BroadcastSummary } from './broadcast-counts.js';
export { addProviderHealth, providerHealth } from './provider-health.js';
export type { ProviderHealthRow } from './provider-health.js';
export {
  scheduleMessages,
  cancelScheduled,
  claimDueMessages,
  markDispatched,
  nextDueAt,
} from './scheduled.js';
export type { ScheduledMessage, ScheduleStatus } from './scheduled.js';
export { recordCircuit, openCircuits } from './provider-circuits.js';
export {
  findMessageByProviderMessageId,
  matchOrParkCallbacks,
  takePendingCallbacks,
} from './provider-message-ids.js';
export type {
  CallbackEventType,
  MatchedCallback,
  ProviderCallback,
  ProviderMessageRef,
} from './provider-message-ids.js';
export {
  recordDeadLetters,
  listDeadLetters,
  findDeadLetter,
  markReplayed,
  countDeadLetters,
} from './dead-letters.js';
export type { DeadLetter, DeadLetterInput } from './dead-letters.js';
export { applyUsageDeltas, usageByDay } from './usage.js';
export type { UsageDelta, UsageFigures, UsageRow } from './usage.js';
export { providerCallbackEvent } from './provider-callback-event.js';
export type { ProviderCallbackEvent } from './provider-callback-event.js';
export {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  findWebhookEndpoint,
  listWebhookEndpoints,
  newWebhookEndpointId,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
} from './webhook-endpoints.js';
export type {
  NewWebhookEndpoint,
  WebhookDisabledReason,
  WebhookEndpoint,
  WebhookEndpointPatch,
  WebhookEndpointPosition,
} from './webhook-endpoints.js';
export {
  WEBHOOK_ATTEMPT_OUTCOMES,
  enqueueWebhookRecovery,
  enqueueWebhookResend,
  listWebhookAttempts,
  webhookEndpointStats,
} from './webhook-log.js';
export type { WebhookAttempt, WebhookAttemptOutcome, WebhookEndpointStats } from './webhook-log.js';
export {
  claimWebhookDeliveries,
  countPendingWebhookDeliveries,
  disableGoneEndpoints,
  enqueueWebhookMessages,
  failWebhookDeliveries,
  lockWebhookLane,
  recordEndpointHealth,
  recordMessageCallbacks,
  releaseWebhookDeliveries,
  seedGroupOffsets,
  settleWebhookAttempts,
} from './webhook-deliveries.js';
export type {
  ClaimOptions,
  ClaimedDelivery,
  DisabledEndpoint,
  EndpointHealth,
  MessageCallback,
  NewWebhookMessage,
  SettledAttempt,
} from './webhook-deliveries.js';
