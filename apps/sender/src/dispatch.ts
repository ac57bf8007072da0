import type { ProviderConfig } from '@herald/config';
import type { EventOf, Topics } from '@herald/contracts';
import type { RetryPolicy } from '@herald/domain';
import { derivedEventId, encodeEvent, eventHeaders } from '@herald/kafka';
import type { DecodedRecord, OutgoingRecord, PartialProgress, SchemaCatalog } from '@herald/kafka';
import { SpanStatusCode, inClientSpan, inConsumerSpan } from '@herald/telemetry';
import type { Logger } from '@herald/telemetry';
import type { OutboundMessage, SendResult, Transport } from '@herald/transports';
import type { Emit } from './attempt.js';
import { afterAnswer, retryOrFailover } from './attempt.js';
import type { ProviderGuards } from './guards.js';
import type { LaneGate } from './lane-gate.js';
import type { RateGate } from './rate-gate.js';

type Routed = EventOf<'MessageRouted'>;

/** Which of the sender's inputs a batch came from. */
export type Lane = 'express' | 'normal' | 'retry';

/** What the sender's batch logic needs from its process. */
export interface SenderDeps {
  providers: () => readonly ProviderConfig[];
  transports: () => ReadonlyMap<string, Transport>;
  guards: ProviderGuards;
  rate: RateGate;
  lanes: LaneGate;
  limit: <T>(work: () => Promise<T>) => Promise<T>;
  catalog: SchemaCatalog;
  topics: Topics;
  retryPolicy: RetryPolicy;
  callbackUrl: (routed: Routed) => string | null;
  clock: () => number;
  random: () => number;
  log: Logger;
  /** Told of every answered call, for metrics and receipt matching. */
  observe: (
    routed: Routed,
    outcome: { ok: boolean; retryable: boolean; code: string; latencyMs: number; providerMessageId?: string },
  ) => void;
}

/** The minimum pause of a retry partition whose head is not due, so it is not refetched in a loop. */
const MIN_PAUSE_MS = 20;

/**
 * Handles one batch of routed messages. On a retry topic only the prefix that is due is handled and
 * the partition is paused until the next record is due; other partitions are not held up.
 * `groupId` is the consumer group, named on each record's span.
 */
export async function processDispatch(
  deps: SenderDeps,
  lane: Lane,
  records: DecodedRecord[],
  groupId: string,
): Promise<OutgoingRecord[] | PartialProgress> {
  const now = deps.clock();
  let due = records;
  let pauseMs = 0;
  if (lane === 'retry') {
    const firstLater = records.findIndex(
      (r) => r.event.type === 'MessageRouted' && (r.event.notBefore ?? 0) > now,
    );
    if (firstLater >= 0) {
      due = records.slice(0, firstLater);
      const head = records[firstLater]?.event as Routed;
      pauseMs = Math.max(MIN_PAUSE_MS, (head.notBefore ?? now) - now);
    }
  }
  const run = () =>
    Promise.all(
      due
        .filter((record) => record.event.type === 'MessageRouted')
        .map((record) => deps.limit(() => attempt(deps, lane, record, groupId))),
    );
  const outgoing = (lane === 'express' ? await deps.lanes.express(run) : await run()).flat();
  if (pauseMs === 0) return outgoing;
  return { outgoing, lastProcessedOffset: due.at(-1)?.offset ?? null, pauseMs };
}

/**
 * One routed message, in its own span continued from the record's trace: the provider call is its
 * child, and the records it produces carry it on.
 */
function attempt(
  deps: SenderDeps,
  lane: Lane,
  record: DecodedRecord,
  groupId: string,
): Promise<OutgoingRecord[]> {
  return inConsumerSpan(record, groupId, async () => {
    const routed = record.event as Routed;
    const emits = await attemptEmits(deps, lane, routed);
    logAttempt(deps.log, routed, emits);
    return emits.map(({ topic, event }) => ({
      topic,
      key: event.to,
      value: encodeEvent(deps.catalog, topic, event),
      headers: eventHeaders(event, record.headers),
    }));
  });
}

