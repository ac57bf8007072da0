import { randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { schemaOf, subjectFor, toRecord, topics as topicNames } from '@herald/contracts';
import type { EventOf, Topics } from '@herald/contracts';
import { createLogger } from '@herald/telemetry';
import { requireServices, uniqueId } from '@herald/testkit';
import type { TestServices } from '@herald/testkit';
import {
  BatchingProducer,
  HeraldKafkaError,
  SchemaCatalog,
  createIdempotentProducer,
  createKafka,
  decodeEvent,
  encodeEvent,
  ensureTopics,
  eventHeaders,
} from '../src/index.js';
import type { OutgoingRecord } from '../src/index.js';

interface Context {
  services: TestServices;
  kafka: Kafka;
  createdTopics: string[];
}

const test = anyTest as TestFn<Context>;
const PARTITIONS = 3;
const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

test.before(async (t) => {
  const services = await requireServices();
  const kafka = createKafka({
    brokers: services.kafkaBrokers,
    clientId: 'wire-format-test',
    log: createLogger('wire-format-test', 'error'),
  });
  t.context = { services, kafka, createdTopics: [] };
});

test.after.always(async (t) => {
  if (!t.context.kafka || t.context.createdTopics.length === 0) return;
  const admin = t.context.kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: t.context.createdTopics }).catch(() => undefined);
  await admin.disconnect();
});

/** Fresh topics under a unique prefix, created with PARTITIONS partitions each. */
async function freshTopics(t: { context: Context }): Promise<Topics> {
  const all = topicNames(`t${uniqueId()}.`);
  const names = [all.requested, all.events];
  t.context.createdTopics.push(...names);
  await ensureTopics(
    t.context.kafka,
    names.map((topic) => ({ topic, partitions: PARTITIONS })),
  );
  return all;
}

function accepted(to: string, n: number): EventOf<'MessageAccepted'> {
  return {
    type: 'MessageAccepted',
    eventId: randomUUID(),
    messageId: randomUUID(),
    tenantId: 'tenant-wire',
    occurredAt: Date.UTC(2025, 0, 1) + n,
    to,
    channel: 'sms',
    from: n % 2 === 0 ? 'HERALD' : null,
    text: `hello ${n} — ünïcödé`,
    priority: 'normal',
    clientReference: `ref-${n}`,
    callbackUrl: null,
    metadata: n % 3 === 0 ? { order: String(n) } : null,
    sendAt: null,
    expiresAt: n % 2 === 0 ? Date.UTC(2025, 0, 2) : null,
    parts: 1,
    encoding: 'UCS-2',
    costMicros: 10_000,
    broadcastId: null,
  };
}

