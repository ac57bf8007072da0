import { EVENT_TYPES, TOPOLOGY, retentionClassOf, topics, topicsCarrying } from '@herald/contracts';
import type { AppName, TopicRole } from '@herald/contracts';
import type { CommonConfig } from '@herald/config';
import { DEAD_LETTER, messageComponents, schemaComponents } from './asyncapi-messages.js';

/** Where Herald's topics are and how they are configured: the running process's settings. */
export interface TopicSettings {
  topicPrefix: string;
  partitions: number;
  /** `retention.ms` of each retention class (-1: forever). */
  retentionMs: { facts: number; dispatch: number };
  brokers: readonly string[];
  schemaRegistryUrl: string;
}

/** The settings of a process's configuration. */
export function topicSettingsFromConfig(config: CommonConfig): TopicSettings {
  return {
    topicPrefix: config.HERALD_TOPIC_PREFIX,
    partitions: config.HERALD_PARTITIONS,
    retentionMs: { facts: config.HERALD_EVENTS_RETENTION_MS, dispatch: config.HERALD_DISPATCH_RETENTION_MS },
    brokers: config.KAFKA_BROKERS,
    schemaRegistryUrl: config.SCHEMA_REGISTRY_URL,
  };
}

/** One channel: a topic, named by its role (a retry tier is a channel of its own). */
interface ChannelSpec {
  id: string;
  role: TopicRole;
  address: string;
  messages: readonly string[];
}

const KAFKA_BINDING_VERSION = '0.5.0';

const CHANNEL_DESCRIPTIONS: Record<TopicRole, string> = {
  requested: 'Accepted messages and cancel requests, in the order the ingress acknowledged them.',
  dispatchExpress: 'Routed express messages, waiting for the sender (a lane of its own).',
  dispatchNormal: 'Routed normal messages, waiting for the sender.',
  retries: 'Attempts waiting for their retry delay; the sender holds each until `not_before`.',
  events:
    'What happened to each message: schedules, sends, outcomes, cancels and expiries. Read this for analytics.',
  dlq: 'Records a consumer could not decode, copied with the reason; listed and replayed by the admin API.',
};

function channelSpecs(prefix: string): ChannelSpec[] {
  const names = topics(prefix);
  const carried = (address: string) =>
    EVENT_TYPES.filter((type) => topicsCarrying(names, type).includes(address));
  const single = (role: Exclude<TopicRole, 'retries'>): ChannelSpec => ({
    id: role,
    role,
    address: names[role],
    messages: role === 'dlq' ? [DEAD_LETTER] : carried(names[role]),
  });
  return [
    single('requested'),
    single('dispatchExpress'),
    single('dispatchNormal'),
    // `retry5s` for `herald.message.retry.5s`: one channel per tier.
    ...names.retries.map((address) => ({
      id: `retry${address.slice(address.lastIndexOf('.') + 1)}`,
      role: 'retries' as const,
      address,
      messages: carried(address),
    })),
    single('events'),
    single('dlq'),
  ];
}

function channel(spec: ChannelSpec, settings: TopicSettings) {
  return {
    address: spec.address,
    title: spec.address,
    description: CHANNEL_DESCRIPTIONS[spec.role],
    messages: Object.fromEntries(
      spec.messages.map((name) => [name, { $ref: `#/components/messages/${name}` }]),
    ),
    bindings: {
      kafka: {
        topic: spec.address,
        partitions: settings.partitions,
        topicConfiguration: {
          'cleanup.policy': ['delete'],
          'retention.ms': settings.retentionMs[retentionClassOf(spec.role)],
        },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

const messageRefs = (channelId: string, names: readonly string[]) =>
  names.map((name) => ({ $ref: `#/channels/${channelId}/messages/${name}` }));

/** Every send and receive of every app, from the topology in @herald/contracts. */
function operations(specs: readonly ChannelSpec[], prefix: string) {
  const operations: Record<string, unknown> = {};
  const add = (id: string, operation: unknown) => {
    if (id in operations) throw new Error(`AsyncAPI operation ${id} defined twice`);
    operations[id] = operation;
  };
  const channelsOf = (role: TopicRole) => specs.filter((spec) => spec.role === role);
  const send = (app: AppName, spec: ChannelSpec, messages: readonly string[], summary: string) =>
    add(`${app}_sends_${spec.id}`, {
      action: 'send',
      channel: { $ref: `#/channels/${spec.id}` },
      summary,
      messages: messageRefs(spec.id, messages),
      tags: [{ name: app }],
    });
  for (const { app, produces, deadLetters, consumes } of TOPOLOGY) {
    for (const production of produces)
      for (const spec of channelsOf(production.topic)) send(app, spec, production.events, production.summary);
    if (deadLetters)
      for (const spec of channelsOf('dlq')) send(app, spec, [DEAD_LETTER], 'Records it could not decode.');
    for (const consumption of consumes)
      for (const role of consumption.topics)
        for (const spec of channelsOf(role))
          add(`${app}_receives_${spec.id}`, {
            action: 'receive',
            channel: { $ref: `#/channels/${spec.id}` },
            summary: consumption.summary,
            messages: messageRefs(spec.id, spec.messages),
            tags: [{ name: app }],
            bindings: {
              kafka: {
                groupId: { type: 'string', enum: [`${prefix}${consumption.group}`] },
                bindingVersion: KAFKA_BINDING_VERSION,
              },
            },
          });
  }
  return operations;
}

// The document is unauthenticated: a registry URL's credentials must never reach it.
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}

const DESCRIPTION = `Herald's Kafka topics, for analytics and other downstream consumers.

Every record is keyed by the recipient address, so all events of a message stay in one partition, in
order. Values are Avro in the Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then
the Avro binary payload. Any Confluent-compatible deserializer decodes them with the schema registry
alone. Several event types share a topic: the \`event-type\` header names the record, and registry
subjects follow TopicRecordNameStrategy (\`<topic>-dev.herald.message.<EventType>\`), each with a
BACKWARD compatibility rule: a consumer on an older schema keeps reading newer records as long as it
resolves by writer schema id. Producers write with Kafka transactions: read with
\`isolation.level=read_committed\`. Events can repeat (at-least-once paths): deduplicate on \`event-id\`.

Partition counts and retention are this deployment's configuration (HERALD_PARTITIONS,
HERALD_EVENTS_RETENTION_MS, HERALD_DISPATCH_RETENTION_MS; -1 keeps records forever).`;

/** The AsyncAPI 3.0 document of every Herald topic, as this deployment is configured. */
export function buildAsyncApiDocument(settings: TopicSettings) {
  const specs = channelSpecs(settings.topicPrefix);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Herald topics',
      version: '1.0.0',
      description: DESCRIPTION,
      tags: TOPOLOGY.map(({ app, summary }) => ({ name: app, description: summary })),
    },
    defaultContentType: 'application/octet-stream',
    servers: {
      kafka: {
        host: settings.brokers.join(','),
        protocol: 'kafka',
        description: 'Bootstrap brokers (comma-separated).',
        bindings: {
          kafka: {
            schemaRegistryUrl: withoutCredentials(settings.schemaRegistryUrl),
            schemaRegistryVendor: 'confluent',
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
      },
    },
    channels: Object.fromEntries(specs.map((spec) => [spec.id, channel(spec, settings)])),
    operations: operations(specs, settings.topicPrefix),
    components: { messages: messageComponents(), schemas: schemaComponents() },
  };
}
