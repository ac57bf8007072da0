import type { ProviderConfig } from '@herald/config';
import { topicFor } from '@herald/contracts';
import type { HeraldEvent, Topics } from '@herald/contracts';
import type { MessageAccepted } from '@herald/domain';
import { encodeEvent, eventHeaders } from '@herald/kafka';
import type { DecodedRecord, OutgoingRecord, SchemaCatalog } from '@herald/kafka';
import {
  cancelScheduled,
  holdCreditsForMessages,
  inTransaction,
  optOutKey,
  optedOutAmong,
  scheduleMessages,
} from '@herald/store';
import type { Pool, PoolClient } from '@herald/store';
import {
  endSpan,
  startConsumerSpan,
  traceFieldsOf,
  traceFieldsOfHeaders,
  traceparentOf,
} from '@herald/telemetry';
import type { Logger, TraceContext } from '@herald/telemetry';
import type { IHeaders } from 'kafkajs';
import { cancelled, candidatesFor, expired, routeNow, scheduled, triage } from './route.js';

/** What the router's batch logic needs from its process. */
export interface RouterDeps {
  pool: Pool;
  /** The current provider configuration (reloaded without a restart). */
  providers: () => readonly ProviderConfig[];
  /** Providers whose circuit is open in some sender. */
  unavailable: () => ReadonlySet<string>;
  catalog: SchemaCatalog;
  topics: Topics;
  clock: () => number;
  random: () => number;
  log: Logger;
  /** The router's consumer group, named on its spans. */
  groupId: string;
}

/** An accepted message with the Kafka headers it arrived with (trace context). */
export interface AcceptedInput {
  event: MessageAccepted;
  headers: IHeaders;
  /** The span of the message's work in this batch; without one, the headers' trace is carried on. */
  trace?: TraceContext;
}

/** A cancel request and the span of its work in this batch. */
interface CancelInput {
  record: DecodedRecord;
  trace: TraceContext;
}

/**
 * Handles one batch of the requested topic: expires, schedules or routes each accepted message and
 * carries out cancel requests of scheduled ones. Postgres work (holds, schedule rows) commits
 * before the caller's Kafka transaction; all of it is idempotent per message, so a batch retried
 * after a failed Kafka commit makes the same decisions and emits events with the same ids.
 */
export async function handleRequestedBatch(
  deps: RouterDeps,
  records: DecodedRecord[],
): Promise<OutgoingRecord[]> {
  // One span per record, continued from its headers: the batch is decided set-based, but each
  // message's trace shows its own step through the router.
  const spans = records.map((record) => startConsumerSpan(record, deps.groupId));
  try {
    const out = await decideBatch(deps, records, spans);
    for (const span of spans) endSpan(span);
    return out;
  } catch (error) {
    for (const span of spans) endSpan(span, error);
    throw error;
  }
}

function decideBatch(
  deps: RouterDeps,
  records: DecodedRecord[],
  spans: TraceContext[],
): Promise<OutgoingRecord[]> {
  const now = deps.clock();
  const accepted: AcceptedInput[] = [];
  const cancels: CancelInput[] = [];
  records.forEach((record, index) => {
    const trace = spans[index];
    if (trace === undefined) return;
    if (record.event.type === 'MessageAccepted')
      accepted.push({ event: record.event as MessageAccepted, headers: record.headers, trace });
    else if (record.event.type === 'MessageCancelRequested') cancels.push({ record, trace });
  });
  return inTransaction(deps.pool, async (client) => {
    const out: OutgoingRecord[] = [];
    const due: AcceptedInput[] = [];
    const held: AcceptedInput[] = [];
    for (const input of accepted) {
      const decision = triage(input.event, now);
      if (decision === 'expire') out.push(toRecord(deps, expired(input.event, now), input));
      else if (decision === 'schedule') held.push(input);
      else due.push(input);
    }
    await scheduleMessages(
      client,
      held.map((input) => ({
        messageId: input.event.messageId,
        tenantId: input.event.tenantId,
        dueAt: input.event.sendAt ?? now,
        accepted: input.event,
        traceparent: heldTraceparent(input),
      })),
    );
    for (const input of held) out.push(toRecord(deps, scheduled(input.event, now), input));
    out.push(...(await routeDue(client, deps, due, now)));
    out.push(...(await carryOutCancels(client, deps, cancels, now)));
    return out;
  });
}