/** Reads `count` raw records of `topic` from the beginning with a plain KafkaJS consumer. */
async function consumeRaw(
  kafka: Kafka,
  topic: string,
  count: number,
): Promise<{ partition: number; message: KafkaMessage }[]> {
  const consumer = kafka.consumer({ groupId: `wire-format-reader-${uniqueId()}`, maxWaitTimeInMs: 100 });
  const seen: { partition: number; message: KafkaMessage }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${seen.length} of ${count} records of ${topic} in 30 s`)),
        30000,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ partition, message });
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** Kafka's Java murmur2 (org.apache.kafka.common.utils.Utils#murmur2), as a signed 32-bit int. */
function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length % 4;
  if (tail === 3) h ^= (data[whole + 2] ?? 0) << 16;
  if (tail >= 2) h ^= (data[whole + 1] ?? 0) << 8;
  if (tail >= 1) {
    h ^= data[whole] ?? 0;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's Java producer picks for a non-null key. */
const javaPartition = (key: string, partitions: number) =>
  (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;

test('murmur2 reproduces the Java client on Kafka UtilsTest vectors', (t) => {
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [input, expected] of vectors) t.is(murmur2(Buffer.from(input)), expected, input);
});

test('a MessageAccepted is Confluent-framed Avro keyed by recipient that any registry-aware consumer decodes', async (t) => {
  const all = await freshTopics(t);
  const catalog = new SchemaCatalog(t.context.services.schemaRegistryUrl);
  const schemaId = await catalog.register(all.requested, 'MessageAccepted');
  const recipients = [
    '+14155550100',
    '+14155550101',
    '+447700900123',
    '+33612345678',
    '@herald_bot',
    '+4915112345678',
  ];
  // Every recipient gets two messages, so same-key placement is observable.
  const events = [...recipients, ...recipients].map((to, n) => accepted(to, n));
  const producer = createIdempotentProducer(t.context.kafka);
  await producer.connect();
  const batching = new BatchingProducer(producer, { maxBatchRecords: 100, lingerMs: 5 });
  try {
    await Promise.all(
      events.map((event) =>
        batching.send([
          {
            topic: all.requested,
            key: event.to,
            value: encodeEvent(catalog, all.requested, event),
            headers: eventHeaders(event),
          },
        ]),
      ),
    );
  } finally {
    await batching.close();
    await producer.disconnect();
  }

  const consumed = await consumeRaw(t.context.kafka, all.requested, events.length);
  const registry = new SchemaRegistry({ host: t.context.services.schemaRegistryUrl });
  const partitionOf = new Map<string, number>();
  const byEventId = new Map(events.map((event) => [event.eventId, event]));
  for (const { partition, message } of consumed) {
    const value = message.value;
    if (!value) return t.fail('record without value');
    t.is(value.readUInt8(0), 0, 'magic byte');
    t.is(value.readInt32BE(1), schemaId, 'schema id after the magic byte');
    const decoded = (await registry.decode(value)) as Record<string, unknown>;
    const original = byEventId.get(String(decoded.event_id));
    if (!original) return t.fail(`decoded an unknown event id ${String(decoded.event_id)}`);
    t.deepEqual(
      { ...decoded },
      { ...toRecord(original) },
      'registry-only decode gives the snake_case record',
    );
    t.like(decoded, {
      event_id: original.eventId,
      message_id: original.messageId,
      tenant_id: original.tenantId,
      occurred_at: original.occurredAt,
    });
    t.is(message.key?.toString(), original.to, 'key is the recipient');
    t.is(message.headers?.['event-type']?.toString(), 'MessageAccepted');
    t.is(message.headers?.['event-id']?.toString(), original.eventId);
    t.is(
      partition,
      javaPartition(original.to, PARTITIONS),
      `partition of ${original.to} is the Java client's`,
    );
    const earlier = partitionOf.get(original.to);
    if (earlier !== undefined) t.is(partition, earlier, `both messages to ${original.to} share a partition`);
    partitionOf.set(original.to, partition);
    t.deepEqual(
      await decodeEvent(new SchemaCatalog(t.context.services.schemaRegistryUrl), value),
      original,
      'Herald decodes it back',
    );
  }
  t.is(partitionOf.size, recipients.length);
  t.true(new Set(partitionOf.values()).size > 1, 'recipients spread over more than one partition');
});

async function postVersion(
  registryUrl: string,
  subject: string,
  schema: unknown,
): Promise<{ status: number; body: { id?: number } }> {
  const response = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'Content-Type': REGISTRY_CONTENT_TYPE },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  return { status: response.status, body: (await response.json()) as { id?: number } };
}

test('the registry enforces BACKWARD on Herald subjects and Herald reads a newer compatible writer', async (t) => {
  const all = await freshTopics(t);
  const registryUrl = t.context.services.schemaRegistryUrl;
  const catalog = new SchemaCatalog(registryUrl);
  const firstId = await catalog.register(all.events, 'MessageSent');
  const subject = subjectFor(all.events, 'MessageSent');

  const config = await fetch(`${registryUrl}/config/${encodeURIComponent(subject)}`);
  t.is(config.status, 200);
  t.like((await config.json()) as object, { compatibilityLevel: 'BACKWARD' });

  const current = schemaOf('MessageSent');
  const required = { ...current, fields: [...current.fields, { name: 'segments', type: 'int' }] };
  const refused = await postVersion(registryUrl, subject, required);
  t.is(refused.status, 409, 'a new required field without default is refused');

  const optional = {
    ...current,
    fields: [...current.fields, { name: 'carrier', type: ['null', 'string'], default: null }],
  };
  const accepted = await postVersion(registryUrl, subject, optional);
  t.is(accepted.status, 200, 'a new optional field with a default is accepted');
  const newId = accepted.body.id;
  if (newId === undefined) return t.fail('registry returned no id');
  t.not(newId, firstId);

  // A producer already on the newer schema: Herald's reader schema still decodes its records.
  const event: EventOf<'MessageSent'> = {
    type: 'MessageSent',
    eventId: randomUUID(),
    messageId: randomUUID(),
    tenantId: 'tenant-wire',
    occurredAt: Date.UTC(2025, 0, 2),
    to: '+14155550100',
    providerId: 'twilio-main',
    providerMessageId: 'SM123',
    attempt: 1,
    latencyMs: 42,
  };
  const payload = avro.Type.forSchema(optional as avro.Schema).toBuffer({
    ...toRecord(event),
    carrier: 'acme',
  });
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), payload]);
  framed.writeInt32BE(newId, 1);
  t.deepEqual(await decodeEvent(catalog, framed), event);
});