/** `send attempt` at debug: what came of one routed message, in its trace. */
function logAttempt(log: Logger, routed: Routed, emits: Emit[]): void {
  if (!log.isLevelEnabled('debug')) return;
  const next = emits[0]?.event;
  log.debug(
    {
      tenantId: routed.tenantId,
      messageId: routed.messageId,
      providerId: routed.providerId,
      channel: routed.channel,
      attempt: routed.attempt,
      outcome: emits.map(({ event }) => event.type),
      ...(next?.type === 'MessageSent' ? { latencyMs: next.latencyMs } : {}),
      ...(next?.type === 'MessageFailed' ? { errorCode: next.errorCode } : {}),
      ...(next?.type === 'MessageRouted'
        ? { errorCode: next.lastErrorCode, nextProviderId: next.providerId, notBefore: next.notBefore }
        : {}),
    },
    'send attempt',
  );
}

/** The provider call, as a CLIENT span naming the provider and channel and saying how it went. */
function sendInSpan(providerId: string, transport: Transport, message: OutboundMessage): Promise<SendResult> {
  const attributes = {
    'herald.provider.id': providerId,
    'herald.provider.kind': transport.kind,
    'herald.channel': message.channel,
    'herald.message_id': message.messageId,
    'herald.tenant_id': message.tenantId,
  };
  return inClientSpan(`send ${transport.kind}`, attributes, async (span) => {
    const result = await transport.send(message);
    if (result.ok) {
      span.setAttribute('herald.provider.message_id', result.providerMessageId);
    } else {
      span.setAttributes({ 'error.type': result.errorCode, 'herald.retryable': result.retryable });
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.errorMessage });
    }
    return result;
  });
}

async function attemptEmits(deps: SenderDeps, lane: Lane, routed: Routed): Promise<Emit[]> {
  const context = () => ({
    providers: deps.providers(),
    unavailable: deps.guards.openProviders(),
    retryPolicy: deps.retryPolicy,
    topics: deps.topics,
    random: deps.random(),
    now: deps.clock(),
  });
  // Validity is checked again here: a message can wait in the sender long enough to lapse.
  if (routed.expiresAt !== null && deps.clock() >= routed.expiresAt)
    return [expired(routed, deps.clock(), deps.topics)];
  const transport = deps.transports().get(routed.providerId);
  if (!transport || !deps.providers().some((p) => p.id === routed.providerId)) {
    const error = {
      code: 'provider_unknown',
      message: `provider ${routed.providerId} is not configured in this sender`,
      retryAfterMs: 0,
    };
    return retryOrFailover(routed, error, context());
  }
  if (!deps.guards.allow(routed.providerId)) {
    const error = {
      code: 'circuit_open',
      message: `the circuit of ${routed.providerId} is open`,
      retryAfterMs: 0,
    };
    return retryOrFailover(routed, error, context());
  }
  if (lane !== 'express') await deps.lanes.normalTurn();
  await deps.rate.acquire(routed.providerId);
  const started = deps.clock();
  const result = await sendInSpan(routed.providerId, transport, {
    messageId: routed.messageId,
    tenantId: routed.tenantId,
    channel: routed.channel,
    to: routed.to,
    from: routed.from,
    text: routed.text,
    statusCallbackUrl: deps.callbackUrl(routed),
  });
  const latencyMs = Math.max(0, Math.round(deps.clock() - started));
  // Only failures that say something about the provider count against its circuit: a refused
  // number is the message's fault, not the provider's.
  deps.guards.record(routed.providerId, result.ok || !result.retryable);
  deps.observe(routed, {
    ok: result.ok,
    retryable: !result.ok && result.retryable,
    code: result.ok ? '' : result.errorCode,
    latencyMs,
    ...(result.ok ? { providerMessageId: result.providerMessageId } : {}),
  });
  return afterAnswer(routed, result, latencyMs, context());
}

function expired(routed: Routed, now: number, topics: Topics): Emit {
  return {
    topic: topics.events,
    event: {
      type: 'MessageExpired',
      eventId: derivedEventId(routed.eventId, 'expired'),
      occurredAt: now,
      messageId: routed.messageId,
      tenantId: routed.tenantId,
      to: routed.to,
      reason: 'validity elapsed before the provider was called',
    },
  };
}