/**
 * Routes messages that are due now: one query for opt-outs, one set-based credit hold for those
 * that can be routed, then a pure decision per message.
 */
export async function routeDue(
  client: PoolClient,
  deps: RouterDeps,
  due: AcceptedInput[],
  now: number,
): Promise<OutgoingRecord[]> {
  if (due.length === 0) return [];
  const queries = due.map(({ event }) => ({
    tenantId: event.tenantId,
    channel: event.channel,
    recipient: event.to,
  }));
  const optedOutKeys = await optedOutAmong(client, queries);
  const optedOut = queries.map((query) => optedOutKeys.has(optOutKey(query)));
  const holdable = due.filter(
    ({ event }, index) => !optedOut[index] && candidatesFor(event, deps.providers()).length > 0,
  );
  const holds = await holdCreditsForMessages(
    client,
    holdable.map(({ event }) => ({
      tenantId: event.tenantId,
      messageId: event.messageId,
      amount: event.costMicros,
      channel: event.channel,
    })),
    now,
  );
  return due.map((input, index) => {
    const { event } = input;
    const hold = holds.get(event.messageId);
    const facts = {
      optedOut: optedOut[index] === true,
      unavailable: deps.unavailable(),
      ...(hold
        ? { hold: hold.ok ? { ok: true as const } : { ok: false as const, available: hold.available } }
        : {}),
    };
    return toRecord(deps, routeNow(event, deps.providers(), facts, deps.random(), now), input);
  });
}

async function carryOutCancels(
  client: PoolClient,
  deps: RouterDeps,
  cancels: CancelInput[],
  now: number,
): Promise<OutgoingRecord[]> {
  const statuses = await cancelScheduled(
    client,
    cancels.map(({ record }) => record.event.messageId),
  );
  // A cancel request for a message routed already changes nothing: the client is told 409 by the
  // ingress, which sees the message move past `scheduled`.
  return cancels
    .filter(({ record }) => statuses.get(record.event.messageId) === 'cancelled')
    .map(({ record: { event, headers }, trace }) =>
      toRecord(deps, cancelled({ messageId: event.messageId, tenantId: event.tenantId, to: event.to }, now), {
        headers,
        trace,
      }),
    );
}

function toRecord(
  deps: RouterDeps,
  event: HeraldEvent,
  cause: { headers: IHeaders; trace?: TraceContext | undefined },
): OutgoingRecord {
  const topic =
    event.type === 'MessageRouted'
      ? topicFor(deps.topics, 'MessageRouted', event.priority)
      : topicFor(deps.topics, event.type);
  logDecision(deps.log, event, cause);
  return {
    topic,
    key: event.to,
    value: encodeEvent(deps.catalog, topic, event),
    headers: eventHeaders(event, cause.headers, cause.trace),
  };
}

/** `message routed` (scheduled, expired, failed, cancelled) at debug, in the message's trace. */
function logDecision(
  log: Logger,
  event: HeraldEvent,
  cause: { headers: IHeaders; trace?: TraceContext | undefined },
): void {
  if (!log.isLevelEnabled('debug')) return;
  const requestId = cause.headers['request-id'];
  log.debug(
    {
      ...(cause.trace ? traceFieldsOf(cause.trace) : traceFieldsOfHeaders(cause.headers)),
      ...(requestId === undefined ? {} : { requestId: String(requestId) }),
      tenantId: event.tenantId,
      messageId: event.messageId,
      ...(event.type === 'MessageRouted'
        ? { providerId: event.providerId, priority: event.priority, attempt: event.attempt }
        : {}),
      ...(event.type === 'MessageFailed' ? { errorCode: event.errorCode } : {}),
    },
    event.type.replace(/^Message/, 'message ').toLowerCase(),
  );
}

/** The traceparent a held message keeps for its dispatch: its span's here, else the one it came with. */
function heldTraceparent(input: AcceptedInput): string | null {
  const own = input.trace ? traceparentOf(input.trace) : null;
  const cause = input.headers.traceparent;
  return own ?? (cause === undefined ? null : String(cause));
}
