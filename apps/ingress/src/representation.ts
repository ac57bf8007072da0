import { evolve, MESSAGE_STATUSES } from '@herald/domain';
import type { MessageAccepted, MessageState, MessageStatus } from '@herald/domain';
import type { BroadcastSummary, OptOut, TimelineEntry } from '@herald/store';
import { formatCredits } from './credit-amounts.js';

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** A price as a decimal credit string (never a binary float) and the exact integer micro-credits. */
export function costResource(micros: number) {
  return { credits: formatCredits(micros), micros };
}

/** The public JSON shape of a message (snake_case, ISO-8601 times). */
export function messageResource(state: MessageState) {
  return {
    id: state.id,
    status: state.status,
    channel: state.channel,
    to: state.to,
    from: state.from,
    text: state.text,
    priority: state.priority,
    client_reference: state.clientReference,
    callback_url: state.callbackUrl,
    metadata: state.metadata,
    parts: state.parts,
    encoding: state.encoding,
    cost: costResource(state.costMicros),
    send_at: iso(state.sendAt),
    expires_at: iso(state.expiresAt),
    broadcast_id: state.broadcastId,
    provider_id: state.providerId,
    provider_message_id: state.providerMessageId,
    error: state.errorCode ? { code: state.errorCode, message: state.errorMessage } : null,
    attempts: state.attempts,
    created_at: iso(state.createdAt),
    updated_at: iso(state.updatedAt),
    cancel_requested_at: iso(state.cancelRequestedAt),
    // In lifecycle order: Postgres jsonb does not keep the order keys were written in.
    status_times: Object.fromEntries(
      MESSAGE_STATUSES.filter((status) => state.statusTimes[status] !== undefined).map((status) => [
        status,
        iso(state.statusTimes[status]),
      ]),
    ),
  };
}

/** The answer to an accepted message: `scheduled` when it waits for its send_at, else `queued`. */
export function acceptedResource(accepted: MessageAccepted) {
  const resource = messageResource(evolve(null, accepted));
  return accepted.sendAt === null ? resource : { ...resource, status: 'scheduled' as MessageStatus };
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
// Facts every event has; the timeline entry carries them once, outside `details`.
const ENVELOPE = new Set(['eventId', 'messageId', 'tenantId', 'occurredAt', 'to']);
const TIMES = new Set(['occurredAt', 'sendAt', 'expiresAt']);

/** One event of a message's timeline; `status` is the status the event moves the message to. */
export function timelineResource(entry: TimelineEntry, status: MessageStatus | null) {
  const details: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entry.data)) {
    if (ENVELOPE.has(name)) continue;
    details[snakeCase(name)] = TIMES.has(name) && typeof value === 'number' ? iso(value) : value;
  }
  return {
    id: entry.eventId,
    type: entry.type,
    status,
    occurred_at: iso(entry.occurredAt),
    details,
  };
}

/** A broadcast's counts per status, every status present (zero when none). */
export function broadcastResource(summary: BroadcastSummary) {
  return {
    id: summary.id,
    channel: summary.channel,
    total: summary.total,
    counts: Object.fromEntries(MESSAGE_STATUSES.map((status) => [status, summary.counts[status] ?? 0])),
    created_at: iso(summary.createdAt),
  };
}

/** An entry of the opt-out list. */
export function optOutResource(optOut: OptOut) {
  return {
    recipient: optOut.recipient,
    channel: optOut.channel,
    source: optOut.source,
    created_at: iso(optOut.createdAt),
  };
}
