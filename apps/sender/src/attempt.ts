import type { ProviderConfig } from '@herald/config';
import type { EventOf, HeraldEvent, Topics } from '@herald/contracts';
import { eligibleProviders, nextRetry, pickWeighted } from '@herald/domain';
import type { RetryPolicy } from '@herald/domain';
import { derivedEventId } from '@herald/kafka';
import type { SendResult } from '@herald/transports';

type Routed = EventOf<'MessageRouted'>;

/** An event and the topic it goes to. */
export interface Emit {
  topic: string;
  event: HeraldEvent;
}

/** What the attempt logic knows besides the routed message and the provider's answer. */
export interface AttemptContext {
  providers: readonly ProviderConfig[];
  /** Providers not to fail over to: open circuits. */
  unavailable: ReadonlySet<string>;
  retryPolicy: RetryPolicy;
  topics: Topics;
  random: number;
  now: number;
}

const ids = (routed: Routed) => ({ messageId: routed.messageId, tenantId: routed.tenantId, to: routed.to });

/**
 * The events that follow one provider answer. Success records MessageSent (and MessageDelivered
 * when the provider confirms delivery synchronously). A permanent refusal ends the message failed
 * with the provider's code. A retryable failure fails over at once to another eligible provider
 * whose circuit is closed, else waits in a retry tier with backoff and jitter, until the attempts
 * run out.
 */
export function afterAnswer(
  routed: Routed,
  result: SendResult,
  latencyMs: number,
  context: AttemptContext,
): Emit[] {
  const eventId = (role: string) => derivedEventId(routed.eventId, role);
  if (result.ok) {
    const sent: Emit = {
      topic: context.topics.events,
      event: {
        type: 'MessageSent',
        eventId: eventId('sent'),
        occurredAt: context.now,
        ...ids(routed),
        providerId: routed.providerId,
        providerMessageId: result.providerMessageId,
        attempt: routed.attempt,
        latencyMs,
      },
    };
    if (result.status !== 'delivered') return [sent];
    const delivered: Emit = {
      topic: context.topics.events,
      event: {
        type: 'MessageDelivered',
        eventId: eventId('delivered'),
        occurredAt: context.now,
        ...ids(routed),
        providerId: routed.providerId,
        providerMessageId: result.providerMessageId,
        providerStatus: 'delivered',
      },
    };
    return [sent, delivered];
  }
  if (!result.retryable) return [failed(routed, result.errorCode, result.errorMessage, context)];
  return retryOrFailover(
    routed,
    { code: result.errorCode, message: result.errorMessage, retryAfterMs: result.retryAfterMs ?? 0 },
    context,
  );
}

/** Next step after a retryable failure (or a provider we may not call now). */
export function retryOrFailover(
  routed: Routed,
  error: { code: string; message: string; retryAfterMs: number },
  context: AttemptContext,
): Emit[] {
  if (routed.attempt >= context.retryPolicy.maxAttempts) {
    return [
      failed(routed, error.code, `${error.message} (gave up after ${routed.attempt} attempts)`, context),
    ];
  }
  const excluded = new Set([...context.unavailable, routed.providerId]);
  const alternative = pickWeighted(eligibleProviders(context.providers, routed, excluded), context.random);
  const next = {
    ...routed,
    eventId: derivedEventId(routed.eventId, `attempt:${routed.attempt + 1}`),
    occurredAt: context.now,
    attempt: routed.attempt + 1,
    lastErrorCode: error.code,
    lastErrorMessage: error.message,
  };
  if (alternative) {
    const lane =
      routed.priority === 'express' ? context.topics.dispatchExpress : context.topics.dispatchNormal;
    return [{ topic: lane, event: { ...next, providerId: alternative.id, notBefore: null } }];
  }
  const retry = nextRetry(context.retryPolicy, routed.attempt, context.random, error.retryAfterMs);
  if (retry.kind === 'exhausted') {
    return [
      failed(routed, error.code, `${error.message} (gave up after ${routed.attempt} attempts)`, context),
    ];
  }
  const topic =
    context.topics.retries[retry.tier] ?? context.topics.retries[context.topics.retries.length - 1];
  if (topic === undefined) throw new Error('no retry topic configured');
  return [{ topic, event: { ...next, notBefore: context.now + retry.delayMs } }];
}

function failed(routed: Routed, errorCode: string, errorMessage: string, context: AttemptContext): Emit {
  return {
    topic: context.topics.events,
    event: {
      type: 'MessageFailed',
      eventId: derivedEventId(routed.eventId, 'failed'),
      occurredAt: context.now,
      ...ids(routed),
      providerId: routed.providerId,
      errorCode,
      errorMessage,
    },
  };
}