function assertPoison(
  t: { is: (a: unknown, b: unknown, m?: string) => void },
  error: unknown,
  code: string,
): void {
  t.is(error instanceof HeraldKafkaError, true, `${code}: a HeraldKafkaError`);
  if (!(error instanceof HeraldKafkaError)) return;
  t.is(error.code, code);
  t.is(error.canRetry, false, `${code} is never retried`);
}

test('decodeEvent rejects bytes that are not a Herald event with a stable code and canRetry false', async (t) => {
  const all = await freshTopics(t);
  const registryUrl = t.context.services.schemaRegistryUrl;
  const catalog = new SchemaCatalog(registryUrl);
  const id = await catalog.register(all.requested, 'MessageAccepted');
  const valid = encodeEvent(catalog, all.requested, accepted('+14155550100', 1));
  const wrongMagic = Buffer.from(valid);
  wrongMagic.writeUInt8(1, 0);
  const unknownId = Buffer.from(valid);
  unknownId.writeInt32BE(2_000_000_000, 1);
  // A schema the registry knows but that is not a Herald event.
  const foreign = {
    type: 'record',
    name: 'Foreign',
    namespace: 'com.example',
    fields: [{ name: 'x', type: 'string' }],
  };
  const registered = await postVersion(registryUrl, `${all.requested}-com.example.Foreign`, foreign);
  const foreignId = registered.body.id ?? -1;
  const foreignValue = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), Buffer.from([2, 0x61])]);
  foreignValue.writeInt32BE(foreignId, 1);

  const cases: [string, Buffer | null, string][] = [
    ['no value', null, 'record_without_value'],
    ['JSON instead of Avro', Buffer.from('{"event_id":"x"}'), 'not_confluent_wire_format'],
    ['wrong magic byte', wrongMagic, 'not_confluent_wire_format'],
    ['shorter than the header', Buffer.from([0, 0, 0]), 'not_confluent_wire_format'],
    ['schema id unknown to the registry', unknownId, 'unknown_schema_id'],
    ['schema of another record', foreignValue, 'unknown_event_type'],
    ['truncated payload', valid.subarray(0, valid.length - 6), 'avro_decode_failed'],
    [
      'garbage payload after a valid header',
      Buffer.concat([valid.subarray(0, 5), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f])]),
      'avro_decode_failed',
    ],
  ];
  for (const [what, value, code] of cases) {
    const error = await decodeEvent(catalog, value).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    t.truthy(error, `${what} is rejected`);
    assertPoison(t, error, code);
  }
  t.is(valid.readInt32BE(1), id);

  // The one failure that may pass: the registry is down. That one is retried, not dead-lettered.
  const offline = new SchemaCatalog('http://127.0.0.1:9/apis/ccompat/v7');
  const error = await t.throwsAsync(decodeEvent(offline, valid), { instanceOf: HeraldKafkaError });
  t.is(error?.code, 'registry_unavailable');
  t.true(error?.canRetry);
});

test('BatchingProducer merges 200 concurrent sends into fewer produce requests and loses none', async (t) => {
  const all = await freshTopics(t);
  const catalog = new SchemaCatalog(t.context.services.schemaRegistryUrl);
  await catalog.register(all.requested, 'MessageAccepted');
  const producer = createIdempotentProducer(t.context.kafka);
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const requests: number[] = [];
  const batching = new BatchingProducer(producer, {
    maxBatchRecords: 50,
    lingerMs: 20,
    onBatch: (records, _ms, error) => {
      if (error) t.log(`produce failed: ${String(error)}`);
      requests.push(records);
    },
  });
  const events = Array.from({ length: 200 }, (_, n) =>
    accepted(`+1415555${String(n % 17).padStart(4, '0')}`, n),
  );
  const records: OutgoingRecord[] = events.map((event) => ({
    topic: all.requested,
    key: event.to,
    value: encodeEvent(catalog, all.requested, event),
    headers: eventHeaders(event),
  }));
  await Promise.all(records.map((record) => batching.send([record])));

  t.true(requests.length < 200, `${requests.length} produce requests for 200 sends`);
  t.true(requests.length >= 4, 'never more than maxBatchRecords in one request');
  t.true(requests.every((count) => count <= 50));
  t.is(
    requests.reduce((sum, count) => sum + count, 0),
    200,
  );

  const consumed = await consumeRaw(t.context.kafka, all.requested, 200);
  const ids = new Set(
    await Promise.all(
      consumed.map(async ({ message }) => (await decodeEvent(catalog, message.value)).eventId),
    ),
  );
  t.deepEqual([...ids].sort(), events.map((event) => event.eventId).sort());

  await batching.close();
  await t.throwsAsync(batching.send([records[0] as OutgoingRecord]), { message: /closed/ });
});
