import type { Topics } from './topics.js';
import type { EventType } from './types.generated.js';

/** A topic by its role; `retries` stands for every retry tier. */
export type TopicRole = keyof Topics;

/** Herald's deployables that touch Kafka. */
export type AppName = 'ingress' | 'router' | 'sender' | 'projector' | 'webhooks';

/** Event types an app writes to the topics of one role. */
export interface Production {
  topic: TopicRole;
  events: readonly EventType[];
  summary: string;
}

/** A consumer group an app runs (its id is the topic prefix followed by `group`). */
export interface Consumption {
  group: string;
  topics: readonly TopicRole[];
  summary: string;
}

/** What one app writes and reads: the contract analytics teams and the AsyncAPI document rely on. */
export interface AppTopology {
  app: AppName;
  summary: string;
  produces: readonly Production[];
  /** True when the app copies records it cannot decode to the DLQ (raw, with herald-dlq-* headers). */
  deadLetters: boolean;
  consumes: readonly Consumption[];
}

const MESSAGE_TOPICS: readonly TopicRole[] = [
  'requested',
  'dispatchExpress',
  'dispatchNormal',
  'retries',
  'events',
];

/**
 * Who writes and reads each topic. Each app registers the schemas of `eventTypesProducedBy(app)` at
 * start-up, so an event type written but missing here fails its first send.
 */
export const TOPOLOGY: readonly AppTopology[] = [
  {
    app: 'ingress',
    summary: 'HTTP API: accepts sends and cancels, records provider status callbacks.',
    produces: [
      {
        topic: 'requested',
        events: ['MessageAccepted', 'MessageCancelRequested'],
        summary: 'Accepted sends (202 only after acks=-1) and cancel requests, keyed like the accept.',
      },
      {
        topic: 'events',
        events: ['MessageDelivered', 'MessageUndelivered', 'MessageFailed', 'MessageRead'],
        summary: 'Outcomes reported by provider status callbacks.',
      },
    ],
    deadLetters: false,
    consumes: [],
  },
  {
    app: 'router',
    summary: 'Holds credits, applies opt-outs, schedules and expiry, picks a provider.',
    produces: [
      {
        topic: 'dispatchExpress',
        events: ['MessageRouted'],
        summary: 'Express messages routed to a provider.',
      },
      {
        topic: 'dispatchNormal',
        events: ['MessageRouted'],
        summary: 'Normal messages routed to a provider.',
      },
      {
        topic: 'events',
        events: ['MessageScheduled', 'MessageCancelled', 'MessageExpired', 'MessageFailed'],
        summary: 'Messages scheduled, cancelled, expired, or refused before any provider call.',
      },
    ],
    deadLetters: true,
    consumes: [{ group: 'herald-router', topics: ['requested'], summary: 'Routes accepted messages.' }],
  },
  {
    app: 'sender',
    summary: 'Calls providers with rate limits and circuit breakers; retries and fails over.',
    produces: [
      {
        topic: 'events',
        events: [
          'MessageSent',
          'MessageDelivered',
          'MessageRead',
          'MessageUndelivered',
          'MessageFailed',
          'MessageExpired',
        ],
        summary: 'Provider answers and delivery receipts.',
      },
      { topic: 'dispatchExpress', events: ['MessageRouted'], summary: 'Failover of express messages.' },
      { topic: 'dispatchNormal', events: ['MessageRouted'], summary: 'Failover of normal messages.' },
      { topic: 'retries', events: ['MessageRouted'], summary: 'Attempts waiting in a retry tier until due.' },
    ],
    deadLetters: true,
    consumes: [
      {
        group: 'herald-sender-express',
        topics: ['dispatchExpress'],
        summary: 'Express lane: its own group so normal traffic never delays it.',
      },
      {
        group: 'herald-sender',
        topics: ['dispatchNormal', 'retries'],
        summary: 'Normal lane and the retry tiers (held until due).',
      },
    ],
  },
  {
    app: 'projector',
    summary: 'Postgres event store and read models; offsets stored with the rows they produced.',
    produces: [
      {
        topic: 'events',
        events: ['MessageDelivered', 'MessageRead', 'MessageUndelivered', 'MessageFailed'],
        summary: 'Provider callbacks that arrived before their MessageSent, released once it is projected.',
      },
    ],
    deadLetters: false,
    consumes: [
      { group: 'herald-projector', topics: MESSAGE_TOPICS, summary: 'Every event into the event store.' },
      { group: 'herald-dlq-projector', topics: ['dlq'], summary: 'Dead letters for the DLQ admin API.' },
    ],
  },
  {
    app: 'webhooks',
    summary: "Fans status events out to tenants' webhook endpoints.",
    produces: [],
    deadLetters: false,
    consumes: [
      { group: 'herald-webhooks', topics: MESSAGE_TOPICS, summary: 'Events that have a webhook type.' },
    ],
  },
];

/** The topology of one app. */
export function topologyOf(app: AppName): AppTopology {
  const found = TOPOLOGY.find((entry) => entry.app === app);
  if (!found) throw new Error(`no topology for app ${app}`);
  return found;
}

/** Every event type `app` writes, once each: the schemas it registers at start-up. */
export function eventTypesProducedBy(app: AppName): EventType[] {
  return [...new Set(topologyOf(app).produces.flatMap((production) => production.events))];
}

/**
 * Retention class of a topic: facts (accepts, cancel requests, outcomes, dead letters) are the log
 * of record; the dispatch flow (MessageRouted) can be shorter-lived. Both are configuration.
 */
export function retentionClassOf(role: TopicRole): 'facts' | 'dispatch' {
  return role === 'requested' || role === 'events' || role === 'dlq' ? 'facts' : 'dispatch';
}
