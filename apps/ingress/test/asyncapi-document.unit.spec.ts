import test from 'ava';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { Parser } from '@asyncapi/parser';
import { EVENT_TYPES, TOPOLOGY, schemaOf, topics, topicsCarrying } from '@herald/contracts';
import { AVRO_SCHEMA_FORMAT } from '../src/asyncapi-messages.js';
import { buildAsyncApiDocument } from '../src/asyncapi.js';
import { offlineIngressApp } from './support/offline-app.js';

const app = offlineIngressApp();

interface Channel {
  address: string;
  messages: Record<string, { $ref: string }>;
  bindings: { kafka: { partitions: number; topicConfiguration: { 'retention.ms': number } } };
}

interface Operation {
  action: 'send' | 'receive';
  channel: { $ref: string };
  messages: { $ref: string }[];
  bindings?: { kafka: { groupId: { enum: string[] } } };
}

interface Document {
  asyncapi: string;
  servers: { kafka: { host: string; bindings: { kafka: { schemaRegistryUrl: string } } } };
  channels: Record<string, Channel>;
  operations: Record<string, Operation>;
  components: {
    messages: Record<string, { payload: { schemaFormat?: string; schema?: unknown }; headers: unknown }>;
  };
}

async function fetchDocument(): Promise<Document> {
  const response = await app.request('/asyncapi.json');
  if (response.status !== 200) throw new Error(`GET /asyncapi.json answered ${response.status}`);
  return (await response.json()) as Document;
}

function asyncApiParser(): Parser {
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  return parser;
}

// Severity 0 is an error, 1 a warning; 2 and 3 are hints (e.g. "3.1.0 exists").
const problems = (
  diagnostics: { severity: number; code: string | number; message: string; path: unknown }[],
) =>
  diagnostics
    .filter((diagnostic) => diagnostic.severity <= 1)
    .map((diagnostic) => `${diagnostic.code}: ${diagnostic.message} at ${JSON.stringify(diagnostic.path)}`);

// @asyncapi/parser 3.x runs custom schema parsers on AsyncAPI 2 documents only, so each Avro payload
// goes through the official Avro schema parser's own validation (avsc) here.
const avroParser = AvroSchemaParser();
type AvroInput = Parameters<typeof avroParser.validate>[0];
async function avroProblems(schema: unknown, path: string[]): Promise<string[]> {
  const input = { data: schema, path, meta: {}, schemaFormat: AVRO_SCHEMA_FORMAT } as unknown as AvroInput;
  const results = (await avroParser.validate(input)) ?? [];
  return results.map((result) => `${path.join('.')}: ${result.message}`);
}

test('GET /asyncapi.json needs no credentials and is a valid AsyncAPI 3.0 document', async (t) => {
  const response = await app.request('/asyncapi.json');
  t.is(response.status, 200);
  t.regex(response.headers.get('content-type') ?? '', /^application\/json/);
  const text = await response.text();
  const raw = JSON.parse(text) as Document;
  t.is(raw.asyncapi, '3.0.0');
  const { document, diagnostics } = await asyncApiParser().parse(text);
  t.deepEqual(problems(diagnostics), []);
  t.is(document?.operations().all().length, Object.keys(raw.operations).length);
  t.is(document?.channels().all().length, Object.keys(raw.channels).length);
});

test('every Avro payload is a valid Avro schema for the official Avro schema parser', async (t) => {
  const { components } = await fetchDocument();
  const avro = Object.entries(components.messages).filter(
    ([, message]) => message.payload.schemaFormat === AVRO_SCHEMA_FORMAT,
  );
  t.is(avro.length, EVENT_TYPES.length);
  for (const [name, message] of avro)
    t.deepEqual(await avroProblems(message.payload.schema, ['components', 'messages', name, 'payload']), []);
});

test('the validators do refuse a broken document (so the checks above can fail)', async (t) => {
  const document = await fetchDocument();
  const broken = structuredClone(document);
  // An operation on the events channel that names a message of another channel.
  const operation = broken.operations.router_sends_events;
  if (!operation) return t.fail('no router_sends_events operation');
  operation.messages = [{ $ref: '#/channels/requested/messages/MessageAccepted' }];
  const { diagnostics } = await asyncApiParser().parse(JSON.stringify(broken));
  t.true(
    problems(diagnostics).some((problem) =>
      problem.startsWith('asyncapi3-operation-messages-from-referred-channel'),
    ),
    JSON.stringify(problems(diagnostics)),
  );
  const invalid = { type: 'record', name: 'X', fields: [{ name: 'a', type: 'no-such-type' }] };
  t.true((await avroProblems(invalid, ['payload'])).length > 0, 'an invalid Avro payload is reported');
});

