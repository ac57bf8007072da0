import { eventStatus, isAccepted } from '@herald/domain';
import type { MessageEvent, MessageState } from '@herald/domain';
import type { HeraldEvent } from '@herald/contracts';
import type {
  BroadcastCountDelta,
  BroadcastDelta,
  ProviderHealthRow,
  TimelineRow,
  UsageDelta,
} from '@herald/store';
import type { MessageChange } from './fold.js';

// Counting read models (broadcasts, usage) are sums of what each message's current state
// contributes. A batch adds contribution(after) − contribution(before) for every message it moved,
// so the sums telescope to the contributions of the final states: the same figures whatever order
// the events were applied in, and however they were cut into batches.

const DELIVERED = new Set(['delivered', 'read']);
const FAILED = new Set(['undelivered', 'failed']);
const CHARGED = ['sent', 'delivered', 'read'] as const;

/** UTC day (YYYY-MM-DD) of an epoch-ms time. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Start of the minute of an epoch-ms time. */
export function minuteOf(ms: number): number {
  return ms - (((ms % 60_000) + 60_000) % 60_000);
}

/** What one message adds to its tenant's usage row, or null until it is accepted. */
export function usageOf(state: MessageState | null): UsageDelta | null {
  if (state === null || !isAccepted(state)) return null;
  // A provider that took the message charges for it, as the credits ledger captures it.
  const charged = CHARGED.some((status) => state.statusTimes[status] !== undefined);
  return {
    tenantId: state.tenantId,
    day: utcDay(state.createdAt),
    channel: state.channel,
    messages: 1,
    parts: state.parts,
    delivered: DELIVERED.has(state.status) ? 1 : 0,
    failed: FAILED.has(state.status) ? 1 : 0,
    spendMicros: charged ? state.costMicros : 0,
  };
}

/** The usage rows a batch of changes moves, with the amounts to add (zero changes left out). */
export function usageDeltas(changes: readonly MessageChange[]): UsageDelta[] {
  const rows = new Map<string, UsageDelta>();
  const add = (contribution: UsageDelta | null, sign: 1 | -1) => {
    if (contribution === null) return;
    const key = `${contribution.tenantId}\u0000${contribution.day}\u0000${contribution.channel}`;
    const row = rows.get(key) ?? {
      ...contribution,
      messages: 0,
      parts: 0,
      delivered: 0,
      failed: 0,
      spendMicros: 0,
    };
    row.messages += sign * contribution.messages;
    row.parts += sign * contribution.parts;
    row.delivered += sign * contribution.delivered;
    row.failed += sign * contribution.failed;
    row.spendMicros += sign * contribution.spendMicros;
    rows.set(key, row);
  };
  for (const { before, after } of changes) {
    add(usageOf(before), -1);
    add(usageOf(after.state), 1);
  }
  return [...rows.values()].filter(
    (row) =>
      row.messages !== 0 ||
      row.parts !== 0 ||
      row.delivered !== 0 ||
      row.failed !== 0 ||
      row.spendMicros !== 0,
  );
}

/** The broadcast rows and per-status counts a batch of changes moves. */
export function broadcastDeltas(changes: readonly MessageChange[]): {
  broadcasts: BroadcastDelta[];
  counts: BroadcastCountDelta[];
} {
  const broadcasts = new Map<string, BroadcastDelta>();
  const counts = new Map<string, BroadcastCountDelta>();
  const count = (state: MessageState, broadcastId: string, sign: 1 | -1) => {
    const key = `${broadcastId}\u0000${state.status}`;
    const row = counts.get(key) ?? {
      broadcastId,
      tenantId: state.tenantId,
      status: state.status,
      messages: 0,
    };
    row.messages += sign;
    counts.set(key, row);
  };
  for (const { before, after } of changes) {
    const state = after.state;
    // The broadcast of a message is known from its MessageAccepted on, and never changes after.
    if (!isAccepted(state) || state.broadcastId === null) continue;
    const broadcastId = state.broadcastId;
    const wasAccepted = before !== null && isAccepted(before);
    if (!wasAccepted) {
      const row = broadcasts.get(broadcastId) ?? {
        broadcastId,
        tenantId: state.tenantId,
        channel: state.channel,
        messages: 0,
        firstAcceptedAt: state.createdAt,
      };
      row.messages += 1;
      row.firstAcceptedAt = Math.min(row.firstAcceptedAt, state.createdAt);
      broadcasts.set(broadcastId, row);
    } else if (before.status === state.status) {
      continue;
    } else {
      count(before, broadcastId, -1);
    }
    count(state, broadcastId, 1);
  }
  return {
    broadcasts: [...broadcasts.values()],
    counts: [...counts.values()].filter((row) => row.messages !== 0),
  };
}

/** The timeline row of an event. */
export function timelineRow(event: HeraldEvent): TimelineRow {
  const { type, ...data } = event;
  return {
    messageId: event.messageId,
    eventId: event.eventId,
    tenantId: event.tenantId,
    type,
    status: eventStatus(event as MessageEvent),
    occurredAt: event.occurredAt,
    data,
  };
}

/** What the events of a batch add to each provider's figures per minute. */
export function providerHealthRows(events: readonly HeraldEvent[]): ProviderHealthRow[] {
  const rows = new Map<string, ProviderHealthRow>();
  for (const event of events) {
    if (
      event.type !== 'MessageSent' &&
      event.type !== 'MessageFailed' &&
      event.type !== 'MessageDelivered' &&
      event.type !== 'MessageUndelivered'
    )
      continue;
    if (event.providerId === null) continue;
    const minute = minuteOf(event.occurredAt);
    const key = `${event.providerId}\u0000${minute}`;
    const row = rows.get(key) ?? {
      providerId: event.providerId,
      minute,
      sent: 0,
      failed: 0,
      delivered: 0,
      undelivered: 0,
      latencyMsSum: 0,
      latencyMsMax: 0,
    };
    if (event.type === 'MessageSent') {
      row.sent += 1;
      row.latencyMsSum += event.latencyMs;
      row.latencyMsMax = Math.max(row.latencyMsMax, event.latencyMs);
    } else if (event.type === 'MessageFailed') row.failed += 1;
    else if (event.type === 'MessageDelivered') row.delivered += 1;
    else row.undelivered += 1;
    rows.set(key, row);
  }
  return [...rows.values()];
}
