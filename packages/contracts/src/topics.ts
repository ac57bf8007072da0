import type { EventType } from './types.generated.js';
import { fullName } from './schemas.js';

/** Every topic Herald owns, named under an optional prefix (tests and tenants of a shared cluster). */
export interface Topics {
  requested: string;
  dispatchExpress: string;
  dispatchNormal: string;
  events: string;
  dlq: string;
  /** Retry tiers, shortest delay first: a failed attempt waits in one of them until it is due. */
  retries: readonly string[];
}

/** Names of the retry tiers' topics (their delays are configuration: see the sender). */
export const RETRY_TIERS = ['5s', '1m', '10m'] as const;

/** Topic names under `prefix` (empty in production: `herald.message.*`). */
export function topics(prefix = ''): Topics {
  const name = (suffix: string) => `${prefix}herald.message.${suffix}`;
  return {
    requested: name('requested'),
    dispatchExpress: name('dispatch.express'),
    dispatchNormal: name('dispatch.normal'),
    events: name('events'),
    dlq: name('dlq'),
    retries: RETRY_TIERS.map((tier) => name(`retry.${tier}`)),
  };
}

/** The topic an event of `type` is written to (MessageRouted goes to the lane named by `priority`). */
export function topicFor(all: Topics, type: EventType, priority: 'normal' | 'express' = 'normal'): string {
  switch (type) {
    // A cancel request must reach the router after the accept it cancels: same topic and key, so
    // same partition, in order.
    case 'MessageAccepted':
    case 'MessageCancelRequested':
      return all.requested;
    case 'MessageRouted':
      return priority === 'express' ? all.dispatchExpress : all.dispatchNormal;
    case 'MessageScheduled':
    case 'MessageCancelled':
    case 'MessageExpired':
    case 'MessageSent':
    case 'MessageDelivered':
    case 'MessageRead':
    case 'MessageUndelivered':
    case 'MessageFailed':
      return all.events;
    default: {
      const exhaustive: never = type;
      throw new Error(`unknown event type ${String(exhaustive)}`);
    }
  }
}

/** Every topic an event of `type` may be on: MessageRouted is on both lanes and every retry tier. */
export function topicsCarrying(all: Topics, type: EventType): string[] {
  return type === 'MessageRouted'
    ? [all.dispatchExpress, all.dispatchNormal, ...all.retries]
    : [topicFor(all, type)];
}

/**
 * Registry subject of an event type on a topic. Several event types share the events topic, so
 * subjects follow Confluent's TopicRecordNameStrategy: `<topic>-<record full name>`.
 */
export function subjectFor(topic: string, type: EventType): string {
  return `${topic}-${fullName(type)}`;
}