test('every topic is a channel, every event type a message with its schemas/*.avsc payload', async (t) => {
  const { channels, components } = await fetchDocument();
  const all = topics('');
  const expected = [
    all.requested,
    all.dispatchExpress,
    all.dispatchNormal,
    ...all.retries,
    all.events,
    all.dlq,
  ];
  t.deepEqual(
    Object.values(channels)
      .map((channel) => channel.address)
      .sort(),
    [...expected].sort(),
  );
  for (const type of EVENT_TYPES) {
    const message = components.messages[type];
    t.is(message?.payload.schemaFormat, 'application/vnd.apache.avro+json;version=1.9.0', type);
    t.deepEqual(message?.payload.schema, schemaOf(type), type);
    const carriedBy = Object.values(channels)
      .filter((channel) => type in channel.messages)
      .map((channel) => channel.address)
      .sort();
    t.deepEqual(carriedBy, topicsCarrying(all, type).sort(), `${type} is on the topics it is written to`);
  }
  t.deepEqual(Object.keys(channels.dlq?.messages ?? {}), ['DeadLetter']);
});

test('headers, key and wire format are described', async (t) => {
  const text = await (await app.request('/asyncapi.json')).text();
  for (const header of [
    'event-type',
    'event-id',
    'message-id',
    'traceparent',
    'request-id',
    'herald-dlq-reason',
    'herald-dlq-source-topic',
  ])
    t.true(text.includes(`"${header}"`), header);
  const { components } = JSON.parse(text) as {
    components: { messages: Record<string, { bindings: unknown }> };
  };
  t.like(components.messages.MessageAccepted?.bindings, {
    kafka: {
      key: { $ref: '#/components/schemas/RecipientKey' },
      schemaIdLocation: 'payload',
      schemaIdPayloadEncoding: 'confluent',
      schemaLookupStrategy: 'TopicRecordNameStrategy',
    },
  });
  t.true(text.includes('magic byte 0'));
});

test('every app of the topology sends and receives what it declares, with its consumer group', async (t) => {
  const { operations, channels } = await fetchDocument();
  const channelOf = (operation: Operation) =>
    channels[operation.channel.$ref.replace('#/channels/', '')]?.address;
  const messagesOf = (operation: Operation) => operation.messages.map((ref) => ref.$ref.split('/').pop());
  t.deepEqual(messagesOf(operations.ingress_sends_requested as Operation), [
    'MessageAccepted',
    'MessageCancelRequested',
  ]);
  t.is(channelOf(operations.router_receives_requested as Operation), 'herald.message.requested');
  t.deepEqual(operations.router_receives_requested?.bindings?.kafka.groupId.enum, ['herald-router']);
  t.deepEqual(operations.sender_receives_retry10m?.bindings?.kafka.groupId.enum, ['herald-sender']);
  t.deepEqual(messagesOf(operations.sender_sends_retry5s as Operation), ['MessageRouted']);
  t.deepEqual(messagesOf(operations.router_sends_dlq as Operation), ['DeadLetter']);
  for (const { app: name, produces, consumes } of TOPOLOGY) {
    const ofApp = Object.entries(operations).filter(([id]) => id.startsWith(`${name}_`));
    t.is(
      ofApp.some(([, operation]) => operation.action === 'send'),
      produces.length > 0,
      `${name} sends`,
    );
    t.is(
      ofApp.some(([, operation]) => operation.action === 'receive'),
      consumes.length > 0,
      `${name} receives`,
    );
  }
});

test('topic names, partitions, retention, group ids and servers come from the configuration', (t) => {
  const document = buildAsyncApiDocument({
    topicPrefix: 'acme.',
    partitions: 12,
    retentionMs: { facts: 604_800_000, dispatch: 86_400_000 },
    brokers: ['kafka-1:9092', 'kafka-2:9092'],
    schemaRegistryUrl: 'https://analytics:s3cret@registry.internal:8081/apis/ccompat/v7',
  }) as unknown as Document;
  t.is(document.channels.events?.address, 'acme.herald.message.events');
  t.is(document.channels.retry1m?.address, 'acme.herald.message.retry.1m');
  for (const channel of Object.values(document.channels)) t.is(channel.bindings.kafka.partitions, 12);
  t.is(document.channels.events?.bindings.kafka.topicConfiguration['retention.ms'], 604_800_000);
  t.is(document.channels.dlq?.bindings.kafka.topicConfiguration['retention.ms'], 604_800_000);
  t.is(document.channels.dispatchNormal?.bindings.kafka.topicConfiguration['retention.ms'], 86_400_000);
  t.is(document.channels.retry5s?.bindings.kafka.topicConfiguration['retention.ms'], 86_400_000);
  t.deepEqual(document.operations.projector_receives_events?.bindings?.kafka.groupId.enum, [
    'acme.herald-projector',
  ]);
  t.is(document.servers.kafka.host, 'kafka-1:9092,kafka-2:9092');
  t.is(
    document.servers.kafka.bindings.kafka.schemaRegistryUrl,
    'https://registry.internal:8081/apis/ccompat/v7',
  );
  t.false(JSON.stringify(document).includes('s3cret'), 'registry credentials never reach the document');
});
