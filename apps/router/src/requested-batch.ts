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
}

/** An accepted message with the Kafka headers it arrived with (trace context). */
export interface AcceptedInput {
  event: MessageAccepted;
  headers: IHeaders;
}

/**
 * Handles one batch of the requested topic: expires, schedules or routes each accepted message and
 * carries out cancel requests of scheduled ones. Postgres work (holds, schedule rows) commits
 * before the caller's Kafka transaction; all of it is idempotent per message, so a batch retried
 * after a failed Kafka commit makes the same decisions and emits events with the same ids.
 */
export function handleRequestedBatch(deps: RouterDeps, records: DecodedRecord[]): Promise<OutgoingRecord[]> {
  const now = deps.clock();
  const accepted: AcceptedInput[] = [];
  const cancels: DecodedRecord[] = [];
  for (const record of records) {
    if (record.event.type === 'MessageAccepted')
      accepted.push({ event: record.event as MessageAccepted, headers: record.headers });
    else if (record.event.type === 'MessageCancelRequested') cancels.push(record);
  }
  return inTransaction(deps.pool, async (client) => {
    const out: OutgoingRecord[] = [];
    const due: AcceptedInput[] = [];
    const held: AcceptedInput[] = [];
    for (const input of accepted) {
      const decision = triage(input.event, now);
      if (decision === 'expire') out.push(toRecord(deps, expired(input.event, now), input.headers));
      else if (decision === 'schedule') held.push(input);
      else due.push(input);
    }
    await scheduleMessages(
      client,
      held.map(({ event }) => ({
        messageId: event.messageId,
        tenantId: event.tenantId,
        dueAt: event.sendAt ?? now,
        accepted: event,
      })),
    );
    for (const input of held) out.push(toRecord(deps, scheduled(input.event, now), input.headers));
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
  return due.map(({ event, headers }, index) => {
    const hold = holds.get(event.messageId);
    const facts = {
      optedOut: optedOut[index] === true,
      unavailable: deps.unavailable(),
      ...(hold
        ? { hold: hold.ok ? { ok: true as const } : { ok: false as const, available: hold.available } }
        : {}),
    };
    return toRecord(deps, routeNow(event, deps.providers(), facts, deps.random(), now), headers);
  });
}

async function carryOutCancels(
  client: PoolClient,
  deps: RouterDeps,
  cancels: DecodedRecord[],
  now: number,
): Promise<OutgoingRecord[]> {
  const statuses = await cancelScheduled(
    client,
    cancels.map((record) => record.event.messageId),
  );
  // A cancel request for a message routed already changes nothing: the client is told 409 by the
  // ingress, which sees the message move past `scheduled`.
  return cancels
    .filter((record) => statuses.get(record.event.messageId) === 'cancelled')
    .map(({ event, headers }) =>
      toRecord(
        deps,
        cancelled({ messageId: event.messageId, tenantId: event.tenantId, to: event.to }, now),
        headers,
      ),
    );
}

function toRecord(deps: RouterDeps, event: HeraldEvent, cause: IHeaders): OutgoingRecord {
  const topic =
    event.type === 'MessageRouted'
      ? topicFor(deps.topics, 'MessageRouted', event.priority)
      : topicFor(deps.topics, event.type);
  return {
    topic,
    key: event.to,
    value: encodeEvent(deps.catalog, topic, event),
    headers: eventHeaders(event, cause),
  };
}
