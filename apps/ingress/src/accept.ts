import { acceptMessage, priceMessage, segmentText } from '@herald/domain';
import type { Channel, MessageAccepted, PriceTable } from '@herald/domain';
import type { OutgoingRecord } from '@herald/kafka';
import { encodeEvent, eventHeaders } from '@herald/kafka';
import type { IngressContext } from './ingress-context.js';
import type { IdSource } from './idempotency.js';
import type { FieldError } from './problems.js';
import { Problem } from './problems.js';
import type { SendMessageBody } from './schemas.js';
import { MAX_SCHEDULE_DAYS } from './schemas.js';

const DAY_MS = 86_400_000;

/** How a text travels: parts billed and, for SMS, its encoding. */
export interface TextShape {
  parts: number;
  encoding: string | null;
}

/** SMS segmentation for sms; other channels send one message whatever the length. */
export function shapeOf(channel: Channel, text: string): TextShape {
  if (channel !== 'sms') return { parts: 1, encoding: null };
  const { parts, encoding } = segmentText(text);
  return { parts, encoding };
}

/** When a message is sent and until when it may be, as epoch milliseconds. */
export interface Schedule {
  sendAt: number | null;
  expiresAt: number | null;
}

/**
 * Checks `send_at` against the clock (future, at most 30 days ahead) and turns `validity_seconds`
 * into an expiry counted from the send time. Field errors when the time is out of range.
 */
export function scheduleOf(
  body: { send_at?: string | null; validity_seconds?: number | null },
  now: number,
): Schedule | FieldError[] {
  const sendAt = body.send_at ? Date.parse(body.send_at) : null;
  if (sendAt !== null && sendAt <= now) return [{ field: 'send_at', message: 'must be in the future' }];
  if (sendAt !== null && sendAt > now + MAX_SCHEDULE_DAYS * DAY_MS)
    return [{ field: 'send_at', message: `must be at most ${MAX_SCHEDULE_DAYS} days ahead` }];
  const validity = body.validity_seconds ?? null;
  return { sendAt, expiresAt: validity === null ? null : (sendAt ?? now) + validity * 1000 };
}

/** The same schedule check, as the 400 a single-message endpoint answers. */
export function requireSchedule(body: Parameters<typeof scheduleOf>[0], now: number): Schedule {
  const schedule = scheduleOf(body, now);
  if (Array.isArray(schedule))
    throw new Problem(400, 'validation_failed', 'The request body is invalid', undefined, schedule);
  return schedule;
}

/** What one message costs and the event that accepts it. */
export interface PreparedMessage {
  accepted: MessageAccepted;
  costMicros: number;
}

/** Everything about a message that is decided before it is accepted. */
export interface MessageDraft {
  body: Omit<SendMessageBody, 'send_at' | 'validity_seconds'>;
  schedule: Schedule;
  shape: TextShape;
  broadcastId: string | null;
}

/** Prices a message and decides its MessageAccepted; `role` names its ids within the request. */
export function prepareMessage(
  draft: MessageDraft,
  context: { tenantId: string; now: number; prices: PriceTable; ids: IdSource; role: string },
): PreparedMessage {
  const { body, schedule, shape } = draft;
  const costMicros = priceMessage(context.prices, { channel: body.channel, to: body.to, parts: shape.parts });
  const decision = acceptMessage(
    {
      type: 'AcceptMessage',
      messageId: context.ids(`${context.role}:message`),
      tenantId: context.tenantId,
      eventId: context.ids(`${context.role}:accepted`),
      now: context.now,
      message: {
        channel: body.channel,
        to: body.to,
        from: body.from ?? null,
        text: body.text,
        priority: body.priority,
        clientReference: body.client_reference ?? null,
        callbackUrl: body.callback_url ?? null,
        metadata: body.metadata ?? null,
        sendAt: schedule.sendAt,
        expiresAt: schedule.expiresAt,
        parts: shape.parts,
        encoding: shape.encoding,
        costMicros,
        broadcastId: draft.broadcastId,
      },
    },
    null,
  );
  // A new id never has a state, so the decision cannot refuse; a refusal is a bug.
  if (!decision.ok) throw new Error(decision.error.message);
  const [accepted] = decision.value;
  return { accepted, costMicros };
}

/** The Kafka record of an accepted message: on the requested topic, keyed by recipient. */
export function acceptedRecord(
  deps: IngressContext,
  accepted: MessageAccepted,
  requestId: string,
): OutgoingRecord {
  return {
    topic: deps.topics.requested,
    key: accepted.to,
    value: encodeEvent(deps.catalog, deps.topics.requested, accepted),
    headers: { ...eventHeaders(accepted), 'request-id': requestId },
  };
}

/**
 * One debug line per accepted message, written in the request's span so it carries the trace id
 * every later stage of the message logs too. Never the text: bodies stay out of logs.
 */
export function logAccepted(
  deps: IngressContext,
  accepted: readonly MessageAccepted[],
  requestId: string,
): void {
  if (!deps.log.isLevelEnabled('debug')) return;
  for (const message of accepted)
    deps.log.debug(
      {
        requestId,
        tenantId: message.tenantId,
        messageId: message.messageId,
        channel: message.channel,
        parts: message.parts,
        ...(message.broadcastId === null ? {} : { broadcastId: message.broadcastId }),
        ...(message.sendAt === null ? {} : { sendAt: new Date(message.sendAt).toISOString() }),
      },
      'message accepted',
    );
}

/**
 * Produces records and resolves once Kafka has them all (acks=-1); any failure is the 503 that
 * tells the client nothing it sent in this request may be counted on.
 */
export async function produceAll(
  deps: IngressContext,
  chunks: OutgoingRecord[][],
  requestId: string,
): Promise<void> {
  try {
    await Promise.all(chunks.map((chunk) => deps.producer.send(chunk)));
  } catch (error) {
    deps.log.error({ err: error, requestId }, 'produce to Kafka failed');
    throw new Problem(
      503,
      'kafka_unavailable',
      'The request could not be stored',
      'Nothing can be counted on as accepted; retry later (with the same Idempotency-Key).',
      undefined,
      { 'Retry-After': '1' },
    );
  }
}
